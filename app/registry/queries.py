"""Finding workers and households: search, filters, zero-employment, headline figures.

Every condition here is index-friendly on 200,000 workers: prefix ranges on the pinyin,
initials and reversed ID/phone columns, the area code as a range, status by equality, and
the zero-employment test as EXISTS on (household_id, status).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.auth.scoping import area_bounds, scope_condition, visible
from app.extensions import db
from app.sql import count_up_to, paginate_rows, show_capped

from .models import Household, RelocationSite, Worker, WorkerStatus
from .validation import clean_text, name_keys, prefix_bounds

_DIGITS_RE = re.compile(r"^\d{1,17}[\dX]?$")
_LATIN_RE = re.compile(r"^[a-z0-9]+$")


def active_worker() -> sa.ColumnElement[bool]:
    """Workers still on the register (not merged into another record)."""
    return Worker.merged_into_id.is_(None)


# The household members the EXISTS probes below read. Made once: an alias of the 27-column
# worker table builds a proxy per column (~1.5 ms each time), and every probe is a
# subquery of its own, so one alias serves them all. Made at first use: aliasing configures
# every mapper, which needs every feature's models loaded (importing this module must not).
@cache
def _member() -> Any:
    return aliased(Worker)


def employed_member_exists(household_id: Any) -> sa.Exists:
    """EXISTS: the household has a member in work."""
    w = _member()
    return sa.exists().where(w.household_id == household_id,
                             w.status == WorkerStatus.employed.value,
                             w.merged_into_id.is_(None))


def any_member_exists(household_id: Any) -> sa.Exists:
    """EXISTS: the household has at least one worker on the register."""
    w = _member()
    return sa.exists().where(w.household_id == household_id, w.merged_into_id.is_(None))


def zero_employment(household_id: Any = None) -> sa.ColumnElement[bool]:
    """零就业家庭: the household has workers on the register and none of them is employed.

    Derived, never stored; ``household_id`` is the column holding the household's id
    (``Household.id`` by default). Correlated EXISTS / NOT EXISTS probes on the
    worker.household_id indexes: an anti-join on both databases. (NOT IN over a subquery
    is not: PostgreSQL re-scans the subquery per row once the id set outgrows work_mem,
    which stalled the dashboard at province scale.)
    """
    household_id = Household.id if household_id is None else household_id
    return sa.and_(any_member_exists(household_id), ~employed_member_exists(household_id))


def only_zero_employment_workers(stmt: sa.Select) -> sa.Select:
    """``stmt`` (over workers) narrowed to workers of a zero-employment household.

    An active worker is a member already, so only "nobody employed" is left to probe, and
    never for a worker who is employed. On PostgreSQL the probe is a LATERAL join with
    LIMIT 1: its planner takes NOT EXISTS for an anti-join, misjudges it as matching
    almost nothing, and hashes every employed worker, then sorts the whole area for the
    newest 50 (150–300 ms for a prefecture); the lateral probe walks the newest workers
    and stops at 50 (~1 ms). "No employed member" is asked as ``coalesce(found, 0) < 1``,
    not ``found IS NULL``: PostgreSQL guesses 0.5 % of the rows for IS NULL on a lateral
    column (so it expected ~30 of a county's workers, read and sorted all of them: 15–30 ms)
    and a third for an inequality (about half qualify: it walks the newest and stops, ~1 ms).
    SQLite probes NOT EXISTS per row anyway."""
    stmt = stmt.where(Worker.household_id.is_not(None),
                      Worker.status != WorkerStatus.employed.value)
    if db.session.get_bind().dialect.name != "postgresql":
        return stmt.where(~employed_member_exists(Worker.household_id))
    w = _member()
    employed = (sa.select(sa.literal(1).label("found"))
                .where(w.household_id == Worker.household_id,
                       w.status == WorkerStatus.employed.value, w.merged_into_id.is_(None))
                .limit(1).lateral("employed_member"))
    return stmt.outerjoin(employed, sa.true()).where(sa.func.coalesce(employed.c.found, 0) < 1)


def search_condition(query: str) -> sa.ColumnElement[bool] | None:
    """Name, pinyin (zhangsan), initials (zs), ID-number or phone tail, as indexed ranges."""
    q = clean_text(query).replace(" ", "")
    if not q:
        return None
    upper = q.upper()
    if _DIGITS_RE.match(upper):
        if len(upper) == 18:
            return Worker.id_number == upper
        tail = upper[::-1]
        id_low, id_high = prefix_bounds(tail, 18)
        conditions: list[sa.ColumnElement[bool]] = [
            Worker.id_number_rev.between(id_low, id_high)]
        if upper.isdigit() and len(upper) <= 11:
            ph_low, ph_high = prefix_bounds(tail, 20)
            conditions.append(Worker.phone_rev.between(ph_low, ph_high))
        return sa.or_(*conditions)
    lower = q.lower()
    if _LATIN_RE.match(lower):
        py_low, py_high = prefix_bounds(lower, 128)
        in_low, in_high = prefix_bounds(lower, 32)
        return sa.or_(Worker.name_pinyin.between(py_low, py_high),
                      Worker.name_initials.between(in_low, in_high))
    # Chinese: the name starts with what was typed, or sounds exactly like it (张叁 → 张三).
    conditions = [sa.and_(Worker.name >= q, Worker.name < q + "\U0010ffff")]
    pinyin, _initials = name_keys(q)
    if pinyin:
        conditions.append(Worker.name_pinyin == pinyin)
    return sa.or_(*conditions)


@dataclass
class WorkerFilters:
    """What the worker list is narrowed by (all optional)."""

    q: str = ""
    area: str = ""  # a county (or prefecture) code inside the user's area
    site: int | None = None
    household: int | None = None
    category: str = ""
    status: str = ""
    monitored: bool = False
    zero: bool = False

    @classmethod
    def from_args(cls, args: Any) -> WorkerFilters:
        """Read the filters from request.args (bad values are ignored)."""
        def as_int(name: str) -> int | None:
            value = args.get(name, "")
            return int(value) if str(value).isdigit() else None

        return cls(q=args.get("q", "")[:64], area=args.get("area", "")[:6],
                   site=as_int("site"), household=as_int("household"),
                   category=args.get("category", ""), status=args.get("status", ""),
                   monitored=args.get("monitored") in ("1", "y", "on"),
                   zero=args.get("zero") in ("1", "y", "on"))

    def as_args(self) -> dict[str, Any]:
        """The non-empty filters, for links (export, pagination)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in ("", None, False):
                out[f.name] = 1 if value is True else value
        return out


def scoped(stmt: sa.Select, model: Any, user: User) -> sa.Select:
    """``visible()`` for large lists: the same scope condition, on SQLite marked likely().

    SQLite's planner has no value histograms, so it takes the area-code range of a province
    or prefecture officer (nearly every row) for a selective index, then sorts or filters
    200,000 rows. Marked likely(), the range is used as a filter only and the planner picks
    the pinyin, ID-tail or status index, or walks the primary key for "newest first"
    (worker list on 200,000 rows: 240 ms → 5 ms). PostgreSQL estimates it properly.
    """
    condition = scope_condition(model, user)
    if db.session.get_bind().dialect.name == "sqlite":
        condition = sa.func.likely(condition)
    return stmt.where(condition)


def worker_select(user: User, filters: WorkerFilters, *, hint: bool = True) -> sa.Select:
    """Workers the user may see, narrowed by the filters, newest first (``hint``: see
    ``scoped``; counts without a search are cheapest on the covering area index)."""
    base = sa.select(Worker)
    stmt = scoped(base, Worker, user) if hint else visible(base, Worker, user)
    stmt = stmt.where(active_worker())
    search = search_condition(filters.q)
    if search is not None:
        stmt = stmt.where(search)
    if filters.area and filters.area.isdigit():
        level = "county" if not filters.area.endswith("00") else "prefecture"
        low, high = area_bounds(filters.area, level)
        stmt = stmt.where(Worker.area_code.between(low, high))
    if filters.household:
        stmt = stmt.where(Worker.household_id == filters.household)
    if filters.site:
        stmt = stmt.where(Worker.household_id.in_(
            sa.select(Household.id).where(Household.site_id == filters.site)))
    if filters.category:
        stmt = stmt.where(Worker.category == filters.category)
    if filters.status:
        stmt = stmt.where(Worker.status == filters.status)
    if filters.monitored:
        stmt = stmt.where(Worker.household_id.in_(
            sa.select(Household.id).where(Household.monitored.is_(True))))
    if filters.zero:
        stmt = only_zero_employment_workers(stmt)
    return stmt.order_by(Worker.id.desc())


LIST_COUNT_CAP = 10_000  # the worker list counts this many, then says "more than"


# What a row of the worker list shows (the list reads these, never whole workers).
LIST_COLUMNS = (Worker.id, Worker.name, Worker.id_number, Worker.phone, Worker.area_code,
                Worker.category, Worker.status, Worker.household_id)


def list_workers(user: User, filters: WorkerFilters, page: int = 1, per_page: int = 50) -> Any:
    """One page of workers as rows of ``LIST_COLUMNS`` plus ``household_number`` and
    ``site_name``, in one query (no ORM objects: a row is a named tuple)."""
    def page_of(limit: int, offset: int) -> sa.Select:
        # The page is chosen first (the same plan as the full rows had), then joined to its
        # household and site: joining inside would also correlate the filters' household
        # subqueries with the outer household.
        rows = worker_select(user, filters).with_only_columns(*LIST_COLUMNS).limit(
            limit).offset(offset).subquery()
        return (sa.select(rows, Household.number.label("household_number"),
                          RelocationSite.name.label("site_name"))
                .outerjoin(Household, Household.id == rows.c.household_id)
                .outerjoin(RelocationSite, RelocationSite.id == Household.site_id)
                .order_by(rows.c.id.desc()))

    listing = paginate_rows(page_of, page=page, per_page=per_page)
    # Counting by area and status alone is cheapest on the covering area index; any other
    # filter needs the rows anyway, and then the planner hint pays off (see ``scoped``).
    needs_rows = bool(filters.q or filters.zero or filters.monitored or filters.site
                      or filters.household or filters.category)
    counted = worker_select(user, filters, hint=needs_rows).order_by(None)
    # Counted up to a cap: a prefecture or the province holds hundreds of thousands of
    # workers, and nobody pages through thousands of pages (they narrow the search).
    return show_capped(listing, count_up_to(counted, Worker.id, LIST_COUNT_CAP),
                       LIST_COUNT_CAP)


@dataclass
class HouseholdFilters:
    """What the household list is narrowed by."""

    q: str = ""
    site: int | None = None
    monitored: bool = False
    zero: bool = False

    @classmethod
    def from_args(cls, args: Any) -> HouseholdFilters:
        """Read the filters from request.args."""
        site = args.get("site", "")
        return cls(q=args.get("q", "")[:64], site=int(site) if site.isdigit() else None,
                   monitored=args.get("monitored") in ("1", "y", "on"),
                   zero=args.get("zero") in ("1", "y", "on"))


def household_select(user: User, filters: HouseholdFilters) -> sa.Select:
    """Households the user may see, narrowed by the filters."""
    stmt = scoped(sa.select(Household), Household, user)
    q = clean_text(filters.q)
    if q:
        low, high = q, q + "\U0010ffff"
        stmt = stmt.where(sa.or_(Household.number.between(low, high),
                                 sa.and_(Household.head_name >= q, Household.head_name < high)))
    if filters.site:
        stmt = stmt.where(Household.site_id == filters.site)
    if filters.monitored:
        stmt = stmt.where(Household.monitored.is_(True))
    if filters.zero:
        stmt = stmt.where(zero_employment())
    return stmt.order_by(Household.id.desc())


def status_counts(user: User, extra: sa.ColumnElement[bool] | None = None) -> dict[str, int]:
    """Workers per status within the user's scope (and an optional extra condition),
    counted now (the dashboard's figures are a snapshot: app.registry.figures)."""
    stmt = visible(sa.select(Worker.status, sa.func.count()), Worker, user).where(
        active_worker())
    if extra is not None:
        stmt = stmt.where(extra)
    counts = {s.value: 0 for s in WorkerStatus}
    counts.update(db.session.execute(stmt.group_by(Worker.status)).tuples().all())
    return counts


def household_counts(user: User, extra: sa.ColumnElement[bool] | None = None
                     ) -> dict[str, int]:
    """Households, monitored households and zero-employment households in scope, counted
    now."""
    base = visible(sa.select(sa.func.count()).select_from(Household), Household, user)
    if extra is not None:
        base = base.where(extra)
    return {
        "households": db.session.scalar(base) or 0,
        "monitored": db.session.scalar(base.where(Household.monitored.is_(True))) or 0,
        "zero": db.session.scalar(base.where(zero_employment())) or 0,
    }


def member_statuses(household_ids: list[int]) -> dict[int, dict[str, int]]:
    """{household id: {status: workers}} for a page of households, in one query."""
    if not household_ids:
        return {}
    rows = db.session.execute(
        sa.select(Worker.household_id, Worker.status, sa.func.count())
        .where(Worker.household_id.in_(household_ids), active_worker())
        .group_by(Worker.household_id, Worker.status))
    out: dict[int, dict[str, int]] = {}
    for household_id, status, count in rows:
        out.setdefault(household_id, {})[status] = count
    return out


def site_select(user: User) -> sa.Select:
    """Relocation sites the user may see, by county and name."""
    return visible(sa.select(RelocationSite), RelocationSite, user).order_by(
        RelocationSite.county_code, RelocationSite.name)
