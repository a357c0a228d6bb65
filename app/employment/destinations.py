"""Where our people work (一张图): workers of an area working outside Guizhou, by
destination province and city, sector and employer, with check-in coverage, the change
since last month and the open layoff alerts. Qianlu's placements and self-found jobs are
counted apart and together."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask_babel import get_locale

from app.areas.service import area_names
from app.auth.models import Role, User
from app.auth.scoping import visible
from app.employers.models import INDUSTRIES, Employer, Job
from app.extensions import db
from app.placements.models import Placement

from .checkins import month_counts
from .models import EmploymentRecord, LayoffAffected, LayoffAlert
from .records import GUIZHOU, add_months

# The province outlines of the map (built by tools/china_map.py from Natural Earth's public
# domain boundaries: a schematic for an internal chart, not a standard map; see the README).
MAP_FILE = Path(__file__).parent / "data" / "china_provinces.json"


@dataclass
class Row:
    """One line of a breakdown: placed by Qianlu, found elsewhere, and both."""

    key: str
    label: str
    qianlu: int = 0
    self_found: int = 0

    @property
    def total(self) -> int:
        """Both kinds together."""
        return self.qianlu + self.self_found


@dataclass
class Destinations:
    """Everything the page shows."""

    month: date
    qianlu: int = 0
    self_found: int = 0
    provinces: list[Row] = field(default_factory=list)
    cities: list[Row] = field(default_factory=list)
    sectors: list[Row] = field(default_factory=list)
    employers: list[Row] = field(default_factory=list)
    checkins: dict[str, int] = field(default_factory=dict)
    last_month_total: int = 0
    started_this_month: int = 0
    ended_this_month: int = 0
    alerts: list[LayoffAlert] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Workers outside the province now."""
        return self.qianlu + self.self_found

    @property
    def coverage(self) -> float | None:
        """Share of this month's check-ins answered."""
        sent = sum(self.checkins.values())
        return self.checkins.get("answered", 0) / sent if sent else None


def _records(user: User, *, now: bool = True, at_month: date | None = None) -> sa.Select:
    """Self-found jobs outside Guizhou (open now, or held at the end of ``at_month``)."""
    where = [EmploymentRecord.province_code.is_not(None),
             EmploymentRecord.province_code != GUIZHOU]
    if at_month is None:
        where.append(EmploymentRecord.end_month.is_(None))
    else:
        where += [EmploymentRecord.start_month <= at_month,
                  sa.or_(EmploymentRecord.end_month.is_(None),
                         EmploymentRecord.end_month >= at_month)]
    return visible(sa.select(
        EmploymentRecord.worker_id.label("worker_id"),
        EmploymentRecord.province_code.label("province"),
        EmploymentRecord.city_code.label("city"), EmploymentRecord.sector.label("sector"),
        sa.func.coalesce(sa.cast(EmploymentRecord.employer_id, sa.String),
                         EmploymentRecord.employer_name).label("employer_key"),
        EmploymentRecord.employer_name.label("employer_name"),
        sa.literal("self").label("source"), EmploymentRecord.id.label("job_id"),
    ).where(*where), EmploymentRecord, user)


def _placements(user: User, at_month: date | None = None) -> sa.Select:
    """Qianlu's placements outside Guizhou (active now, or at the end of ``at_month``)."""
    province = sa.func.coalesce(Job.province_code, Employer.province_code)
    where = [province.is_not(None), province != GUIZHOU]
    if at_month is None:
        where.append(Placement.status == "active")
    else:
        end = add_months(at_month, 1)
        where += [Placement.start_date < end,
                  sa.or_(Placement.end_date.is_(None), Placement.end_date >= end)]
    return visible(sa.select(
        Placement.worker_id.label("worker_id"), province.label("province"),
        sa.func.coalesce(Job.city_code, Employer.city_code).label("city"),
        sa.func.coalesce(Employer.industry, "").label("sector"),
        sa.func.coalesce(sa.cast(Placement.employer_id, sa.String),
                         Placement.employer_name).label("employer_key"),
        sa.func.coalesce(Employer.name, Placement.employer_name).label("employer_name"),
        sa.literal("qianlu").label("source"), Placement.id.label("job_id"),
    ).select_from(Placement).outerjoin(Job, Job.id == Placement.job_id)
        .outerjoin(Employer, Employer.id == Placement.employer_id).where(*where),
        Placement, user)


def _breakdown(jobs: sa.Subquery, column: str, names: dict[str, str],
               limit: int | None = None) -> list[Row]:
    rows: dict[str, Row] = {}
    label_col = jobs.c.employer_name if column == "employer_key" else jobs.c[column]
    stmt = sa.select(jobs.c[column], sa.func.max(label_col), jobs.c.source,
                     sa.func.count()).group_by(jobs.c[column], jobs.c.source)
    for key, label, source, n in db.session.execute(stmt):
        key = key or ""
        row = rows.setdefault(key, Row(key, names.get(key, label or key or "—")))
        if source == "qianlu":
            row.qianlu += int(n)
        else:
            row.self_found += int(n)
    ordered = sorted(rows.values(), key=lambda r: (-r.total, r.key))
    return ordered[:limit] if limit else ordered


def place_names() -> dict[str, str]:
    """{area code: name} in the page's language (English names on an English page)."""


    locale = get_locale()
    english = locale is not None and locale.language == "en"
    return {code: (en if english and en else zh) for code, (zh, en) in area_names().items()}


def _count_missing(these: sa.Subquery, others: sa.Subquery) -> int:
    """Jobs (placements or records, by id) in ``these`` and not in ``others``."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(these).where(
        ~sa.exists().where(others.c.source == these.c.source,
                           others.c.job_id == these.c.job_id))) or 0


def destinations(user: User, today: date) -> Destinations:
    """The figures of the destinations page for the user's area."""
    month = today.replace(day=1)
    last = add_months(month, -1)
    names = place_names()
    jobs = sa.union_all(_records(user), _placements(user)).subquery()
    out = Destinations(month=month)
    for source, n in db.session.execute(
            sa.select(jobs.c.source, sa.func.count()).group_by(jobs.c.source)):
        if source == "qianlu":
            out.qianlu = int(n)
        else:
            out.self_found = int(n)
    out.provinces = _breakdown(jobs, "province", names)
    out.cities = _breakdown(jobs, "city", names, limit=20)
    out.sectors = _breakdown(jobs, "sector", {k: str(v) for k, v in INDUSTRIES.items()})
    out.employers = _breakdown(jobs, "employer_key", {}, limit=10)
    out.checkins = month_counts(user, month)
    before = sa.union_all(_records(user, at_month=last),
                          _placements(user, at_month=last)).subquery()
    out.last_month_total = db.session.scalar(sa.select(sa.func.count()).select_from(before)) or 0
    # what changed: jobs held now and not at the end of last month, and the other way
    # round (so that the change shown equals new jobs less ended ones)
    out.started_this_month = _count_missing(jobs, before)
    out.ended_this_month = _count_missing(before, jobs)
    out.alerts = open_alerts(user)
    return out


def open_alerts(user: User) -> list[LayoffAlert]:
    """Open alerts naming workers of the user's area (a partner: its employers')."""
    stmt = visible(sa.select(LayoffAlert).where(LayoffAlert.status == "open"),
                   LayoffAlert, user)
    if user.role not in (Role.admin.value, Role.partner.value):
        stmt = stmt.where(sa.exists(visible(sa.select(LayoffAffected.id).where(
            LayoffAffected.alert_id == LayoffAlert.id), LayoffAffected, user)))
    return list(db.session.scalars(stmt.order_by(LayoffAlert.date.desc(), LayoffAlert.id)))


@cache
def _outlines() -> dict:
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def province_map(provinces: list[Row], names: dict[str, str]) -> dict:
    """The choropleth: each province's outline, name, count and shade (0–4, by the count's
    share of the largest), and where its count is written."""
    counts: dict[str, int] = defaultdict(int)
    for item in provinces:
        if item.key:
            counts[item.key[:2] + "0000"] += item.total
    top = max(counts.values(), default=0)
    outlines = _outlines()
    shapes = []
    for shape in outlines["provinces"]:
        code, n = shape["code"], counts.get(shape["code"], 0)
        shade = 0 if n == 0 or top == 0 else 1 + min(3, int(4 * n / (top + 1)))
        shapes.append({"code": code, "d": shape["d"], "label": shape["label"], "n": n,
                       "shade": shade, "name": names.get(code, code), "home": code == GUIZHOU})
    shapes.sort(key=lambda s: s["home"])  # Guizhou's outline drawn last, on top
    return {"width": outlines["width"], "height": outlines["height"], "provinces": shapes}
