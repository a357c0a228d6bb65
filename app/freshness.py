"""What this process has written, and short-lived caches that respect it.

Some figures are expensive at province scale and asked for on every page (the matching
index of open openings, the job board's totals). They are cached per process, and a cached
value is used only while (a) this process has not written any of the tables it depends on
since it was computed — tracked here through the session events for ORM flushes and bulk
statements alike — and (b) it is younger than its ``max_age``, which bounds how long a
change made by *another* process (or by raw SQL) takes to show.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import ORMExecuteState, Session

from app.extensions import db

T = TypeVar("T")
_writes: Counter[str] = Counter()


def _note(table: str | None) -> None:
    if table:
        _writes[table] += 1


def _written(session: Session, table: str | None) -> None:
    if table:
        _note(table)
        session.info.setdefault("qianlu_written", set()).add(table)


@sa.event.listens_for(Session, "after_flush")
def _watch_flush(session: Session, _context: object) -> None:
    # After a flush the session still lists what it flushed as new/dirty/deleted.
    for table in {getattr(type(obj), "__tablename__", None)
                  for obj in (*session.new, *session.dirty, *session.deleted)}:
        _written(session, table)


@sa.event.listens_for(Session, "do_orm_execute")
def _watch_statements(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _written(state.session, getattr(getattr(state.statement, "table", None), "name", None))


@sa.event.listens_for(Session, "after_transaction_end")
def _watch_transaction_end(session: Session, transaction: object) -> None:
    # A value computed inside a writing transaction may hold rows that were then rolled
    # back, or miss the commit's effect elsewhere: count the tables written once more.
    if getattr(transaction, "parent", None) is None:
        for table in session.info.pop("qianlu_written", ()):
            _note(table)


def max_age(setting: str, default: float) -> Callable[[], float]:
    """A ``max_age`` for ``RecentCache`` (or any per-process cache) read from a setting at
    each use, so settings and tests can change it; outside an app, nothing is reused."""
    def seconds() -> float:
        if has_app_context():
            return float(current_app.config.get(setting, default))
        return 0.0

    return seconds


figures_max_age = max_age("FIGURES_CACHE_SECONDS", 60)


def writes(tables: Iterable[str]) -> int:
    """How many times this process has written any of ``tables`` (a change counter)."""
    return sum(_writes[t] for t in tables)


class RecentCache(Generic[T]):
    """Values computed from ``tables``, reused while unchanged here and younger than
    ``max_age()`` seconds (a callable, so tests and settings can change it)."""

    def __init__(self, tables: Iterable[str], max_age: Callable[[], float],
                 max_entries: int = 1024) -> None:
        self.tables = frozenset(tables)
        self.max_age = max_age
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[T, int, float]] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key`` (in the current database), or ``compute()`` stored
        under it."""
        if has_app_context():
            key = (str(db.engine.url), key)
        seen = writes(self.tables)
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and hit[1] == seen and now - hit[2] < self.max_age():
            return hit[0]
        value = compute()
        with self._lock:
            if len(self._entries) >= self.max_entries and key not in self._entries:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (value, seen, now)
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()
