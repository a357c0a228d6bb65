"""/api/v1/referrals (推荐) and /api/v1/placements (上岗): refer, respond, withdraw, hire.

Every change goes through the matching and placements services the web pages use: the
hard rules are checked before a referral, places are taken atomically on a hire, and the
follow-ups are scheduled by ``confirm_hire``.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import selectinload

from app import clock
from app.auth.scoping import get_visible_or_404, visible
from app.employers.models import Job
from app.errors_domain import DomainError
from app.extensions import db
from app.matching.service import referral_score
from app.placements.followups import followup_label, placement_followups, shown_status
from app.placements.models import ACTIVE_REFERRAL, Placement, Referral, ReferralStatus
from app.placements.service import confirm_hire, record_hire, refer, respond, withdraw
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

bp = Blueprint("referrals-placements", __name__, url_prefix="/api/v1",
               description="Referrals (推荐) and placements (上岗)")

STATUS_ROLES = {  # who may move a referral to each status (as on the web pages)
    ReferralStatus.interview.value: ("employer", *OFFICERS),
    ReferralStatus.declined.value: ("employer", *OFFICERS),
    ReferralStatus.hired.value: ("employer", *OFFICERS),
    ReferralStatus.withdrawn.value: (*OFFICERS, "trainee"),
}
SOURCES = ("officer", "trainee", "dispatch", "course", "api")


class ReferralIn(Schema):
    """Refer a worker to an opening (trainees: themselves)."""

    worker_id = fields.Integer(required=True, validate=ID_RANGE)
    job_id = fields.Integer(required=True, validate=ID_RANGE)
    note = fields.String(load_default="", validate=validate.Length(max=512))


class HireFields(Schema):
    """The terms of a hire."""

    start_date = fields.Date(metadata={"description": "required when hiring"})
    monthly_wage = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=200_000),
                                  metadata={"description": "defaults to the opening's lowest"})
    contract_months = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=120))


class ReferralStatusIn(HireFields):
    """interview / declined (with a reason) / withdrawn / hired (with a start date)."""

    status = fields.String(required=True, validate=validate.OneOf(list(STATUS_ROLES)))
    reason = fields.String(load_default="", validate=validate.Length(max=256))


class ReferralOut(Schema):
    """A referral."""

    id = fields.Integer(required=True)
    worker_id = fields.Integer(required=True)
    worker_name = fields.Function(lambda r: r.worker.name, required=True)
    job_id = fields.Integer(required=True)
    job_title = fields.Function(lambda r: r.job.title, required=True)
    employer_id = fields.Integer(required=True)
    employer_name = fields.Function(lambda r: r.employer.name, required=True)
    area_code = fields.String(required=True)
    status = fields.String(required=True)
    source = fields.String(required=True)
    score = fields.Float(allow_none=True)
    note = fields.String(required=True)
    decline_reason = fields.String(required=True)
    placement_id = fields.Function(
        lambda r: db.session.scalar(sa.select(Placement.id).where(
            Placement.referral_id == r.id)), allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class ReferralQuery(PageArgs):
    """Filters of the referral list."""

    status = fields.String(load_default="", validate=validate.OneOf(
        ["active", *[s.value for s in ReferralStatus]]),
        metadata={"description": "active = referred or interview; empty = all"})
    job_id = fields.Integer(validate=ID_RANGE)
    worker_id = fields.Integer(validate=ID_RANGE)
    source = fields.String(load_default="", validate=validate.OneOf(SOURCES))


class PlacementIn(HireFields):
    """An officer records a hire directly (referring first when needed)."""

    worker_id = fields.Integer(required=True, validate=ID_RANGE)
    job_id = fields.Integer(required=True, validate=ID_RANGE)
    start_date = fields.Date(required=True)


class PlacementOut(Schema):
    """A placement: the worker started work."""

    id = fields.Integer(required=True)
    worker_id = fields.Integer(required=True)
    worker_name = fields.Function(lambda p: p.worker.name, required=True)
    job_id = fields.Integer(allow_none=True)
    job_title = fields.Function(lambda p: p.job.title if p.job else "", required=True)
    employer_id = fields.Integer(allow_none=True)
    employer_name = fields.Function(
        lambda p: p.employer.name if p.employer else p.employer_name, required=True)
    referral_id = fields.Integer(allow_none=True)
    course_id = fields.Integer(allow_none=True)
    area_code = fields.String(required=True)
    region = fields.String(required=True)
    local = fields.Boolean(required=True)
    start_date = fields.Date(required=True)
    monthly_wage = fields.Integer(allow_none=True)
    contract_months = fields.Integer(allow_none=True)
    status = fields.String(required=True)
    end_date = fields.Date(allow_none=True)
    end_kind = fields.String(required=True)
    end_reason = fields.String(required=True)
    previous_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime()


class FollowUpBrief(Schema):
    """A follow-up a hire scheduled (the full record: /api/v1/follow-ups/{id})."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "day or festival"})
    slot = fields.Integer(required=True, metadata={
        "description": "days after the start (kind day: 7, 30, 90, 180) or the year of "
                       "the Spring Festival (kind festival)"})
    day_offset = fields.Function(lambda f: f.slot if f.kind == "day" else None,
                                 allow_none=True, metadata={
                                     "type": "integer",
                                     "description": "days after the start; null for a "
                                                    "festival check"})
    label = fields.Function(lambda f: followup_label(f.kind, f.slot), required=True,
                            metadata={"type": "string",
                                      "description": "\"Day 7\" in the caller's language"})
    due_date = fields.Date(required=True)
    status = fields.Function(lambda f: shown_status(f, clock.today()), required=True,
                             metadata={"type": "string",
                                       "description": "due, overdue, done or cancelled"})


class _PlacementFollowUps(fields.List):
    """A placement's follow-ups, soonest first (read from the follow-up table)."""

    def get_value(self, obj, attr, accessor=None, default=None):
        return placement_followups(obj.id)


class PlacementDetailOut(PlacementOut):
    """A placement with the follow-ups it scheduled (7/30/90/180 days after the start)."""

    follow_ups = _PlacementFollowUps(fields.Nested(FollowUpBrief), required=True)


class _ReferralPlacement(fields.Nested):
    """The placement a hired referral made (null before the hire)."""

    def get_value(self, obj, attr, accessor=None, default=None):
        return db.session.scalar(sa.select(Placement).where(Placement.referral_id == obj.id))


class ReferralChangeOut(ReferralOut):
    """A referral after a status change; ``placement`` (with its scheduled follow-ups) once
    hired."""

    placement = _ReferralPlacement(PlacementDetailOut, allow_none=True, required=True,
                                   metadata={"description": "the placement the hire made, "
                                             "with the follow-ups it scheduled; null until "
                                             "hired"})


class PlacementQuery(PageArgs):
    """Filters of the placement list."""

    status = fields.String(load_default="", validate=validate.OneOf(["active", "ended"]))
    worker_id = fields.Integer(validate=ID_RANGE)
    job_id = fields.Integer(validate=ID_RANGE)
    employer_id = fields.Integer(validate=ID_RANGE)


ReferralPage = page_schema(ReferralOut, "ReferralPage")
PlacementPage = page_schema(PlacementOut, "PlacementPage")


def _start_date_required() -> DomainError:
    return DomainError(_("Enter the date the worker starts."), field="start_date")


@bp.route("/referrals")
class Referrals(MethodView):
    """Referrals in the caller's scope (an employer's candidates, an officer's area)."""

    @api_roles(*OFFICERS, "employer", "trainee")
    @bp.arguments(ReferralQuery, location="query")
    @bp.response(200, ReferralPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List referrals, most recently changed first."""
        stmt = visible(sa.select(Referral), Referral, me())
        if args["status"] == "active":
            stmt = stmt.where(Referral.status.in_(ACTIVE_REFERRAL))
        elif args["status"]:
            stmt = stmt.where(Referral.status == args["status"])
        for name in ("job_id", "worker_id"):
            if args.get(name):
                stmt = stmt.where(getattr(Referral, name) == args[name])
        if args["source"]:
            stmt = stmt.where(Referral.source == args["source"])
        stmt = stmt.options(selectinload(Referral.worker), selectinload(Referral.job),
                           selectinload(Referral.employer))
        return paginate(stmt.order_by(Referral.updated_at.desc(), Referral.id.desc()), args)

    @api_roles(*OFFICERS, "trainee")
    @bp.arguments(ReferralIn)
    @bp.response(201, ReferralOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, data):
        """Refer a worker after the hard rules are checked (a trainee asks for themself)."""
        user = me()
        worker = get_visible_or_404(Worker, data["worker_id"])
        if user.role == "trainee":  # trainees see openings on the public board, not by scope
            job = db.session.get(Job, data["job_id"])
            if job is None:
                abort(404)
            source = "trainee"
        else:
            job = get_visible_or_404(Job, data["job_id"])
            source = "api"
        with domain_errors():
            referral = refer(worker, job, by=user, source=source, note=data["note"],
                             today=clock.today(), vet=referral_score)
        return referral


@bp.route(f"/referrals/<{ID}:referral_id>")
class ReferralItem(MethodView):
    """One referral."""

    @api_roles(*OFFICERS, "employer", "trainee")
    @bp.response(200, ReferralOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, referral_id):
        """A referral."""
        return get_visible_or_404(Referral, referral_id)


@bp.route(f"/referrals/<{ID}:referral_id>/status")
class ReferralStatusChange(MethodView):
    """Moving a referral on: interview, declined, withdrawn or hired."""

    @api_roles(*OFFICERS, "employer", "trainee")
    @bp.arguments(ReferralStatusIn)
    @bp.response(200, ReferralChangeOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, data, referral_id):
        """Change the status; ``hired`` needs ``start_date`` and creates the placement, which
        the answer includes with the follow-ups it scheduled."""
        user = me()
        referral = get_visible_or_404(Referral, referral_id)
        status = data["status"]
        if user.role not in STATUS_ROLES[status]:
            abort(403)
        with domain_errors():
            if status in (ReferralStatus.interview.value, ReferralStatus.declined.value):
                respond(referral, accept=status == ReferralStatus.interview.value, by=user,
                        reason=data["reason"])
            elif status == ReferralStatus.withdrawn.value:
                withdraw(referral, by=user, reason=data["reason"])
            else:
                if not data.get("start_date"):
                    raise _start_date_required()
                confirm_hire(referral, start_date=data["start_date"],
                             monthly_wage=data.get("monthly_wage"),
                             contract_months=data.get("contract_months"), by=user,
                             today=clock.today())
        return referral


@bp.route("/placements")
class Placements(MethodView):
    """Placements in the caller's scope."""

    @api_roles(*OFFICERS, "employer", "trainee")
    @bp.arguments(PlacementQuery, location="query")
    @bp.response(200, PlacementPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List placements, latest start first."""
        stmt = visible(sa.select(Placement), Placement, me())
        if args["status"]:
            stmt = stmt.where(Placement.status == args["status"])
        for name in ("worker_id", "job_id", "employer_id"):
            if args.get(name):
                stmt = stmt.where(getattr(Placement, name) == args[name])
        stmt = stmt.options(selectinload(Placement.worker), selectinload(Placement.job),
                           selectinload(Placement.employer))
        return paginate(stmt.order_by(Placement.start_date.desc(), Placement.id.desc()), args)

    @api_roles(*OFFICERS)
    @bp.arguments(PlacementIn)
    @bp.response(201, PlacementDetailOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, data):
        """Record a hire directly: refer when not yet referred, then confirm; the answer
        lists the follow-ups it scheduled."""
        worker = get_visible_or_404(Worker, data["worker_id"])
        job = get_visible_or_404(Job, data["job_id"])
        with domain_errors():
            placement = record_hire(
                worker, job, start_date=data["start_date"],
                monthly_wage=data.get("monthly_wage"),
                contract_months=data.get("contract_months"), by=me(), today=clock.today(),
                vet=referral_score)
        return placement


@bp.route(f"/placements/<{ID}:placement_id>")
class PlacementItem(MethodView):
    """One placement."""

    @api_roles(*OFFICERS, "employer", "trainee")
    @bp.response(200, PlacementDetailOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, placement_id):
        """A placement with its follow-ups."""
        return get_visible_or_404(Placement, placement_id)

