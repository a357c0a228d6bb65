"""/api/v1/followups (回访): the follow-ups of placements and recording their outcomes.

Employers never see follow-ups (workers report wage arrears and conflicts here); officers
see their area's. ``overdue`` is read from the due date, as the officers' queue does.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import selectinload

from app.auth.scoping import get_visible_or_404, visible
from app.extensions import db
from app.placements.followup_models import EMPLOYMENT, ISSUES, METHODS, FollowUp
from app.placements.followups import SHOWN_STATUSES, shown_status, status_condition
from app.placements.outcomes import Outcome, record_outcome

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

bp = Blueprint("followups", __name__, url_prefix="/api/v1",
               description="Follow-ups (回访) after placement")

OFFICERS = ("officer", "admin")


class AttemptOut(Schema):
    """One try at reaching the worker."""

    at = UtcDateTime(required=True)
    method = fields.String(required=True)
    reached = fields.Boolean(required=True)
    note = fields.String(required=True)


class FollowUpOut(Schema):
    """A follow-up with its outcome once recorded."""

    id = fields.Integer(required=True)
    placement_id = fields.Integer(required=True)
    worker_id = fields.Integer(required=True)
    worker_name = fields.Function(lambda f: f.worker.name, required=True)
    employer_id = fields.Integer(allow_none=True)
    area_code = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "day or festival"})
    slot = fields.Integer(required=True,
                          metadata={"description": "days after the start, or the year"})
    due_date = fields.Date(required=True)
    status = fields.Function(lambda f: shown_status(f, date.today()), required=True,
                             metadata={"description": "due, overdue, done or cancelled"})
    failed_attempts = fields.Integer(required=True)
    escalated_to_id = fields.Integer(allow_none=True)
    method = fields.String(allow_none=True)
    employment = fields.String(allow_none=True)
    current_wage = fields.Integer(allow_none=True)
    new_employer_name = fields.String(required=True)
    new_wage = fields.Integer(allow_none=True)
    left_date = fields.Date(allow_none=True)
    left_reason = fields.String(required=True)
    issues = fields.List(fields.String(), required=True)
    satisfaction = fields.Integer(allow_none=True)
    note = fields.String(required=True)
    done_at = UtcDateTime(allow_none=True)
    attempts = fields.List(fields.Nested(AttemptOut), required=True)


class FollowUpQuery(PageArgs):
    """Filters of the follow-up list."""

    status = fields.String(load_default="", validate=validate.OneOf(SHOWN_STATUSES),
                           metadata={"description": "empty = all"})
    placement_id = fields.Integer(validate=ID_RANGE)
    worker_id = fields.Integer(validate=ID_RANGE)
    due_by = fields.Date(metadata={"description": "due on or before this day"})


class OutcomeIn(Schema):
    """What the officer learnt on one attempt to reach the worker."""

    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    reached = fields.Boolean(required=True)
    employment = fields.String(allow_none=True, validate=validate.OneOf(EMPLOYMENT),
                               metadata={"description": "required when reached"})
    current_wage = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=200_000))
    new_employer_name = fields.String(load_default="", validate=validate.Length(max=128))
    new_employer_credit_code = fields.String(
        load_default="", validate=validate.Length(max=32),
        metadata={"description": "统一社会信用代码 of the new employer: links the new job to a "
                                 "registered employer (a name alone is kept as text)"})
    new_wage = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=200_000))
    left_date = fields.Date(allow_none=True)
    left_reason = fields.String(load_default="", validate=validate.Length(max=256))
    issues = fields.List(fields.String(validate=validate.OneOf(ISSUES)), load_default=list,
                         validate=validate.Length(max=len(ISSUES)))
    satisfaction = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=5))
    note = fields.String(load_default="", validate=validate.Length(max=4000))


FollowUpPage = page_schema(FollowUpOut, "FollowUpPage")


def _outcome(data: dict[str, Any]) -> Outcome:
    return Outcome(method=data["method"], reached=data["reached"],
                   employment=data.get("employment"),
                   new_employer_name=data["new_employer_name"],
                   new_employer_credit_code=data["new_employer_credit_code"],
                   new_wage=data.get("new_wage"),
                   left_date=data.get("left_date"), left_reason=data["left_reason"],
                   current_wage=data.get("current_wage"), issues=list(data["issues"]),
                   satisfaction=data.get("satisfaction"), note=data["note"])


@bp.route("/followups")
class FollowUps(MethodView):
    """Follow-ups of the caller's area."""

    @api_roles(*OFFICERS)
    @bp.arguments(FollowUpQuery, location="query")
    @bp.response(200, FollowUpPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List follow-ups by due date (``status=overdue`` for the ones past due)."""
        stmt = visible(sa.select(FollowUp), FollowUp, me())
        if args["status"]:
            stmt = stmt.where(status_condition(args["status"], date.today()))
        for name in ("placement_id", "worker_id"):
            if args.get(name):
                stmt = stmt.where(getattr(FollowUp, name) == args[name])
        if args.get("due_by"):
            stmt = stmt.where(FollowUp.due_date <= args["due_by"])
        stmt = stmt.options(selectinload(FollowUp.worker), selectinload(FollowUp.attempts))
        return paginate(stmt.order_by(FollowUp.due_date, FollowUp.id), args)


@bp.route(f"/followups/<{ID}:followup_id>")
class FollowUpItem(MethodView):
    """One follow-up."""

    @api_roles(*OFFICERS)
    @bp.response(200, FollowUpOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, followup_id):
        """A follow-up with its attempts."""
        return get_visible_or_404(FollowUp, followup_id)


@bp.route(f"/followups/<{ID}:followup_id>/outcome")
class FollowUpOutcome(MethodView):
    """Recording what a follow-up found."""

    @api_roles(*OFFICERS)
    @bp.arguments(OutcomeIn)
    @bp.response(200, FollowUpOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, data, followup_id):
        """Record one attempt; when reached, the outcome and what follows (job loss ends the
        placement, a change starts a successor, wage arrears open a case)."""
        fu = get_visible_or_404(FollowUp, followup_id)
        with domain_errors():
            record_outcome(fu, _outcome(data), by=me(), today=date.today())
        db.session.commit()
        return fu
