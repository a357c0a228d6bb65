"""The register's headline figures per county, counted for the whole province at once.

Workers per status, households, monitored and zero-employment households are asked for on
every dashboard, by officers of ~100 different areas. Counted per area, a prefecture's
zero-employment households alone take ~400 ms at province scale; counted once for every
county (two grouped statements, ~0.8 s for 1M workers) they serve every area by addition.
Each process keeps the counts for ``FIGURES_CACHE_SECONDS`` (300) and the dashboard says
when they were counted: they are a snapshot, not re-counted after every write.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app import clock
from app.auth.models import User
from app.auth.scoping import visible_codes
from app.extensions import db
from app.freshness import RecentCache, figures_max_age, per_request

from .models import Household, Worker, WorkerStatus

KEYS = (*(s.value for s in WorkerStatus), "households", "monitored", "zero")


@dataclass(frozen=True)
class Snapshot:
    """Counts per county code, and when they were taken (in the configured zone, aware)."""

    counties: dict[str, Counter]
    at: datetime


# No tables to watch: a snapshot is replaced when it is older than its max age only, and
# while one thread of the process counts afresh the others show the one they have.
_SNAPSHOT: RecentCache[Snapshot] = RecentCache((), figures_max_age, max_entries=8,
                                               serve_stale=True)


def _count() -> Snapshot:
    counties: dict[str, Counter] = {}
    active = Worker.merged_into_id.is_(None)
    for code, status, n in db.session.execute(
            sa.select(Worker.area_code, Worker.status, sa.func.count())
            .where(active).group_by(Worker.area_code, Worker.status)):
        counties.setdefault(code, Counter())[status] += n
    members = (sa.select(Worker.household_id).where(active, Worker.household_id.is_not(None))
               .distinct().subquery())
    employed = (sa.select(Worker.household_id)
                .where(active, Worker.status == WorkerStatus.employed.value)
                .distinct().subquery())
    one = sa.literal(1)
    stmt = (sa.select(
        Household.area_code, sa.func.count(),
        sa.func.coalesce(sa.func.sum(sa.case((Household.monitored.is_(True), one))), 0),
        sa.func.coalesce(sa.func.sum(sa.case(
            (sa.and_(members.c.household_id.is_not(None),
                     employed.c.household_id.is_(None)), one))), 0))
        .outerjoin(members, members.c.household_id == Household.id)
        .outerjoin(employed, employed.c.household_id == Household.id)
        .group_by(Household.area_code))
    for code, households, monitored, zero in db.session.execute(stmt):
        counts = counties.setdefault(code, Counter())
        counts.update(households=households, monitored=monitored, zero=zero)
    return Snapshot(counties, clock.now())


def snapshot() -> Snapshot:
    """The counts of every county, at most ``FIGURES_CACHE_SECONDS`` old (and one and the
    same for every panel of a page)."""
    return per_request("register_snapshot", lambda: _SNAPSHOT.get("register", _count))


def area_figures(user: User) -> tuple[dict[str, int], datetime]:
    """Workers per status, households, monitored and zero-employment households within
    the user's scope, and when they were counted."""
    snap = snapshot()
    total: Counter = Counter({key: 0 for key in KEYS})
    codes = visible_codes(user)
    if codes is not None:
        low, high = codes
        for code, counts in snap.counties.items():
            if code and low <= code <= high:
                total.update(counts)
    return dict(total), snap.at
