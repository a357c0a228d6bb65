"""Register services: create and update workers, record status changes and timeline events.

Services take plain values and the acting user, flush and never commit. Rule violations
raise ``RegisterInvalid`` (a DomainError carrying one message per field) or
``DuplicateIdNumber`` (a ConflictError that knows the existing record).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import Area, User
from app.auth.scoping import code_in_area
from app.errors_domain import ConflictError, DomainError
from app.extensions import db, utcnow
from app.skills.service import resolve_worker_skills
from app.skills.taxonomy import default_taxonomy, fold

from .duplicates import flag_likely_duplicates
from .models import (
    Education,
    Household,
    Worker,
    WorkerCategory,
    WorkerCertificate,
    WorkerEvent,
    WorkerStatus,
    WorkerStatusChange,
    WorkHistory,
)
from .validation import (
    FieldError,
    check_working_age,
    clean_text,
    name_keys,
    parse_id_number,
    parse_name,
    parse_phone,
)

REGIONS = ("local", "guizhou", "yrd", "prd", "any")
JOB_KINDS = ("market", "public_welfare", "work_relief")
MAX_WAGE = 100_000


class RegisterInvalid(DomainError):
    """One or more fields are invalid; ``errors`` maps field name → message."""

    def __init__(self, errors: Mapping[str, object]) -> None:
        self.errors = {k: str(v) for k, v in errors.items()}
        field, message = next(iter(self.errors.items()))
        super().__init__(message, field=field, code="invalid")


class DuplicateIdNumber(ConflictError):
    """The ID number is already on the register; ``existing`` is that worker."""

    def __init__(self, existing: Worker) -> None:
        super().__init__(_("This ID number is already registered."), field="id_number",
                         code="duplicate_id_number")
        self.existing = existing


def add_event(worker: Worker, kind: str, detail: dict | None = None,
              by: User | None = None, at: datetime | None = None) -> WorkerEvent:
    """Add one line to the worker's activity timeline (flushes)."""
    event = WorkerEvent(worker_id=worker.id, area_code=worker.area_code, kind=kind,
                        detail=detail or {}, by_user_id=getattr(by, "id", None),
                        at=at or utcnow())
    db.session.add(event)
    db.session.flush()
    return event


def set_worker_status(worker: Worker, status: str, reason: str = "",
                      by: User | None = None) -> bool:
    """Change a worker's status with a dated history entry and a timeline event.

    Returns False (and records nothing) when the status is unchanged. Later features call
    this: training sets "training", a confirmed hire "employed", a job loss "seeking".
    """
    if status not in WorkerStatus.__members__:
        raise RegisterInvalid({"status": _("Unknown status: %(s)s", s=status)})
    if worker.status == status and worker.id is not None:
        return False
    previous = worker.status
    now = utcnow()
    worker.status = status
    worker.status_changed_at = now
    db.session.flush()
    db.session.add(WorkerStatusChange(worker_id=worker.id, status=status, changed_at=now,
                                      reason=(reason or "")[:256],
                                      by_user_id=getattr(by, "id", None)))
    add_event(worker, "status", {"from": previous, "to": status, "reason": reason or ""},
              by=by, at=now)
    return True


def _county(code: str | None) -> Area | None:
    if not code:
        return None
    area = db.session.get(Area, code)
    return area if area is not None and area.level == "county" else None


def user_may_use_area(user: User | None, code: str | None) -> bool:
    """Whether ``user`` may register people in the area ``code``."""
    if user is None or user.role == "admin":
        return True
    return user.role == "officer" and code_in_area(code, user.area)


def _list_of(value: Any, allowed: tuple[str, ...], field: str, errors: dict) -> list[str]:
    items = [v for v in (value or []) if v]
    bad = [v for v in items if v not in allowed]
    if bad:
        errors[field] = _("Unknown choice: %(v)s", v=", ".join(map(str, bad)))
    return [v for v in dict.fromkeys(items) if v in allowed]  # keeps the preference order


def clean_worker_fields(data: Mapping[str, Any], user: User | None,
                        current: Worker | None = None) -> dict[str, Any]:
    """Check and normalise worker fields (partial when ``current`` is given).

    Returns column values ready to set; raises RegisterInvalid listing every bad field.
    """
    errors: dict[str, object] = {}
    out: dict[str, Any] = {}

    def check(field: str, fn: Any) -> None:
        if field in data or current is None:
            try:
                fn(data.get(field))
            except FieldError as exc:
                errors[field] = exc.message

    def name(v: Any) -> None:
        out["name"] = parse_name(v)
        out["name_pinyin"], out["name_initials"] = name_keys(out["name"])

    def id_number(v: Any) -> None:
        parsed = parse_id_number(v)
        check_working_age(parsed)
        out.update(id_number=parsed.number, id_number_rev=parsed.number[::-1],
                   birth_date=parsed.birth_date, sex=parsed.sex)

    def phone(v: Any) -> None:
        out["phone"] = parse_phone(v)
        out["phone_rev"] = out["phone"][::-1] if out["phone"] else None

    check("name", name)
    check("id_number", id_number)
    check("phone", phone)

    if "household_id" in data or "area_code" in data or current is None:
        _place(data, user, current, out, errors)
    if "category" in data or current is None:
        value = data.get("category") or WorkerCategory.general.value
        if value not in WorkerCategory.__members__:
            errors["category"] = _("Unknown choice: %(v)s", v=value)
        out["category"] = value
    if "education" in data or current is None:
        value = data.get("education") or Education.junior.value
        if value not in Education.__members__:
            errors["education"] = _("Unknown choice: %(v)s", v=value)
        out["education"] = value
    for field in ("skills_text", "health_notes"):
        if field in data or current is None:
            out[field] = clean_text(data.get(field))[:2000]
    if "regions_acceptable" in data or current is None:
        out["regions_acceptable"] = _list_of(data.get("regions_acceptable"), REGIONS,
                                             "regions_acceptable", errors)
    if "job_kinds_wanted" in data or current is None:
        out["job_kinds_wanted"] = _list_of(data.get("job_kinds_wanted"), JOB_KINDS,
                                           "job_kinds_wanted", errors)
    if "min_wage" in data or current is None:
        wage = data.get("min_wage")
        if wage in (None, ""):
            out["min_wage"] = None
        elif not isinstance(wage, int) or not 0 <= wage <= MAX_WAGE:
            errors["min_wage"] = _("Enter a monthly wage in yuan between 0 and %(max)d.",
                                   max=MAX_WAGE)
        else:
            out["min_wage"] = wage
    if "available_from" in data or current is None:
        value = data.get("available_from")
        if value is not None and not isinstance(value, date):
            errors["available_from"] = _("Enter a date such as 2025-03-01.")
        out["available_from"] = value
    if "care_duties" in data or current is None:
        out["care_duties"] = bool(data.get("care_duties"))
    care = out.get("care_duties", current.care_duties if current else False)
    if care:
        # Children or elders at home: only work within the own county is realistic.
        out["regions_acceptable"] = ["local"]
    if errors:
        raise RegisterInvalid(errors)
    return out


def _place(data: Mapping[str, Any], user: User | None, current: Worker | None,
           out: dict[str, Any], errors: dict[str, object]) -> None:
    household_id = data.get("household_id") or None
    if household_id:
        household = db.session.get(Household, int(household_id))
        if household is None or not user_may_use_area(user, household.area_code):
            errors["household_id"] = _("Choose a household in your area.")
            return
        out["household_id"] = household.id
        out["area_code"] = household.area_code
        return
    out["household_id"] = None
    code = data.get("area_code") or (current.area_code if current else None)
    if _county(code) is None:
        errors["area_code"] = _("Choose the county (or choose a household).")
    elif not user_may_use_area(user, code):
        errors["area_code"] = _("You can only register people in your own area.")
    else:
        out["area_code"] = code


def find_by_id_number(number: str) -> Worker | None:
    """The worker holding this ID number, if any."""
    return db.session.scalar(sa.select(Worker).where(Worker.id_number == number))


def create_worker(data: Mapping[str, Any], by: User | None, *,
                  reason: str = "") -> Worker:
    """Register a worker after checking every field (flushes)."""
    values = clean_worker_fields(data, by)
    existing = find_by_id_number(values["id_number"])
    if existing is not None:
        raise DuplicateIdNumber(existing)
    status = data.get("status") or WorkerStatus.seeking.value
    if status not in WorkerStatus.__members__:
        raise RegisterInvalid({"status": _("Unknown choice: %(v)s", v=status)})
    worker = Worker(status=status, **values)
    db.session.add(worker)
    db.session.flush()
    db.session.add(WorkerStatusChange(worker_id=worker.id, status=status,
                                      changed_at=worker.status_changed_at,
                                      reason=reason or _("Newly registered"),
                                      by_user_id=getattr(by, "id", None)))
    add_event(worker, "registered", {"status": status}, by=by)

    flag_likely_duplicates([worker.id])
    resolve_skills(worker)
    return worker


def resolve_skills(worker: Worker) -> None:
    """Resolve the typed skills to the taxonomy (kept per worker, with method/confidence)."""
    resolve_worker_skills(worker)


TRACKED = ("name", "id_number", "phone", "household_id", "area_code", "category", "education",
           "skills_text", "regions_acceptable", "min_wage", "job_kinds_wanted",
           "available_from", "care_duties", "health_notes")


def update_worker(worker: Worker, data: Mapping[str, Any], by: User | None) -> list[str]:
    """Change a worker's fields; returns the names of the fields that changed (flushes)."""
    values = clean_worker_fields(data, by, current=worker)
    if "id_number" in values and values["id_number"] != worker.id_number:
        existing = find_by_id_number(values["id_number"])
        if existing is not None and existing.id != worker.id:
            raise DuplicateIdNumber(existing)
    changed = [k for k in TRACKED if k in values and getattr(worker, k) != values[k]]
    for key, value in values.items():
        setattr(worker, key, value)
    if "status" in data and data["status"] and data["status"] != worker.status:
        set_worker_status(worker, data["status"], data.get("status_reason") or "", by)
        changed.append("status")
    if changed:
        db.session.flush()
        add_event(worker, "updated", {"fields": changed}, by=by)
        if "skills_text" in changed:
            resolve_skills(worker)
        if {"name", "id_number", "household_id"} & set(changed):
            flag_likely_duplicates([worker.id])
    return changed


def certificate_code(kind: str) -> str:
    """The taxonomy code for a certificate typed by code or name (焊工证, 特种作业操作证（…）).

    Matching checks required certificates by code, so a name people type is stored as its
    code; an unknown kind is kept as typed (shown, but it satisfies no requirement).
    """
    wanted = fold(kind)
    for cert in default_taxonomy().certificates:
        names = (cert.code, cert.name, cert.short_name, cert.name_en, cert.short_name_en)
        if wanted in {fold(n) for n in names if n}:
            return cert.code
    return kind


def add_certificate(worker: Worker, kind: str, number: str = "",
                    issued_on: date | None = None, expires_on: date | None = None,
                    by: User | None = None) -> WorkerCertificate:
    """Record a certificate the worker holds (flushes)."""
    kind = clean_text(kind)
    if not kind:
        raise RegisterInvalid({"kind": _l("Enter the kind of certificate.")})
    if issued_on and expires_on and expires_on < issued_on:
        raise RegisterInvalid({"expires_on": _l("The expiry date is before the issue date.")})
    kind = certificate_code(kind)
    cert = WorkerCertificate(worker_id=worker.id, kind=kind[:48],
                             number=clean_text(number)[:64], issued_on=issued_on,
                             expires_on=expires_on)
    db.session.add(cert)
    db.session.flush()
    add_event(worker, "certificate", {"kind": cert.kind}, by=by)
    return cert


def add_work_history(worker: Worker, employer_name: str, job_title: str = "",
                     place: str = "", start_date: date | None = None,
                     end_date: date | None = None, by: User | None = None) -> WorkHistory:
    """Record a past job of the worker (flushes)."""
    if not clean_text(employer_name) and not clean_text(job_title):
        raise RegisterInvalid({"employer_name": _l("Enter the employer or the job.")})
    if start_date and end_date and end_date < start_date:
        raise RegisterInvalid({"end_date": _l("The end date is before the start date.")})
    entry = WorkHistory(worker_id=worker.id, employer_name=clean_text(employer_name)[:128],
                        job_title=clean_text(job_title)[:128], place=clean_text(place)[:128],
                        start_date=start_date, end_date=end_date)
    db.session.add(entry)
    db.session.flush()
    return entry
