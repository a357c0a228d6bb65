"""Who a visitor of an opening talks to: the responsible employment office's phone and
address, and an "ask an officer to call me" request that becomes a to-do item (待办) in that
office's queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.auth.audit import audit
from app.auth.models import Area, AuditLog
from app.clock import utcnow
from app.employers.models import Job
from app.errors_domain import DomainError
from app.extensions import db
from app.i18n import each_language
from app.registry.validation import FieldError, parse_phone
from app.todo.kinds import TodoKind
from app.todo.models import Todo
from app.todo.service import open_item

GUIZHOU = "520000"


@dataclass(frozen=True)
class Office:
    """An employment service office: the area it serves, its phone and address."""

    area_code: str
    phone: str
    address: str


def responsible_area(job: Job) -> str:
    """The county whose officers answer for an opening: its own county in Guizhou, else
    the county its employer co-operates with (劳务协作), else where the employer is, else
    the province."""
    employer = job.employer
    for code in (job.county_code, getattr(employer, "coop_county_code", None),
                 getattr(employer, "county_code", None), job.city_code):
        if code and code.startswith("52"):
            return code
    return GUIZHOU


def office_for(area_code: str) -> Office | None:
    """The office of the area, else of the nearest wider area that has a phone on record."""
    code: str | None = area_code
    seen = 0
    while code and seen < 4:
        area = db.session.get(Area, code)
        if area is None:
            return None
        if area.office_phone:
            return Office(area.code, area.office_phone, area.office_address)
        code, seen = area.parent_code, seen + 1
    return None


def request_callback(job: Job, *, name: str, phone: str, ip: str | None) -> str:
    """Open a call-back item for the responsible county's officers (flushes); returns the
    area code. Refuses a phone that is no mainland mobile number, and more than
    CALLBACK_MAX_PER_HOUR requests an hour from one address or for one phone."""

    name = " ".join((name or "").split())[:64]
    try:
        number = parse_phone(phone)
    except FieldError as exc:
        raise DomainError(str(exc.message), field="phone") from None
    if not number:
        raise DomainError(_("Enter your mobile number so that an officer can call you."),
                          field="phone")
    limit = int(current_app.config.get("CALLBACK_MAX_PER_HOUR", 5))
    since = utcnow() - timedelta(hours=1)
    from_here = db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "callback_request", AuditLog.at >= since, AuditLog.ip == ip))
    for_phone = db.session.scalar(sa.select(sa.func.count(Todo.id)).where(
        Todo.kind == TodoKind.callback.value, Todo.contact_phone == number,
        Todo.created_at >= since))
    if max(from_here or 0, for_phone or 0) >= limit:
        raise DomainError(_("We have your request already. Please wait for the call, or "
                            "phone the office yourself."), field="phone")
    area = responsible_area(job)
    open_item(TodoKind.callback, area, within_days=1, subject=job,
              link=f"/jobs/{job.id}", contact_name=name, contact_phone=number,
              detail=each_language(lambda: _(
                  "Asked to be called about the opening %(title)s (%(number)s).",
                  title=job.title, number=f"{job.id:06d}")),
              dedupe_key=f"callback:{job.id}:{number}:{utcnow():%Y%m%d}")
    audit("callback_request", job, detail={"area": area})
    return area
