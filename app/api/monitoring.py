"""/api/v1/zero-employment, /api/v1/comparisons, /api/v1/declarations: monitoring against
return to poverty (app.monitoring), scoped to the caller's area."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app import clock
from app.auth.scoping import get_visible_or_404, visible
from app.monitoring import compare, declare, zero
from app.monitoring.models import Declaration, ListComparison
from app.vocabulary import OFFICERS

from .auth import api_roles
from .common import ID, PageArgs, PageMeta, UtcDateTime, documents_errors, me, page_schema, paginate

bp = Blueprint("monitoring_api", __name__, url_prefix="/api/v1",
               description="Monitoring against return to poverty (防返贫监测)")


class ZeroArgs(PageArgs):
    """The day to look at (today when not given)."""

    as_of = fields.Date(metadata={"description": "YYYY-MM-DD; default today"})


class ZeroOut(Schema):
    """A household with nobody in work on ``as_of``."""

    household_id = fields.Integer(required=True)
    household_number = fields.String(required=True)
    area_code = fields.String(required=True)
    site_id = fields.Integer(allow_none=True)
    since = fields.Date(required=True, metadata={"description": "nobody in work since"})
    days = fields.Integer(required=True, metadata={"description": "days without work"})
    responsible_id = fields.Integer(allow_none=True)
    escalated_on = fields.Date(allow_none=True)


ZeroPage = Schema.from_dict({
    "as_of": fields.Date(required=True),
    "clear_days": fields.Integer(required=True),
    "items": fields.List(fields.Nested(ZeroOut), required=True),
    "meta": fields.Nested(PageMeta, required=True)}, name="ZeroEmploymentPage")


class ComparisonOut(Schema):
    """What comparing one department's list found."""

    id = fields.Integer(required=True)
    source = fields.String(required=True, validate=validate.OneOf(list(compare.SOURCE_CAUSE)))
    list_date = fields.Date(required=True)
    matched = fields.Integer(required=True)
    not_in_register = fields.Integer(required=True)
    new_risks = fields.Integer(required=True)
    ended_risks = fields.Integer(required=True)
    bad_rows = fields.Integer(required=True)
    import_job_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime()


class DeclarationOut(Schema):
    """A self-declaration and what was done about it."""

    id = fields.Integer(required=True)
    worker_id = fields.Integer(required=True)
    household_id = fields.Integer(allow_none=True)
    area_code = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(declare.KINDS)))
    note = fields.String(required=True)
    has_voice = fields.Boolean(required=True)
    answer = fields.String(required=True)
    answered_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()


ComparisonPage = page_schema(ComparisonOut, "ComparisonPage")
DeclarationPage = page_schema(DeclarationOut, "DeclarationPage")


@bp.route("/zero-employment")
class ZeroEmployment(MethodView):
    """Zero-employment households (零就业家庭) of the caller's area on a day."""

    @api_roles(*OFFICERS)
    @bp.arguments(ZeroArgs, location="query")
    @bp.response(200, ZeroPage)
    @documents_errors(bp, 401, 403, 422)
    def get(self, args):
        """Households with nobody in work on ``as_of``, longest first."""
        day = args.get("as_of") or clock.today()
        page = paginate(zero.stock(me(), day), args)
        items: list[dict[str, Any]] = [{
            "household_id": s.household_id, "household_number": s.household.number,
            "area_code": s.area_code, "site_id": s.site_id, "since": s.started_on,
            "days": (day - s.started_on).days, "responsible_id": s.responsible_id,
            "escalated_on": s.escalated_on if s.escalated_on and s.escalated_on <= day
            else None} for s in page["items"]]
        return {"as_of": day, "clear_days": zero.clear_days(), "items": items,
                "meta": page["meta"]}


@bp.route("/comparisons")
class Comparisons(MethodView):
    """Comparisons of other departments' lists with the register."""

    @api_roles(*OFFICERS)
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, ComparisonPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """The caller's area's comparisons, newest first."""
        return paginate(visible(sa.select(ListComparison), ListComparison, me())
                        .order_by(ListComparison.id.desc()), args)


@bp.route(f"/comparisons/<{ID}:comparison_id>")
class ComparisonItem(MethodView):
    """One comparison."""

    @api_roles(*OFFICERS)
    @bp.response(200, ComparisonOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, comparison_id):
        """The counts of one comparison."""
        return get_visible_or_404(ListComparison, comparison_id)


class DeclarationArgs(PageArgs):
    """Only unanswered declarations when ``open`` is true."""

    open = fields.Boolean(load_default=False)


def _declaration(d: Declaration) -> dict[str, Any]:
    return {"id": d.id, "worker_id": d.worker_id, "household_id": d.household_id,
            "area_code": d.area_code, "kind": d.kind, "note": d.note,
            "has_voice": bool(d.voice_path), "answer": declare.answer_of(d),
            "answered_at": d.answered_at, "created_at": d.created_at}


@bp.route("/declarations")
class Declarations(MethodView):
    """Self-declarations of the caller's area."""

    @api_roles(*OFFICERS)
    @bp.arguments(DeclarationArgs, location="query")
    @bp.response(200, DeclarationPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """Declarations, newest first."""
        stmt = visible(sa.select(Declaration), Declaration, me())
        if args["open"]:
            stmt = stmt.where(Declaration.answered_at.is_(None))
        page = paginate(stmt.order_by(Declaration.id.desc()), args)
        return {"items": [_declaration(d) for d in page["items"]], "meta": page["meta"]}


@bp.route(f"/declarations/<{ID}:declaration_id>")
class DeclarationItem(MethodView):
    """One declaration."""

    @api_roles(*OFFICERS)
    @bp.response(200, DeclarationOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, declaration_id):
        """A declaration and its answer."""
        return _declaration(get_visible_or_404(Declaration, declaration_id))
