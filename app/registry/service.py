"""Register services: create and update workers, record status changes and timeline events.

Services take plain values and the acting user, flush and never commit. Rule violations
raise ``RegisterInvalid`` (a DomainError carrying one message per field) or
``DuplicateIdNumber`` (a ConflictError that knows the existing record), or both together
as one ``FieldErrors`` (every problem after one submit).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.audit import audit
from app.auth.models import Area, User
from app.auth.scoping import code_in_area
from app.clock import utcnow
from app.errors_domain import ConflictError, DomainError, Problems
from app.extensions import db
from app.i18n import words_of
from app.skills.service import resolve_worker_skills
from app.skills.taxonomy import default_taxonomy

from .duplicates import flag_likely_duplicates
from .models import (
    Household,
    Worker,
    WorkerCertificate,
    WorkerStatus,
    WorkerStatusChange,
    WorkHistory,
)
from .timeline import add_event
from .validation import check_worker_fields, clean_text


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


def set_worker_status(worker: Worker, status: str, reason: object = "",
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
    words = words_of(reason)  # a lazy _l("…"): read in each reader's language
    db.session.add(WorkerStatusChange(**status_change_values(
        worker.id, status, reason=str(reason or ""), reason_words=words,
        by_user_id=getattr(by, "id", None), at=now)))
    detail: dict[str, Any] = {"from": previous, "to": status, "reason": str(reason or "")}
    if words:
        detail["reason_words"] = words
    add_event(worker, "status", detail, by=by, at=now)
    return True


def change_worker_status(worker: Worker, status: str, reason: str, by: User | None) -> bool:
    """An officer changes a worker's status: :func:`set_worker_status`, audited."""
    previous = worker.status
    if not set_worker_status(worker, status, reason, by):
        return False
    audit("worker_status", worker, user=by, detail={"from": previous, "to": worker.status})
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


def clean_worker_fields(data: Mapping[str, Any], user: User | None,
                        current: Worker | None = None) -> dict[str, Any]:
    """Check and normalise worker fields (partial when ``current`` is given) by the one
    set of field rules (``validation.check_worker_fields``) plus the household and county.

    Returns column values ready to set; raises RegisterInvalid listing every bad field.
    """
    problems = Problems()
    values = _worker_values(data, user, current, problems)
    problems.raise_any()
    return values


def _worker_values(data: Mapping[str, Any], user: User | None, current: Worker | None,
                   problems: Problems) -> dict[str, Any]:
    """The column values of the fields that passed their rules; every bad field is added
    to ``problems`` (one RegisterInvalid), so later rules (the ID number already
    registered) are judged on the same call."""
    check = check_worker_fields(data, partial=current is not None,
                                care_duties_now=bool(current and current.care_duties))
    errors: dict[str, object] = dict(check.problems)
    out = check.values
    if "household_id" in data or "area_code" in data or current is None:
        _place(data, user, current, out, errors)
    if errors:
        order = sorted(errors, key=lambda f: _FIELD_ORDER.index(f) if f in _FIELD_ORDER
                       else len(_FIELD_ORDER))
        problems.add(RegisterInvalid({f: errors[f] for f in order}))
    return out


# The order problems are listed in (the first is the API's error message).
_FIELD_ORDER = ("name", "id_number", "phone", "household_id", "area_code", "category",
                "education", "regions_acceptable", "job_kinds_wanted", "min_wage",
                "available_from")


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


# Every column a new worker's checked fields fill (the rest are set by new_worker_values).
WORKER_COLUMNS = ("name", "name_pinyin", "name_initials", "id_number", "id_number_rev",
                  "birth_date", "sex", "phone", "phone_rev", "area_code", "household_id",
                  "category", "education", "skills_text", "regions_acceptable", "min_wage",
                  "job_kinds_wanted", "available_from", "care_duties", "health_notes")
_NEW_WORKER: dict[str, Any] = {
               "phone": None, "phone_rev": None, "household_id": None, "category": "general",
               "education": "junior", "skills_text": "", "regions_acceptable": [],
               "min_wage": None, "job_kinds_wanted": [], "available_from": None,
               "care_duties": False, "health_notes": "", "preferred_language": "zh"}


def new_worker_values(values: Mapping[str, Any], *, status: str,
                      at: datetime) -> dict[str, Any]:
    """Every column of a new worker from checked field values (a missing or empty one gets
    its default): the one builder of a new worker, whether it comes from the form, the API
    or a roster import's bulk insert."""
    given = {k: v for k, v in values.items() if k in WORKER_COLUMNS and v not in (None, "")}
    return {**_NEW_WORKER, "regions_acceptable": [], "job_kinds_wanted": [], **given,
            "status": status, "status_changed_at": at, "created_at": at,
            "updated_at": at}


def status_change_values(worker_id: int, status: str, *, reason: str,
                         by_user_id: int | None, at: datetime,
                         reason_words: dict[str, str] | None = None) -> dict[str, Any]:
    """The column values of one dated status change (for a bulk insert, or the model);
    ``reason_words``: the reason in every language when the product wrote it
    (``app.i18n.words_of``)."""
    return {"worker_id": worker_id, "status": status, "changed_at": at,
            "reason": (reason or "")[:256], "by_user_id": by_user_id,
            "reason_words": {k: v[:256] for k, v in reason_words.items()}
            if reason_words else None}


def find_by_id_number(number: str) -> Worker | None:
    """The worker holding this ID number, if any."""
    return db.session.scalar(sa.select(Worker).where(Worker.id_number == number))


def _via(detail: dict[str, Any], via: str | None) -> dict[str, Any]:
    return {**detail, "via": via} if via else detail


def create_worker(data: Mapping[str, Any], by: User | None, *,
                  reason: str = "", via: str | None = None) -> Worker:
    """Register a worker after checking every field (flushes; audited, ``via`` the API).

    Every rule is judged on one call: the field rules, the place, the ID number already
    registered and the status refuse together (a :class:`FieldErrors` when several)."""
    problems = Problems()
    values = _worker_values(data, by, None, problems)
    if "id_number" in values:
        existing = find_by_id_number(values["id_number"])
        if existing is not None:
            problems.add(DuplicateIdNumber(existing))
    status = data.get("status") or WorkerStatus.seeking.value
    if status not in WorkerStatus.__members__:
        problems.add(RegisterInvalid({"status": _("Unknown choice: %(v)s", v=status)}))
    problems.raise_any()
    worker = Worker(**new_worker_values(values, status=status, at=utcnow()))
    db.session.add(worker)
    db.session.flush()
    said = reason or _l("Newly registered")
    db.session.add(WorkerStatusChange(**status_change_values(
        worker.id, status, reason=str(said), reason_words=words_of(said),
        by_user_id=getattr(by, "id", None), at=worker.status_changed_at)))
    add_event(worker, "registered", {"status": status}, by=by)

    flag_likely_duplicates([worker.id])
    resolve_skills(worker)
    audit("worker_create", worker, user=by, detail=_via({"area": worker.area_code}, via))
    return worker


def resolve_skills(worker: Worker) -> None:
    """Resolve the typed skills to the taxonomy (kept per worker, with method/confidence)."""
    resolve_worker_skills(worker)


TRACKED = ("name", "id_number", "phone", "household_id", "area_code", "category", "education",
           "skills_text", "regions_acceptable", "min_wage", "job_kinds_wanted",
           "available_from", "care_duties", "health_notes")


def update_worker(worker: Worker, data: Mapping[str, Any], by: User | None, *,
                  via: str | None = None) -> list[str]:
    """Change a worker's fields; returns the names of the fields that changed (flushes;
    a change is audited, ``via`` the API)."""
    problems = Problems()
    values = _worker_values(data, by, worker, problems)
    if "id_number" in values and values["id_number"] != worker.id_number:
        existing = find_by_id_number(values["id_number"])
        if existing is not None and existing.id != worker.id:
            problems.add(DuplicateIdNumber(existing))
    problems.raise_any()
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
        audit("worker_update", worker, user=by, detail=_via({"fields": changed}, via))
    return changed


def certificate_code(kind: str) -> str:
    """The taxonomy code for a certificate typed by code, name or common name (焊工证,
    电工证, B2驾驶证, 特种作业操作证（…）).

    Matching checks required certificates by code, so a name people type is stored as its
    code; an unknown kind is kept as typed (shown, but it satisfies no requirement).
    """
    cert = default_taxonomy().find_certificate(kind)
    return cert.code if cert else kind


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
