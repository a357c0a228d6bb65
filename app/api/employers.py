"""/api/v1/employers and /api/v1/jobs: employers (用人单位) and their openings (岗位).

Employers see and change only their own company and openings; officers and admins all.
Opening skills arrive as strings ("焊工:3", "叉车") and are read by the same parser as the
opening form (an unknown skill is a 422 on its field, never guessed).
"""
from __future__ import annotations

from dataclasses import fields as dc_fields
from typing import Any

import sqlalchemy as sa
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import selectinload

from app.areas.service import resolve_place
from app.auth.scoping import get_visible_or_404, visible
from app.clock import today
from app.employers import jobs as job_service
from app.employers import service
from app.employers.jobs import JobData
from app.employers.models import Employer, EmployerStatus, Job, JobStatus
from app.errors_domain import DomainError
from app.registry.models import Education
from app.skills.entries import parse_skill_entries
from app.vocabulary import JOB_KINDS, OFFICERS, REGIONS

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

bp = Blueprint("employers-jobs", __name__, url_prefix="/api/v1",
               description="Employers (用人单位) and openings (岗位)")

ANY = (*OFFICERS, "employer")
AREA_CODE = validate.Regexp(r"^\d{6}$", error="A six-digit area code.")


# ---- employers ------------------------------------------------------------------------------


class EmployerPatch(Schema):
    """Employer fields; on PATCH only the given ones change."""

    name = fields.String(validate=validate.Length(min=2, max=128))
    credit_code = fields.String(validate=validate.Length(min=1, max=24),
                                metadata={"description": "统一社会信用代码 (18 characters)"})
    industry = fields.String(validate=validate.Length(max=64))
    area_code = fields.String(validate=AREA_CODE,
                              metadata={"description": "most specific area of the address"})
    address = fields.String(validate=validate.Length(max=256))
    contact_name = fields.String(validate=validate.Length(min=1, max=64))
    contact_phone = fields.String(validate=validate.Length(min=1, max=32))
    labour_coop = fields.Boolean(metadata={"description": "labour-cooperation partner"})
    coop_county_code = fields.String(allow_none=True, validate=AREA_CODE)


class EmployerIn(EmployerPatch):
    """A new employer registered by an officer (optionally verified, with a login)."""

    name = fields.String(required=True, validate=validate.Length(min=2, max=128))
    credit_code = fields.String(required=True, validate=validate.Length(min=1, max=24))
    area_code = fields.String(required=True, validate=AREA_CODE)
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    contact_phone = fields.String(required=True, validate=validate.Length(min=1, max=32))
    verify_now = fields.Boolean(load_default=False)
    username = fields.String(load_default="", validate=validate.Length(max=64))
    password = fields.String(load_default="", load_only=True,
                             validate=validate.Length(max=256))


class EmployerOut(Schema):
    """An employer."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    credit_code = fields.String(required=True, allow_none=True, metadata={
        "description": "null for an employer registered from a partner's sheet without it"})
    source = fields.String(required=True, metadata={
        "description": "the partner whose sheet of openings registered it ('' otherwise)"})
    industry = fields.String(required=True)
    province_code = fields.String(allow_none=True)
    city_code = fields.String(allow_none=True)
    county_code = fields.String(allow_none=True)
    region = fields.String(required=True)
    address = fields.String(required=True)
    contact_name = fields.String(required=True)
    contact_phone = fields.String(required=True)
    labour_coop = fields.Boolean(required=True)
    coop_county_code = fields.String(allow_none=True)
    status = fields.String(required=True)
    status_reason = fields.String(required=True)
    verified_at = UtcDateTime(allow_none=True)
    arrears_open = fields.Boolean(required=True)
    created_at = UtcDateTime()


class EmployerQuery(PageArgs):
    """Filters of the employer list."""

    status = fields.String(load_default="",
                           validate=validate.OneOf([s.value for s in EmployerStatus]))
    region = fields.String(load_default="", validate=validate.OneOf(REGIONS))
    q = fields.String(load_default="", validate=validate.Length(max=64),
                      metadata={"description": "part of the name, or the whole credit code"})


class SuspendIn(Schema):
    """Why the employer is suspended (e.g. wage arrears)."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=256))


class ReinstateIn(Schema):
    """An optional note on lifting a suspension."""

    note = fields.String(load_default="", validate=validate.Length(max=256))


EmployerPage = page_schema(EmployerOut, "EmployerPage")
EMPLOYER_DATA = ("name", "credit_code", "industry", "area_code", "address", "contact_name",
                 "contact_phone", "labour_coop", "coop_county_code")


def _employer_data(values: dict[str, Any]) -> service.EmployerData:
    data: dict[str, Any] = {k: values[k] for k in EMPLOYER_DATA if values.get(k) is not None}
    return service.EmployerData(**data)


def _current_employer_data(employer: Employer) -> dict[str, Any]:
    return {"name": employer.name, "credit_code": employer.credit_code,
            "industry": employer.industry,
            "area_code": employer.county_code or employer.city_code or employer.province_code,
            "address": employer.address, "contact_name": employer.contact_name,
            "contact_phone": employer.contact_phone, "labour_coop": employer.labour_coop,
            "coop_county_code": employer.coop_county_code}


@bp.route("/employers")
class Employers(MethodView):
    """Employers (an employer's token sees its own company only)."""

    @api_roles(*ANY)
    @bp.arguments(EmployerQuery, location="query")
    @bp.response(200, EmployerPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List employers, pending ones first."""
        stmt = visible(sa.select(Employer), Employer, me())
        if args["status"]:
            stmt = stmt.where(Employer.status == args["status"])
        if args["region"]:
            stmt = stmt.where(Employer.region == args["region"])
        q = args["q"].strip()
        if q:
            like = f"%{q.replace('%', '').replace('_', '')}%"
            stmt = stmt.where(sa.or_(Employer.name.like(like),
                                     Employer.credit_code == q.upper()))
        pending_first = sa.case((Employer.status == "pending", 0), else_=1)
        return paginate(stmt.order_by(pending_first, Employer.id.desc()), args)

    @api_roles(*OFFICERS)
    @bp.arguments(EmployerIn)
    @bp.response(201, EmployerOut)
    @documents_errors(bp, 400, 401, 403, 409, 422)
    def post(self, data):
        """Register an employer on its behalf (``verify_now`` verifies it at once)."""
        with domain_errors():
            employer = service.create_employer(
                _employer_data(data), me(), verify_now=data["verify_now"],
                username=data["username"], password=data["password"])
        return employer


@bp.route(f"/employers/<{ID}:employer_id>")
class EmployerItem(MethodView):
    """One employer."""

    @api_roles(*ANY)
    @bp.response(200, EmployerOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, employer_id):
        """An employer."""
        return get_visible_or_404(Employer, employer_id)

    @api_roles(*ANY)
    @bp.arguments(EmployerPatch)
    @bp.response(200, EmployerOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def patch(self, data, employer_id):
        """Change the given fields (a verified employer's credit code: officers only)."""
        employer = get_visible_or_404(Employer, employer_id)
        values = {**_current_employer_data(employer), **data}
        with domain_errors():
            service.update_employer(employer, _employer_data(values), me())
        return employer


def _employer_action(employer_id: int, fn: Any) -> Employer:
    employer = get_visible_or_404(Employer, employer_id)
    with domain_errors():
        fn(employer)
    return employer


@bp.route(f"/employers/<{ID}:employer_id>/verify")
class EmployerVerify(MethodView):
    """Verification by an officer."""

    @api_roles(*OFFICERS)
    @bp.response(200, EmployerOut)
    @documents_errors(bp, 401, 403, 404, 409)
    def post(self, employer_id):
        """Verify a pending employer; it may then publish openings."""
        return _employer_action(employer_id, lambda e: service.verify(e, me()))


@bp.route(f"/employers/<{ID}:employer_id>/suspend")
class EmployerSuspend(MethodView):
    """Suspension (its openings leave the board and matching)."""

    @api_roles(*OFFICERS)
    @bp.arguments(SuspendIn)
    @bp.response(200, EmployerOut)
    @documents_errors(bp, 400, 401, 403, 404, 422)
    def post(self, data, employer_id):
        """Suspend an employer with a reason."""
        return _employer_action(employer_id,
                                lambda e: service.suspend(e, data["reason"], me()))


@bp.route(f"/employers/<{ID}:employer_id>/reinstate")
class EmployerReinstate(MethodView):
    """Lifting a suspension."""

    @api_roles(*OFFICERS)
    @bp.arguments(ReinstateIn)
    @bp.response(200, EmployerOut)
    @documents_errors(bp, 400, 401, 403, 404, 409)
    def post(self, data, employer_id):
        """Reinstate a suspended employer."""
        return _employer_action(employer_id,
                                lambda e: service.reinstate(e, me(), data["note"]))


# ---- openings -------------------------------------------------------------------------------


SKILL_LIST = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                         validate=validate.Length(max=20),
                         metadata={"description": "skill names, optionally with a level "
                                                  "1–5: [\"焊工:3\", \"叉车\"]"})


class JobPatch(Schema):
    """Opening fields; on PATCH only the given ones change."""

    title = fields.String(validate=validate.Length(min=1, max=128))
    area_code = fields.String(validate=AREA_CODE,
                              metadata={"description": "most specific workplace area"})
    place = fields.String(
        validate=validate.Length(min=1, max=128),
        metadata={"description": "the workplace as written (东莞市长安镇, 苏州-昆山, 异地招聘), "
                                 "instead of area_code: resolved to the area and the place "
                                 "detail; unknown, contradictory or ambiguous text is a 422 "
                                 "naming the candidates"})
    place_detail = fields.String(
        validate=validate.Length(max=128),
        metadata={"description": "below the area: town, street, industrial park (长安镇)"})
    occupation_code = fields.String(allow_none=True, validate=validate.Length(max=48))
    occupation_text = fields.String(validate=validate.Length(max=128))
    description = fields.String(validate=validate.Length(max=10_000))
    required_skills = SKILL_LIST
    preferred_skills = SKILL_LIST
    required_certificates = fields.List(
        fields.String(validate=validate.Length(min=1, max=48)), validate=validate.Length(max=10),
        metadata={"description": "certificate codes of the taxonomy, e.g. so_welding"})
    headcount = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=100_000),
                               metadata={"description": "null: unspecified (若干), no fixed "
                                                        "limit on places"})
    wage_min = fields.Integer(allow_none=True,
                              validate=validate.Range(min=1, max=job_service.MAX_MONTHLY_WAGE))
    wage_max = fields.Integer(allow_none=True,
                              validate=validate.Range(min=1, max=job_service.MAX_MONTHLY_WAGE))
    piece_rate = fields.Boolean()
    wage_note = fields.String(validate=validate.Length(max=64))
    age_min = fields.Integer(validate=validate.Range(min=job_service.MIN_AGE,
                                                     max=job_service.MAX_AGE))
    age_max = fields.Integer(validate=validate.Range(min=job_service.MIN_AGE,
                                                     max=job_service.MAX_AGE))
    min_education = fields.String(validate=validate.OneOf([e.value for e in Education]))
    housing = fields.Boolean()
    meals = fields.Boolean()
    shifts = fields.String(validate=validate.Length(max=64))
    contract_months = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=120))
    start_date = fields.Date(allow_none=True)
    closing_date = fields.Date(allow_none=True)
    kind = fields.String(validate=validate.OneOf(JOB_KINDS))
    eligibility_county_code = fields.String(
        allow_none=True, validate=AREA_CODE,
        metadata={"description": "public-welfare and work-relief posts: the county served"})


class JobIn(JobPatch):
    """A new opening (a draft unless ``publish``)."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=128))
    employer_id = fields.Integer(validate=ID_RANGE,
                                 metadata={"description": "officers: required; employers: "
                                                          "their own (may be left out)"})
    publish = fields.Boolean(load_default=False)


class SkillEntry(Schema):
    """A skill an opening asks for (catalogue and import rows may lack the typed text)."""

    code = fields.String(required=True, allow_none=True)
    text = fields.String()
    level = fields.Integer()


class JobOut(Schema):
    """An opening."""

    id = fields.Integer(required=True)
    employer_id = fields.Integer(required=True)
    employer_name = fields.Function(lambda j: j.employer.name, required=True)
    title = fields.String(required=True)
    occupation_code = fields.String(allow_none=True)
    occupation_text = fields.String(required=True)
    description = fields.String(required=True)
    required_skills = fields.List(fields.Nested(SkillEntry), required=True)
    preferred_skills = fields.List(fields.Nested(SkillEntry), required=True)
    required_certificates = fields.List(fields.String(), required=True)
    headcount = fields.Integer(required=True, allow_none=True,
                               metadata={"description": "null: unspecified (若干)"})
    filled = fields.Integer(required=True)
    remaining = fields.Integer(required=True, allow_none=True,
                               metadata={"description": "null: no fixed limit (若干)"})
    wage_min = fields.Integer(allow_none=True)
    wage_max = fields.Integer(allow_none=True)
    piece_rate = fields.Boolean(required=True)
    wage_note = fields.String(required=True)
    wage_unit = fields.String(required=True, metadata={
        "description": "period the wage was written in: month, year, day or hour; for day "
                       "and hour rates wage_min/wage_max are monthly estimates (21.75 days "
                       "× 8 hours)"})
    wage_estimated = fields.Boolean(required=True)
    age_min = fields.Integer(required=True)
    age_max = fields.Integer(required=True)
    min_education = fields.String(required=True)
    province_code = fields.String(allow_none=True)
    city_code = fields.String(allow_none=True)
    county_code = fields.String(allow_none=True)
    region = fields.String(required=True)
    place_detail = fields.String(required=True, metadata={
        "description": "below the area: town, street, industrial park; with no area codes "
                       "the place is to be confirmed (异地招聘)"})
    housing = fields.Boolean(required=True)
    meals = fields.Boolean(required=True)
    shifts = fields.String(required=True)
    contract_months = fields.Integer(allow_none=True)
    start_date = fields.Date(allow_none=True)
    closing_date = fields.Date(allow_none=True)
    kind = fields.String(required=True)
    eligibility_county_code = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"description": "as stored"})
    status_shown = fields.Function(lambda j: j.status_on(today()), required=True,
                                   metadata={"description": "expired/filled as of today, "
                                                            "whether or not the sweep ran"})
    published_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class JobQuery(PageArgs):
    """Filters of the opening list."""

    employer_id = fields.Integer(validate=ID_RANGE)
    status = fields.String(load_default="",
                           validate=validate.OneOf([s.value for s in JobStatus]),
                           metadata={"description": "open = open, in date, places left"})
    region = fields.String(load_default="", validate=validate.OneOf(REGIONS))
    kind = fields.String(load_default="", validate=validate.OneOf(JOB_KINDS))


JobPage = page_schema(JobOut, "JobPage")
JOB_FIELDS = {f.name for f in dc_fields(JobData)}


def _job_data(base: JobData, patch: dict[str, Any]) -> JobData:
    """Overlay API fields on an opening's data; skill strings go through the form's parser."""
    values = {k: v for k, v in patch.items() if k in JOB_FIELDS}
    if "place" in patch:
        place = resolve_place(patch["place"])
        values["area_code"], values["place_to_confirm"] = place.code, place.to_be_confirmed
        values.setdefault("place_detail", place.detail)
    for name in ("required_skills", "preferred_skills"):
        if name in patch:
            values[name] = parse_skill_entries("\n".join(patch[name]), name)
    if "required_certificates" in patch:
        values["required_certificates"] = list(dict.fromkeys(patch["required_certificates"]))
    # An empty occupation is resolved from the occupation text or the title (jobs._apply).
    return JobData(**{**{f: getattr(base, f) for f in JOB_FIELDS}, **values})


@bp.route("/jobs")
class Jobs(MethodView):
    """Openings (an employer's token sees its own only)."""

    @api_roles(*ANY)
    @bp.arguments(JobQuery, location="query")
    @bp.response(200, JobPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List openings, newest first."""
        stmt = visible(sa.select(Job), Job, me())
        if args.get("employer_id"):
            stmt = stmt.where(Job.employer_id == args["employer_id"])
        if args["status"] == JobStatus.open.value:
            stmt = stmt.where(Job.open_clause(today()))
        elif args["status"]:
            stmt = stmt.where(Job.status == args["status"])
        if args["region"]:
            stmt = stmt.where(Job.region == args["region"])
        if args["kind"]:
            stmt = stmt.where(Job.kind == args["kind"])
        return paginate(stmt.options(selectinload(Job.employer)).order_by(Job.id.desc()), args)

    @api_roles(*ANY)
    @bp.arguments(JobIn)
    @bp.response(201, JobOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, data):
        """Prepare an opening as a draft; ``publish`` puts it on the board at once."""
        user = me()
        employer_id = data.get("employer_id") or user.employer_id
        if employer_id is None:
            with domain_errors():
                raise DomainError(_("Choose the employer."), field="employer_id")
        employer = get_visible_or_404(Employer, employer_id)
        with domain_errors():
            job = job_service.create_job(employer, _job_data(JobData(title=""), data), user)
            if data["publish"]:
                job_service.publish_job(job, user)
        return job


@bp.route(f"/jobs/<{ID}:job_id>")
class JobItem(MethodView):
    """One opening."""

    @api_roles(*ANY)
    @bp.response(200, JobOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, job_id):
        """An opening, drafts included."""
        return get_visible_or_404(Job, job_id)

    @api_roles(*ANY)
    @bp.arguments(JobPatch)
    @bp.response(200, JobOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def patch(self, data, job_id):
        """Change the given fields of an opening."""
        job = get_visible_or_404(Job, job_id)
        with domain_errors():
            job_service.update_job(job, _job_data(JobData.from_job(job), data), me())
        return job


def _job_action(job_id: int, fn: Any) -> Job:
    job = get_visible_or_404(Job, job_id)
    with domain_errors():
        fn(job)
    return job


@bp.route(f"/jobs/<{ID}:job_id>/publish")
class JobPublish(MethodView):
    """Putting an opening on the board."""

    @api_roles(*ANY)
    @bp.response(200, JobOut)
    @documents_errors(bp, 401, 403, 404, 409, 422)
    def post(self, job_id):
        """Publish (the employer must be verified, the opening in date with places)."""
        return _job_action(job_id, lambda j: job_service.publish_job(j, me()))


@bp.route(f"/jobs/<{ID}:job_id>/close")
class JobClose(MethodView):
    """Taking an opening off the board."""

    @api_roles(*ANY)
    @bp.response(200, JobOut)
    @documents_errors(bp, 401, 403, 404, 409)
    def post(self, job_id):
        """Close an opening by hand."""
        return _job_action(job_id, lambda j: job_service.close_job(j, me()))
