"""/api/v1/stats/retention: retention (稳岗) as Kaplan–Meier survival since placement.

The figures come from ``app.placements.retention`` exactly as the retention page shows them:
recent placements are censored, not counted as lost.
"""
from __future__ import annotations

import math
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app import clock
from app.placements import retention
from app.vocabulary import OFFICERS

from .auth import api_roles
from .common import documents_errors, me

bp = Blueprint("stats", __name__, url_prefix="/api/v1", description="Figures")


class RetentionArgs(Schema):
    """How to group the placements."""

    by = fields.String(load_default="region", validate=validate.OneOf(list(retention.BREAKDOWNS)))


class EstimateOut(Schema):
    """Share of placements still in work ``day`` days after the start, with its 95% interval
    (null when no placement has been observed that long)."""

    day = fields.Integer(required=True)
    survival = fields.Float(allow_none=True)
    lower = fields.Float(allow_none=True)
    upper = fields.Float(allow_none=True)
    at_risk = fields.Integer(required=True)


class GroupOut(Schema):
    """One group's placements, losses and checkpoint figures."""

    key = fields.String(required=True)
    label = fields.String(required=True)
    n = fields.Integer(required=True, metadata={"description": "placements observed"})
    events = fields.Integer(required=True, metadata={"description": "placements lost"})
    figures = fields.List(fields.Nested(EstimateOut), required=True)


class RetentionOut(Schema):
    """Retention overall and per group."""

    by = fields.String(required=True)
    as_of = fields.Date(required=True)
    overall = fields.Nested(GroupOut, required=True)
    groups = fields.List(fields.Nested(GroupOut), required=True)


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 4)


def _group(g: retention.Group) -> dict[str, Any]:
    return {"key": g.key, "label": g.label, "n": g.n, "events": g.events,
            "figures": [{"day": int(day), "survival": _number(est.survival),
                         "lower": _number(est.lower), "upper": _number(est.upper),
                         "at_risk": est.at_risk} for day, est in g.figures.items()]}


@bp.route("/stats/retention")
class Retention(MethodView):
    """Retention of the placements in the caller's area."""

    @api_roles(*OFFICERS)
    @bp.arguments(RetentionArgs, location="query")
    @bp.response(200, RetentionOut)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """Survival at 30, 90 and 180 days, overall and by region, employer, course, site…"""
        day = clock.today()
        return {"by": args["by"], "as_of": day, "overall": _group(retention.overall(me(), day)),
                "groups": [_group(g) for g in retention.breakdown(me(), args["by"], day)]}
