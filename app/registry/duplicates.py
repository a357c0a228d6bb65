"""Likely duplicates: flag pairs of workers who look like one person; merge or dismiss.

Same ID number is refused outright (see service.DuplicateIdNumber). Flagged for review:
the same name and birth date (different ID numbers: one is probably mistyped), or the same
household and names with the same pinyin (张三 / 张叁).
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import QueryableAttribute, aliased

from app.auth.audit import audit
from app.auth.models import User
from app.auth.scoping import common_area_code, scope_condition
from app.clock import utcnow
from app.errors_domain import ConflictError
from app.extensions import db

from .models import DuplicateFlag, Worker

REASONS = ("same_name_birth", "household_pinyin")
CHUNK = 2000
RUN = 64  # consecutive ids from this many on are one range
MAX_RANGES = 200  # ranges per statement
GROWN = 0.25  # statistics are refreshed when the changed rows exceed this share


def _id_runs(ids: list[int]) -> list[tuple[int, int]]:
    """Sorted distinct ids as runs of consecutive ids: [(first, last), ...]."""
    runs: list[tuple[int, int]] = []
    for i in ids:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _id_batches(column: QueryableAttribute[int], ids: list[int]) -> list[sa.ColumnElement[bool]]:
    """Conditions on ``column`` that together select exactly ``ids`` (sorted, distinct),
    each a statement's worth: a run of consecutive ids is one range (an import's new
    workers are one or a few runs: one statement joins them all, by a hash join), the
    ids of short runs go in IN lists of at most CHUNK."""
    conditions: list[sa.ColumnElement[bool]] = []
    ranges: list[tuple[int, int]] = []
    singles: list[int] = []
    for low, high in _id_runs(ids):
        if high - low >= RUN:
            ranges.append((low, high))
        else:
            singles.extend(range(low, high + 1))
    for start in range(0, len(ranges), MAX_RANGES):
        conditions.append(sa.or_(*(column.between(low, high)
                                   for low, high in ranges[start:start + MAX_RANGES])))
    for start in range(0, len(singles), CHUNK):
        conditions.append(column.in_(singles[start:start + CHUNK]))
    return conditions


def _pairs(new_ids: list[int]) -> set[tuple[int, int, str]]:
    """Pairs (low id, high id, reason) of a worker in ``new_ids`` with any other worker
    (new or already registered) who is not merged away."""
    a, b = aliased(Worker), aliased(Worker)
    found: set[tuple[int, int, str]] = set()
    for ids in _id_batches(a.id, new_ids):
        by_birth = sa.select(a.id, b.id).join(
            b, sa.and_(b.name == a.name, b.birth_date == a.birth_date, b.id != a.id,
                       b.merged_into_id.is_(None))
        ).where(ids, a.merged_into_id.is_(None))
        by_household = sa.select(a.id, b.id).join(
            b, sa.and_(b.household_id == a.household_id, b.name_pinyin == a.name_pinyin,
                       b.id != a.id, b.merged_into_id.is_(None))
        ).where(ids, a.household_id.is_not(None), a.merged_into_id.is_(None))
        for reason, stmt in (("same_name_birth", by_birth), ("household_pinyin", by_household)):
            for x, y in db.session.execute(stmt):
                found.add((min(x, y), max(x, y), reason))
    return found


def _fresh_statistics(changed: int) -> None:
    """Refresh the planner's statistics of the columns the pairs are joined by, when the
    table grew a lot since they were taken: otherwise, after a large import in this
    transaction, the planner still believes the table as small as it was and joins by
    nested sequential scans (minutes for 100,000 rows)."""
    known = db.session.scalar(sa.text("SELECT reltuples FROM pg_class WHERE oid = "
                                      "'worker'::regclass"))
    if known is None or known <= 0 or changed > known * GROWN:
        db.session.execute(sa.text("ANALYZE worker (id, name, birth_date, household_id, "
                                   "name_pinyin, merged_into_id)"))


def flag_likely_duplicates(worker_ids: Iterable[int]) -> int:
    """Flag new likely-duplicate pairs involving these workers; returns how many (flushes)."""
    ids = sorted(set(worker_ids))
    if not ids:
        return 0
    if len(ids) > 1000 and db.session.get_bind().dialect.name == "postgresql":
        _fresh_statistics(len(ids))
    pairs = _pairs(ids)
    if not pairs:
        return 0
    # One flag per pair: the first reason found wins; pairs already flagged stay as they are.
    wanted: dict[tuple[int, int], str] = {}
    for x, y, reason in sorted(pairs, key=lambda p: REASONS.index(p[2])):
        wanted.setdefault((x, y), reason)
    existing: set[tuple[int, int]] = set()
    keys = list(wanted)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        lows = {x for x, _y in chunk}
        rows = db.session.execute(sa.select(DuplicateFlag.worker_a_id, DuplicateFlag.worker_b_id)
                                  .where(DuplicateFlag.worker_a_id.in_(lows)))
        existing.update((x, y) for x, y in rows)
    new = [(x, y, r) for (x, y), r in wanted.items() if (x, y) not in existing]
    if not new:
        return 0
    areas = dict(db.session.execute(sa.select(Worker.id, Worker.area_code).where(
        Worker.id.in_({w for x, y, _r in new for w in (x, y)}))).tuples().all())
    # A pair belongs to the smallest area holding both people: two counties' pair goes to
    # their prefecture, so no county officer is shown a person of another county.
    db.session.execute(sa.insert(DuplicateFlag), [
        {"worker_a_id": x, "worker_b_id": y, "reason": r,
         "area_code": common_area_code(areas[x], areas[y]),
         "status": "open", "created_at": utcnow()} for x, y, r in new])
    db.session.flush()
    return len(new)


def open_pairs_beyond(user: User) -> int:
    """Open pairs with one person in ``user``'s area and the other outside it: reviewed by
    an officer who may see both (the prefecture or the province), only counted here."""
    w = aliased(Worker)
    mine = sa.select(w.id).where(
        w.id.in_([DuplicateFlag.worker_a_id, DuplicateFlag.worker_b_id]),
        scope_condition(w, user)).exists()
    stmt = sa.select(sa.func.count()).select_from(DuplicateFlag).where(
        DuplicateFlag.status == "open", mine, ~scope_condition(DuplicateFlag, user))
    return db.session.scalar(stmt) or 0


def dismiss(flag: DuplicateFlag, by: User | None) -> None:
    """Not the same person: close the flag (flushes)."""
    check_open(flag)
    flag.status = "dismissed"
    flag.resolved_by_id = getattr(by, "id", None)
    flag.resolved_at = utcnow()
    db.session.flush()
    audit("duplicate_dismiss", flag, user=by)


def check_open(flag: DuplicateFlag) -> None:
    if flag.status != "open":
        raise ConflictError(_("This pair has already been reviewed."))
