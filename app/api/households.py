"""/api/v1/households and /api/v1/sites: households (户, 一户一策) and relocation sites."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.auth.scoping import get_visible_or_404
from app.registry import households as service
from app.registry.models import Household, RelocationSite, RiskCause
from app.registry.queries import HouseholdFilters, household_select, site_select
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

bp = Blueprint("households", __name__, url_prefix="/api/v1",
               description="Households (户) and relocation sites (安置点)")

AREA_CODE = validate.Regexp(r"^\d{6}$", error="A six-digit area code.")
HOUSEHOLD_FIELDS = ("number", "area_code", "site_id", "village", "head_name", "monitored",
                    "risk_causes", "per_capita_income")
SITE_FIELDS = ("name", "county_code", "address", "households_relocated", "people_relocated",
               "contact_officer_id")


class HouseholdPatch(Schema):
    """Household fields; on PATCH only the given ones change."""

    number = fields.String(validate=validate.Length(max=32),
                           metadata={"description": "generated when empty"})
    area_code = fields.String(allow_none=True, validate=AREA_CODE,
                              metadata={"description": "county; taken from the site when "
                                                       "one is given"})
    site_id = fields.Integer(allow_none=True, validate=ID_RANGE)
    village = fields.String(validate=validate.Length(max=128))
    head_name = fields.String(validate=validate.Length(max=64))
    monitored = fields.Boolean(metadata={"description": "监测对象 (防返贫监测)"})
    risk_causes = fields.List(fields.String(validate=validate.OneOf([r.value for r in
                                                                     RiskCause])),
                              validate=validate.Length(max=len(RiskCause)))
    per_capita_income = fields.Integer(allow_none=True,
                                       validate=validate.Range(min=0, max=10_000_000))


class HouseholdIn(HouseholdPatch):
    """A new household."""


class PlanEntryOut(Schema):
    """One dated entry of the household's plan (一户一策)."""

    entry_date = fields.Date(required=True)
    text = fields.String(required=True)


class HouseholdOut(Schema):
    """A household."""

    id = fields.Integer(required=True)
    number = fields.String(required=True)
    area_code = fields.String(required=True)
    site_id = fields.Integer(allow_none=True)
    village = fields.String(required=True)
    head_name = fields.String(required=True)
    monitored = fields.Boolean(required=True)
    risk_causes = fields.List(fields.String(), required=True)
    per_capita_income = fields.Integer(allow_none=True)
    at_risk = fields.Boolean(required=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class HouseholdDetail(HouseholdOut):
    """A household with its plan entries and its workers' ids."""

    plan = fields.List(fields.Nested(PlanEntryOut), required=True,
                       attribute="plan_entries")
    worker_ids = fields.Method("_worker_ids", required=True)

    def _worker_ids(self, household: Household) -> list[int]:
        return [w.id for w in household.workers if w.merged_into_id is None]


class HouseholdQuery(PageArgs):
    """Filters of the household list."""

    q = fields.String(load_default="", validate=validate.Length(max=64),
                      metadata={"description": "household number or head's name"})
    site_id = fields.Integer(validate=ID_RANGE)
    monitored = fields.Boolean(load_default=False)
    zero = fields.Boolean(load_default=False,
                          metadata={"description": "zero-employment households (零就业家庭)"})


class SitePatch(Schema):
    """Relocation site fields; on PATCH only the given ones change."""

    name = fields.String(validate=validate.Length(min=1, max=128))
    county_code = fields.String(validate=AREA_CODE)
    address = fields.String(validate=validate.Length(max=256))
    households_relocated = fields.Integer(validate=validate.Range(min=0, max=1_000_000))
    people_relocated = fields.Integer(validate=validate.Range(min=0, max=10_000_000))


class SiteIn(SitePatch):
    """A new relocation site."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=128))
    county_code = fields.String(required=True, validate=AREA_CODE)


class SiteOut(Schema):
    """A relocation site (易地扶贫搬迁安置点)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    county_code = fields.String(required=True)
    address = fields.String(required=True)
    households_relocated = fields.Integer(required=True)
    people_relocated = fields.Integer(required=True)
    created_at = UtcDateTime()


HouseholdPage = page_schema(HouseholdOut, "HouseholdPage")
SitePage = page_schema(SiteOut, "SitePage")


def _merged(obj: Any, names: tuple[str, ...], patch: dict[str, Any]) -> dict[str, Any]:
    """Current values overlaid with the patch (the services check whole records)."""
    return {**{n: getattr(obj, n) for n in names}, **patch}


@bp.route("/households")
class Households(MethodView):
    """Households of the caller's area."""

    @api_roles(*OFFICERS)
    @bp.arguments(HouseholdQuery, location="query")
    @bp.response(200, HouseholdPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List households, newest first."""
        filters = HouseholdFilters(q=args["q"], site=args.get("site_id"),
                                   monitored=args["monitored"], zero=args["zero"])
        return paginate(household_select(me(), filters), args)

    @api_roles(*OFFICERS)
    @bp.arguments(HouseholdIn)
    @bp.response(201, HouseholdDetail)
    @documents_errors(bp, 400, 401, 403, 422)
    def post(self, data):
        """Register a household (in a county or at a relocation site)."""
        with domain_errors():
            household = service.create_household(data, me())
        return household


@bp.route(f"/households/<{ID}:household_id>")
class HouseholdItem(MethodView):
    """One household."""

    @api_roles(*OFFICERS)
    @bp.response(200, HouseholdDetail)
    @documents_errors(bp, 401, 403, 404)
    def get(self, household_id):
        """A household with its plan and members."""
        return get_visible_or_404(Household, household_id)

    @api_roles(*OFFICERS)
    @bp.arguments(HouseholdPatch)
    @bp.response(200, HouseholdDetail)
    @documents_errors(bp, 400, 401, 403, 404, 422)
    def patch(self, data, household_id):
        """Change the given fields; members move with the household to a new county."""
        household = get_visible_or_404(Household, household_id)
        with domain_errors():
            service.update_household(household, _merged(household, HOUSEHOLD_FIELDS, data),
                                     me())
        return household


@bp.route("/sites")
class Sites(MethodView):
    """Relocation sites of the caller's area."""

    @api_roles(*OFFICERS)
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, SitePage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List relocation sites by county and name."""
        return paginate(site_select(me()), args)

    @api_roles(*OFFICERS)
    @bp.arguments(SiteIn)
    @bp.response(201, SiteOut)
    @documents_errors(bp, 400, 401, 403, 422)
    def post(self, data):
        """Register a relocation site in a county of the caller's area."""
        with domain_errors():
            site = service.save_site(data, me())
        return site


@bp.route(f"/sites/<{ID}:site_id>")
class SiteItem(MethodView):
    """One relocation site."""

    @api_roles(*OFFICERS)
    @bp.response(200, SiteOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, site_id):
        """A relocation site."""
        return get_visible_or_404(RelocationSite, site_id)

    @api_roles(*OFFICERS)
    @bp.arguments(SitePatch)
    @bp.response(200, SiteOut)
    @documents_errors(bp, 400, 401, 403, 404, 422)
    def patch(self, data, site_id):
        """Change the given fields of a site."""
        site = get_visible_or_404(RelocationSite, site_id)
        with domain_errors():
            service.save_site(_merged(site, SITE_FIELDS, data), me(), site)
        return site

