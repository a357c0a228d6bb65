"""/api/v1/employment-records, /api/v1/checkins and /api/v1/layoff-alerts: jobs found
elsewhere, monthly check-ins, and layoff and closure alerts from destinations."""
from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app import clock
from app.auth.scoping import get_visible_or_404, visible
from app.employers.models import Employer
from app.employment import answers, layoffs, records
from app.employment.models import (
    ANSWERS,
    FOUND_VIA,
    ISSUES,
    LAYOFF_KINDS,
    CheckIn,
    EmploymentRecord,
    LayoffAlert,
)
from app.registry.models import Worker
from app.vocabulary import OFFICERS

from .auth import api_roles
from .common import (
    ID,
    ID_RANGE,
    PageArgs,
    UtcDateTime,
    documents_errors,
    domain_errors,
    me,
    page_schema,
    paginate,
)

bp = Blueprint("employment_api", __name__, url_prefix="/api/v1",
               description="Jobs found elsewhere, monthly check-ins, layoff alerts")
ALERT_ROLES = (*OFFICERS, "partner")
MONTH = r"^\d{4}-\d{2}$"


class RecordOut(Schema):
    """A job found elsewhere."""

    id = fields.Integer(required=True)
    worker_id = fields.Integer(required=True)
    area_code = fields.String(required=True, metadata={"description": "the worker's county"})
    employer_id = fields.Integer(allow_none=True)
    employer_name = fields.String(required=True)
    area_code_of_place = fields.String(attribute="place_code", data_key="place_code",
                                       allow_none=True)
    province_code = fields.String(allow_none=True)
    city_code = fields.String(allow_none=True)
    place_detail = fields.String(required=True)
    sector = fields.String(required=True)
    start_month = fields.Function(lambda r: r.start_month.strftime("%Y-%m"), required=True)
    end_month = fields.Function(lambda r: r.end_month.strftime("%Y-%m") if r.end_month
                                else None, allow_none=True)
    monthly_wage = fields.Integer(allow_none=True)
    found_via = fields.String(required=True)
    created_at = UtcDateTime(required=True)


class RecordIn(Schema):
    """A job found elsewhere: the employer (registered: ``employer_id``), the place
    (``area_code``, or ``place`` as people write it), sector, start month, wage, channel."""

    worker_id = fields.Integer(required=True, validate=ID_RANGE)
    employer_name = fields.String(load_default="", validate=validate.Length(max=128))
    employer_id = fields.Integer(allow_none=True, validate=ID_RANGE)
    area_code = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{6}$"))
    place = fields.String(load_default="", validate=validate.Length(max=128))
    sector = fields.String(load_default="", validate=validate.Length(max=64))
    start_month = fields.String(required=True, validate=validate.Regexp(MONTH),
                                metadata={"description": "YYYY-MM"})
    monthly_wage = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=200_000))
    found_via = fields.String(load_default="self", validate=validate.OneOf(FOUND_VIA))


class RecordEnd(Schema):
    """The last month worked."""

    end_month = fields.String(required=True, validate=validate.Regexp(MONTH))
    reason = fields.String(load_default="", validate=validate.Length(max=256))


class RecordQuery(PageArgs):
    """Filters of the record list."""

    worker_id = fields.Integer(validate=ID_RANGE)
    open = fields.Boolean(metadata={"description": "only jobs that last (true) or ended"})


class CheckInOut(Schema):
    """A month's check-in."""

    id = fields.Integer(required=True)
    worker_id = fields.Integer(required=True)
    area_code = fields.String(required=True)
    month = fields.Function(lambda c: c.month.strftime("%Y-%m"), required=True)
    status = fields.String(required=True, metadata={"description": "sent, answered, no_answer"})
    reminders = fields.Integer(required=True)
    answer = fields.String(allow_none=True)
    wage = fields.Integer(allow_none=True)
    new_employer_name = fields.String(required=True)
    new_place = fields.String(required=True)
    reason = fields.String(required=True)
    issue = fields.String(required=True)
    answered_at = UtcDateTime(allow_none=True)


class CheckInQuery(PageArgs):
    """Filters of the check-in list."""

    month = fields.String(validate=validate.Regexp(MONTH))
    status = fields.String(validate=validate.OneOf(("sent", "answered", "no_answer")))
    worker_id = fields.Integer(validate=ID_RANGE)


class AnswerIn(Schema):
    """An answer taken on a call."""

    answer = fields.String(required=True, validate=validate.OneOf(ANSWERS))
    wage = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=200_000))
    employer_name = fields.String(load_default="", validate=validate.Length(max=128))
    place = fields.String(load_default="", validate=validate.Length(max=128))
    reason = fields.String(load_default="", validate=validate.OneOf(
        ("", *answers.NOT_WORKING_REASONS)))
    issue = fields.String(load_default="", validate=validate.OneOf(("", *ISSUES)))
    note = fields.String(load_default="", validate=validate.Length(max=256))


class CountyCount(Schema):
    """Affected workers of one county."""

    area_code = fields.String(required=True)
    workers = fields.Integer(required=True)


class AlertOut(Schema):
    """A layoff or closure alert with the affected Guizhou workers by county."""

    id = fields.Integer(required=True)
    employer_id = fields.Integer(required=True)
    employer_name = fields.Function(lambda a: a.employer.name, required=True)
    kind = fields.String(required=True)
    date = fields.Date(required=True)
    workers_affected = fields.Integer(allow_none=True)
    note = fields.String(required=True)
    status = fields.String(required=True)
    counties = fields.Method("_counties", required=True)
    created_at = UtcDateTime(required=True)

    def _counties(self, alert: LayoffAlert) -> list[dict]:
        return [{"area_code": code, "workers": n}
                for code, n in layoffs.counties_of(alert, me())]


class AlertIn(Schema):
    """A layoff or closure at an employer."""

    employer_id = fields.Integer(required=True, validate=ID_RANGE)
    date = fields.Date(required=True)
    workers_affected = fields.Integer(allow_none=True,
                                      validate=validate.Range(min=0, max=1_000_000))
    kind = fields.String(required=True, validate=validate.OneOf(LAYOFF_KINDS))
    note = fields.String(load_default="", validate=validate.Length(max=1000))


RecordPage = page_schema(RecordOut, "EmploymentRecordPage")
CheckInPage = page_schema(CheckInOut, "CheckInPage")
AlertPage = page_schema(AlertOut, "LayoffAlertPage")


@bp.route("/employment-records")
class Records(MethodView):
    """Jobs found elsewhere."""

    @api_roles(*ALERT_ROLES)
    @bp.arguments(RecordQuery, location="query")
    @bp.response(200, RecordPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """Jobs of the caller's area (a partner: at its employers), newest first."""
        stmt = visible(sa.select(EmploymentRecord), EmploymentRecord, me())
        if args.get("worker_id"):
            stmt = stmt.where(EmploymentRecord.worker_id == args["worker_id"])
        if "open" in args:
            column = EmploymentRecord.end_month
            stmt = stmt.where(column.is_(None) if args["open"] else column.is_not(None))
        return paginate(stmt.order_by(EmploymentRecord.id.desc()), args)

    @api_roles(*OFFICERS)
    @bp.arguments(RecordIn)
    @bp.response(201, RecordOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, data):
        """Record a job found elsewhere; the worker becomes employed."""
        worker = get_visible_or_404(Worker, data["worker_id"])
        with domain_errors():
            values = records.clean_record(data, today=clock.today())
            record = records.record_job(worker, values, by=me(), source="api")
        return record


@bp.route(f"/employment-records/<{ID}:record_id>")
class RecordItem(MethodView):
    """One job found elsewhere."""

    @api_roles(*ALERT_ROLES)
    @bp.response(200, RecordOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, record_id):
        """A job found elsewhere."""
        return get_visible_or_404(EmploymentRecord, record_id)

    @api_roles(*OFFICERS)
    @bp.arguments(RecordEnd)
    @bp.response(200, RecordOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def patch(self, data, record_id):
        """End the job with its last month worked."""
        record = get_visible_or_404(EmploymentRecord, record_id)
        with domain_errors():
            records.end_record(record, records.parse_month(data["end_month"],
                                                           field="end_month"),
                               data["reason"], by=me())
        return record


@bp.route("/checkins")
class CheckIns(MethodView):
    """Monthly check-ins."""

    @api_roles(*OFFICERS)
    @bp.arguments(CheckInQuery, location="query")
    @bp.response(200, CheckInPage)
    @documents_errors(bp, 401, 403, 422)
    def get(self, args):
        """Check-ins of the caller's area."""
        stmt = visible(sa.select(CheckIn), CheckIn, me())
        if args.get("month"):
            stmt = stmt.where(CheckIn.month == records.parse_month(args["month"]))
        if args.get("status"):
            stmt = stmt.where(CheckIn.status == args["status"])
        if args.get("worker_id"):
            stmt = stmt.where(CheckIn.worker_id == args["worker_id"])
        return paginate(stmt.order_by(CheckIn.month.desc(), CheckIn.id), args)


@bp.route(f"/checkins/<{ID}:checkin_id>/answer")
class CheckInAnswer(MethodView):
    """An answer taken on a call."""

    @api_roles(*OFFICERS)
    @bp.arguments(AnswerIn)
    @bp.response(200, CheckInOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, data, checkin_id):
        """Record the answer and what follows (records, status, risk, rights report)."""
        ci = get_visible_or_404(CheckIn, checkin_id)
        with domain_errors():
            answers.answer_checkin(ci, answers.CheckInAnswer(**data), by=me(),
                                   today=clock.today())
        return ci


@bp.route("/layoff-alerts")
class Alerts(MethodView):
    """Layoff and closure alerts."""

    @api_roles(*ALERT_ROLES)
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, AlertPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """Alerts (a partner: its employers'), newest first, with the counties affected."""
        stmt = visible(sa.select(LayoffAlert), LayoffAlert, me())
        return paginate(stmt.order_by(LayoffAlert.date.desc(), LayoffAlert.id.desc()), args)

    @api_roles(*ALERT_ROLES)
    @bp.arguments(AlertIn)
    @bp.response(201, AlertOut)
    @documents_errors(bp, 400, 401, 403, 404, 422)
    def post(self, data):
        """Record an alert: finds our workers there, tells their counties, proposes matches."""
        employer = get_visible_or_404(Employer, data["employer_id"]) \
            if me().role != "partner" else _partner_employer(data["employer_id"])
        with domain_errors():
            alert = layoffs.record_alert(employer, data["kind"], data["date"],
                                         data.get("workers_affected"), by=me(),
                                         note=data["note"])
        return alert


def _partner_employer(employer_id: int) -> Employer:
    """An employer a partner may report on (404 otherwise: not disclosed)."""
    from flask import abort

    from app.extensions import db

    if employer_id not in layoffs.partner_employer_ids(me()):
        abort(404)
    employer = db.session.get(Employer, employer_id)
    if employer is None:
        abort(404)
    return employer


@bp.route(f"/layoff-alerts/<{ID}:alert_id>")
class AlertItem(MethodView):
    """One alert."""

    @api_roles(*ALERT_ROLES)
    @bp.response(200, AlertOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, alert_id):
        """An alert with the affected workers by county."""
        return get_visible_or_404(LayoffAlert, alert_id)



