"""Employment records: jobs workers found without a referral (self, relatives, agency,
partner). One open record per worker; the form, the API and the roster import all come
through ``clean_record`` (the place by the one place resolver) and ``record_job``."""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.areas.resolver import Place
from app.areas.service import resolve_place
from app.auth.audit import audit
from app.auth.models import Area, User
from app.employers.models import INDUSTRIES, Employer
from app.errors_domain import ConflictError, DomainError
from app.extensions import db
from app.placements.models import Placement
from app.registry.models import Worker
from app.registry.service import set_worker_status
from app.registry.timeline import add_event

from .models import FOUND_VIA, EmploymentRecord

GUIZHOU = "520000"
MAX_WAGE = 200_000
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})?\s*日?)?$")


def month_of(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after ``month`` (negative: before)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse_month(value: Any, *, field: str = "start_month") -> date:
    """A month as a date, or text such as 2025-03, 2025/3, 2025年3月, 2025-03-15."""
    if isinstance(value, date):
        return month_of(value)
    text = str(value or "").strip()
    if re.fullmatch(r"\d{6}", text):
        text = f"{text[:4]}-{text[4:]}"
    match = _MONTH_RE.match(text)
    if match and 1 <= int(match.group(2)) <= 12 and 1900 < int(match.group(1)) < 2200:
        return date(int(match.group(1)), int(match.group(2)), 1)
    raise DomainError(_("Write the month as 2025-03."), field=field)


def place_values(place: Place) -> dict[str, Any]:
    """The record's place columns from a resolved place."""
    return {"place_code": place.code, "province_code": place.province_code,
            "city_code": place.city_code, "place_detail": place.detail[:128],
            "region": place.region or "other"}


def area_place(code: str) -> dict[str, Any]:
    """The record's place columns from a national area code (404-free: DomainError)."""
    area = db.session.get(Area, code)
    if area is None:
        raise DomainError(_("Unknown area code."), field="area_code")
    chain = [area]
    while chain[-1].parent_code:
        parent = db.session.get(Area, chain[-1].parent_code)
        if parent is None:
            break
        chain.append(parent)
    by_level = {a.level: a.code for a in chain}
    return {"place_code": area.code, "province_code": by_level.get("province"),
            "city_code": by_level.get("prefecture"), "place_detail": "",
            "region": area.region or "other"}


def clean_record(data: Mapping[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """Check and resolve the fields of a new record (employer, place, sector, start month,
    wage, how it was found); DomainError naming the field at fault."""
    today = today or clock.today()
    values: dict[str, Any] = {}
    employer = None
    if data.get("employer_id"):
        employer = db.session.get(Employer, int(data["employer_id"]))
        if employer is None:
            raise DomainError(_("No such employer."), field="employer_id")
    name = str(data.get("employer_name") or "").strip()
    if employer is None and not name:
        raise DomainError(_("Enter the employer."), field="employer_name")
    values["employer_id"] = employer.id if employer else None
    values["employer_name"] = (employer.name if employer else name)[:128]
    if data.get("area_code"):
        values.update(area_place(str(data["area_code"])))
    elif str(data.get("place") or "").strip():
        place = resolve_place(str(data["place"]), field="place")
        if place.to_be_confirmed:
            raise DomainError(_("Name the city where the worker works."), field="place")
        values.update(place_values(place))
    elif employer is not None and (employer.county_code or employer.city_code
                                   or employer.province_code):
        values.update(area_place(employer.county_code or employer.city_code
                                 or employer.province_code or ""))
    else:
        raise DomainError(_("Enter the city where the worker works."), field="place")
    sector = str(data.get("sector") or "").strip() or (employer.industry if employer else "")
    if sector and sector not in INDUSTRIES:
        raise DomainError(_("Choose a sector from the list."), field="sector")
    values["sector"] = sector
    start = parse_month(data.get("start_month"))
    if start > month_of(today):
        raise DomainError(_("The start month cannot be in the future."), field="start_month")
    values["start_month"] = start
    wage = data.get("monthly_wage")
    if wage not in (None, ""):
        try:
            wage = int(wage)
        except (TypeError, ValueError):
            raise DomainError(_("Enter a monthly wage in yuan."), field="monthly_wage") from None
        if not 0 <= wage <= MAX_WAGE:
            raise DomainError(_("Enter a monthly wage in yuan."), field="monthly_wage")
        values["monthly_wage"] = wage
    else:
        values["monthly_wage"] = None
    found = str(data.get("found_via") or "self")
    if found not in FOUND_VIA:
        raise DomainError(_("Say how the job was found."), field="found_via")
    values["found_via"] = found
    return values


def open_record(worker_id: int) -> EmploymentRecord | None:
    """The worker's current (open) record, if any."""
    return db.session.scalar(sa.select(EmploymentRecord).where(
        EmploymentRecord.worker_id == worker_id, EmploymentRecord.end_month.is_(None)))


def active_placement(worker_id: int) -> Placement | None:
    """The worker's active Qianlu placement, if any."""
    return db.session.scalar(sa.select(Placement).where(
        Placement.worker_id == worker_id, Placement.status == "active"))


def record_job(worker: Worker, values: Mapping[str, Any], *, by: User | None,
               source: str = "form") -> EmploymentRecord:
    """Record a job found elsewhere (``values`` from ``clean_record``); an open record
    ends with the month before the new one starts; the worker becomes employed (flushes)."""
    if active_placement(worker.id) is not None:
        raise ConflictError(_("This worker is in a job Qianlu placed them in: record a change "
                              "on its follow-up."), code="placement_active")
    current = open_record(worker.id)
    if current is not None:
        if values["start_month"] <= current.start_month:
            raise ConflictError(_("The worker's current job started in that month or later; "
                                  "end it first."), code="record_open", field="start_month")
        end_record(current, add_months(values["start_month"], -1), _("Changed job"), by=by,
                   seeking=False)
    record = EmploymentRecord(worker_id=worker.id, area_code=worker.area_code, source=source,
                              created_by_id=by.id if by else None, **values)
    db.session.add(record)
    db.session.flush()
    set_worker_status(worker, "employed", reason=_l("Job found elsewhere: %(employer)s",
                                                    employer=record.employer_name), by=by)
    add_event(worker, "employment_record", {"record_id": record.id,
                                            "employer": record.employer_name,
                                            "place": record.place_code or ""}, by=by)
    audit("employment_record_create", record, user=by, detail={"source": source})
    return record


def end_record(record: EmploymentRecord, end_month: date, reason: str | LazyString = "", *,
               by: User | None, seeking: bool = True) -> EmploymentRecord:
    """End a job with its last month worked; with ``seeking`` the worker seeks work again
    (unless Qianlu placed them meanwhile) (flushes). A ``reason`` the product wrote (a lazy
    string) reads in each reader's language in the worker's status history."""
    if record.end_month is not None:
        raise ConflictError(_("This job has already ended."), code="record_ended")
    end_month = month_of(end_month)
    if end_month < record.start_month:
        raise DomainError(_("The job cannot end before it started."), field="end_month")
    if end_month > month_of(clock.today()):
        raise DomainError(_("The end month cannot be in the future."), field="end_month")
    record.end_month, record.end_reason = end_month, str(reason)[:256]
    db.session.flush()
    worker = record.worker
    if seeking and worker.status == "employed" and active_placement(worker.id) is None:
        set_worker_status(worker, "seeking", reason=reason or _l("Job ended"), by=by)
    add_event(worker, "employment_record_end", {"record_id": record.id,
                                                "employer": record.employer_name,
                                                "end_month": end_month.isoformat()}, by=by)
    audit("employment_record_end", record, user=by, detail={"end_month": end_month.isoformat()})
    return record
