"""/api/v1/workers: the register's labourers (劳动力), through the register's services.

ID numbers and phones are masked unless ``?reveal=true`` is asked for by a user whom
``app.registry.privacy.can_see_full`` allows; a reveal is audit-logged like the web page's.
Skills arrive as a list of free-text strings and are resolved by the matching resolver the
web form uses; responses show each resolution (method, confidence) and the unresolved texts.
"""
from __future__ import annotations

from typing import Any

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.auth.scoping import get_visible_or_404
from app.registry import service
from app.registry.models import Education, Worker, WorkerCategory, WorkerStatus
from app.registry.privacy import can_see_full, record_reveal, shown_id, shown_phone
from app.registry.queries import WorkerFilters, worker_select
from app.registry.validation import MAX_WAGE, wage_problem
from app.skills.service import worker_skills
from app.skills.text import split_parts
from app.vocabulary import JOB_KINDS, OFFICERS, WORKER_REGIONS

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

bp = Blueprint("workers", __name__, url_prefix="/api/v1",
               description="Workers (劳动力) on the register")

AREA_CODE = validate.Regexp(r"^\d{6}$", error="A six-digit area code.")


# ---- schemas ------------------------------------------------------------------------------


class CertificateIn(Schema):
    """A certificate the worker holds; ``kind`` is a taxonomy code (e.g. so_welding)."""

    kind = fields.String(required=True, validate=validate.Length(min=1, max=48))
    number = fields.String(load_default="", validate=validate.Length(max=64))
    issued_on = fields.Date(load_default=None, allow_none=True)
    expires_on = fields.Date(load_default=None, allow_none=True)


class CertificateOut(Schema):
    """A certificate on the register."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    number = fields.String()
    issued_on = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)


class WorkerPatch(Schema):
    """Fields of a worker; on PATCH only the given ones change."""

    name = fields.String(validate=validate.Length(min=1, max=64))
    id_number = fields.String(validate=validate.Length(min=1, max=32),
                              metadata={"description": "18-character resident ID number"})
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=128)),
                         validate=validate.Length(max=30),
                         metadata={"description": "free text, e.g. [\"会电焊\", \"叉车\"]"})
    regions_acceptable = fields.List(
        fields.String(validate=validate.OneOf(WORKER_REGIONS)),
        validate=validate.Length(max=len(WORKER_REGIONS)),
        metadata={"description": "in order of preference"})
    min_wage = fields.Integer(allow_none=True,
                              validate=validate.Range(min=0, max=MAX_WAGE, error=wage_problem()),
                              metadata={"description": "lowest acceptable monthly wage, CNY"})
    job_kinds_wanted = fields.List(fields.String(validate=validate.OneOf(JOB_KINDS)),
                                   validate=validate.Length(max=len(JOB_KINDS)))
    care_duties = fields.Boolean(metadata={"description": "children or elders at home"})
    category = fields.String(validate=validate.OneOf([c.value for c in WorkerCategory]))
    education = fields.String(validate=validate.OneOf([e.value for e in Education]))
    household_id = fields.Integer(allow_none=True, validate=ID_RANGE)
    area_code = fields.String(allow_none=True, validate=AREA_CODE,
                              metadata={"description": "county; taken from the household "
                                                       "when one is given"})
    available_from = fields.Date(allow_none=True)
    health_notes = fields.String(validate=validate.Length(max=2000))
    status = fields.String(validate=validate.OneOf([s.value for s in WorkerStatus]))
    status_reason = fields.String(load_default="", validate=validate.Length(max=256))


class WorkerIn(WorkerPatch):
    """A new worker: name and ID number required; certificates optional."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=32))
    certificates = fields.List(fields.Nested(CertificateIn), validate=validate.Length(max=20))


class SkillOut(Schema):
    """One typed skill and what the resolver made of it."""

    text = fields.String(required=True)
    code = fields.String(allow_none=True, metadata={"description": "null when unresolved"})
    level = fields.Integer(required=True)
    method = fields.String(allow_none=True)
    confidence = fields.Float(required=True)


class WorkerSummary(Schema):
    """A worker in a list (ID number and phone masked)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    id_number = fields.String(required=True)
    phone = fields.String(required=True)
    full_shown = fields.Boolean(required=True,
                                metadata={"description": "true when id_number and phone "
                                                         "are unmasked"})
    sex = fields.String(required=True)
    birth_date = fields.Date(required=True)
    area_code = fields.String(required=True)
    household_id = fields.Integer(allow_none=True)
    category = fields.String(required=True)
    education = fields.String(required=True)
    status = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    regions_acceptable = fields.List(fields.String(), required=True)
    min_wage = fields.Integer(allow_none=True)
    care_duties = fields.Boolean(required=True)


class WorkerOut(WorkerSummary):
    """A worker with resolved skills and certificates."""

    skills_resolved = fields.List(fields.Nested(SkillOut), required=True)
    skills_unresolved = fields.List(fields.String(), required=True)
    certificates = fields.List(fields.Nested(CertificateOut), required=True)
    job_kinds_wanted = fields.List(fields.String(), required=True)
    available_from = fields.Date(allow_none=True)
    health_notes = fields.String()
    status_changed_at = UtcDateTime()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class WorkerQuery(PageArgs):
    """Filters of the worker list."""

    q = fields.String(load_default="", validate=validate.Length(max=64),
                      metadata={"description": "name, pinyin, initials, ID or phone tail"})
    area = fields.String(load_default="", validate=AREA_CODE)
    site_id = fields.Integer(validate=ID_RANGE)
    household_id = fields.Integer(validate=ID_RANGE)
    category = fields.String(load_default="",
                             validate=validate.OneOf([c.value for c in WorkerCategory]))
    status = fields.String(load_default="",
                           validate=validate.OneOf([s.value for s in WorkerStatus]))
    monitored = fields.Boolean(load_default=False)
    zero = fields.Boolean(load_default=False,
                          metadata={"description": "members of zero-employment households"})


class RevealArgs(Schema):
    """?reveal=true: unmasked ID number and phone (allowed users only; audit-logged)."""

    reveal = fields.Boolean(load_default=False)


WorkerPage = page_schema(WorkerSummary, "WorkerPage")


# ---- helpers ------------------------------------------------------------------------------


def summary(worker: Worker, reveal: bool = False) -> dict[str, Any]:
    """A worker as a list shows it; unmasked only when ``reveal`` and allowed."""
    user = me()
    full = reveal and can_see_full(user, worker)
    return {
        "id": worker.id, "name": worker.name, "id_number": shown_id(user, worker, full),
        "phone": shown_phone(user, worker, full), "full_shown": full, "sex": worker.sex,
        "birth_date": worker.birth_date, "area_code": worker.area_code,
        "household_id": worker.household_id, "category": worker.category,
        "education": worker.education, "status": worker.status,
        "skills": split_parts(worker.skills_text or ""),
        "regions_acceptable": list(worker.regions_acceptable or []),
        "min_wage": worker.min_wage, "care_duties": worker.care_duties,
    }


def detail(worker: Worker, reveal: bool = False) -> dict[str, Any]:
    """A worker with skills resolved (stored rows, or fresh when the text changed)."""
    skills = worker_skills(worker)
    return {
        **summary(worker, reveal),
        "skills_resolved": [{"text": s.source_text, "code": s.skill_code, "level": s.level,
                             "method": s.method, "confidence": s.confidence}
                            for s in skills if s.skill_code],
        "skills_unresolved": [s.source_text for s in skills if not s.skill_code],
        "certificates": list(worker.certificates),
        "job_kinds_wanted": list(worker.job_kinds_wanted or []),
        "available_from": worker.available_from, "health_notes": worker.health_notes,
        "status_changed_at": worker.status_changed_at, "created_at": worker.created_at,
        "updated_at": worker.updated_at,
    }


def service_data(data: dict[str, Any]) -> dict[str, Any]:
    """API fields → the register service's fields (skills list → skills text)."""
    out = {k: v for k, v in data.items() if k not in ("skills", "certificates",
                                                       "status_reason")}
    if "skills" in data:
        out["skills_text"] = "、".join(s.strip() for s in data["skills"] if s.strip())
    return out


# ---- resources ----------------------------------------------------------------------------


@bp.route("/workers")
class Workers(MethodView):
    """The workers of the caller's area."""

    @api_roles(*OFFICERS)
    @bp.arguments(WorkerQuery, location="query")
    @bp.response(200, WorkerPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List workers (masked), newest first, with the register's filters."""
        filters = WorkerFilters(q=args["q"], area=args["area"], site=args.get("site_id"),
                                household=args.get("household_id"),
                                category=args["category"], status=args["status"],
                                monitored=args["monitored"], zero=args["zero"])
        page = paginate(worker_select(me(), filters), args)
        page["items"] = [summary(w) for w in page["items"]]
        return page

    @api_roles(*OFFICERS)
    @bp.arguments(WorkerIn)
    @bp.response(201, WorkerOut)
    @documents_errors(bp, 400, 401, 403, 409, 422)
    def post(self, data):
        """Register a worker; skills are resolved, certificates recorded."""
        user = me()
        with domain_errors():
            worker = service.create_worker(service_data(data), user,
                                           reason=data.get("status_reason") or "", via="api")
            for cert in data.get("certificates") or []:
                service.add_certificate(worker, cert["kind"], cert["number"],
                                        cert["issued_on"], cert["expires_on"], by=user)
        return detail(worker)


@bp.route(f"/workers/<{ID}:worker_id>")
class WorkerItem(MethodView):
    """One worker."""

    @api_roles(*OFFICERS, "trainee")
    @bp.arguments(RevealArgs, location="query")
    @bp.response(200, WorkerOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, args, worker_id):
        """A worker (trainees: their own record); ?reveal=true unmasks and is audit-logged."""
        worker = get_visible_or_404(Worker, worker_id)
        if args["reveal"]:
            if not can_see_full(me(), worker):
                abort(403)
            with domain_errors():
                record_reveal(worker, me())
        return detail(worker, args["reveal"])

    @api_roles(*OFFICERS)
    @bp.arguments(WorkerPatch)
    @bp.response(200, WorkerOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def patch(self, data, worker_id):
        """Change the given fields (a status change is dated with its reason)."""
        worker = get_visible_or_404(Worker, worker_id)
        values = service_data(data)
        if "status" in values:
            values["status_reason"] = data.get("status_reason") or ""
        with domain_errors():
            service.update_worker(worker, values, me(), via="api")
        return detail(worker)


@bp.route(f"/workers/<{ID}:worker_id>/certificates")
class WorkerCertificates(MethodView):
    """Certificates a worker holds."""

    @api_roles(*OFFICERS)
    @bp.arguments(CertificateIn)
    @bp.response(201, CertificateOut)
    @documents_errors(bp, 400, 401, 403, 404, 422)
    def post(self, data, worker_id):
        """Record a certificate the worker holds."""
        worker = get_visible_or_404(Worker, worker_id)
        with domain_errors():
            cert = service.add_certificate(worker, data["kind"], data["number"],
                                           data["issued_on"], data["expires_on"], by=me())
        return cert
