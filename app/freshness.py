"""What this process — and, for shared tables, any process — has written, and caches
that respect it.

Some figures are expensive at province scale and asked for on every page (the matching
index of open openings, the job board's results). They are cached per process, and a
cached value is used only while (a) this process has not written any of the tables it
depends on since it was computed — tracked here through the session events for ORM
flushes and bulk statements alike —, (b) for a cache over *shared* tables, no other
process has committed a write to them either, and (c) it is younger than its
``max_age``, which bounds how long a change made outside the sessions (raw SQL) takes to
show.

Shared tables are those written rarely and read on every page (openings, employers,
areas). A transaction that wrote one adds 1 to the table's row in ``data_version`` as its
last statement before COMMIT, so the new number becomes visible together with the change
(never before it), and the row is locked only for the commit itself. A cache reads the
numbers once per request (one primary-key query) before it computes anything.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from app.extensions import db

T = TypeVar("T")
_writes: Counter[str] = Counter()
# Tables whose committed writes every process is told of (see ``shared_version``).
SHARED: set[str] = set()


class DataVersion(db.Model):
    """How many committed transactions have written a shared table (any process)."""

    __tablename__ = "data_version"
    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


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


@sa.event.listens_for(Session, "before_commit")
def _bump_shared(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the enclosing transaction's commit counts
    session.flush()  # the last changes are recorded by the flush watch
    written = sorted(SHARED & session.info.get("qianlu_written", set()))
    if not written:
        return
    table = DataVersion.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for name in written:  # one order for every process: no deadlock between bumpers
        stmt = insert(table).values(name=name, version=1)
        session.execute(stmt.on_conflict_do_update(
            index_elements=[table.c.name], set_={"version": table.c.version + 1}))
    if has_app_context():
        g.pop("_qianlu_versions", None)


_VERSIONS = sa.text("SELECT name, version FROM data_version")


def per_request(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per request (kept on ``g`` as ``_qianlu_<name>``); outside a
    request, at every call."""
    if not has_request_context():
        return compute()
    key = f"_qianlu_{name}"
    if key not in g:
        setattr(g, key, compute())
    return getattr(g, key)


def shared_version(tables: Iterable[str]) -> int:
    """The committed-write count of shared ``tables`` (any process); it only grows. The
    few rows of ``data_version`` are read once per request."""
    if not has_app_context():
        return 0
    versions = per_request("versions", lambda: dict(db.session.execute(_VERSIONS).all()))
    return sum(versions.get(t, 0) for t in tables)


def max_age(setting: str, default: float) -> Callable[[], float]:
    """A ``max_age`` for ``RecentCache`` (or any per-process cache) read from a setting at
    each use, so settings and tests can change it; outside an app, nothing is reused."""
    def seconds() -> float:
        if has_app_context():
            return float(current_app.config.get(setting, default))
        return 0.0

    return seconds


figures_max_age = max_age("FIGURES_CACHE_SECONDS", 300)


def writes(tables: Iterable[str]) -> int:
    """How many times this process has written any of ``tables`` (a change counter)."""
    return sum(_writes[t] for t in tables)


class RecentCache(Generic[T]):
    """Values computed from ``tables``, reused while unchanged here (``shared``: and
    everywhere) and younger than ``max_age()`` seconds (a callable, so tests and settings
    can change it).

    One thread computes a missing value while the others asking for the same key wait for
    it (a slow figure is not computed by every thread at once). ``serve_stale``: once a
    value exists, a value that is only too old is still served to the others while one
    thread recomputes it (nobody waits for a refresh)."""

    def __init__(self, tables: Iterable[str], max_age: Callable[[], float],
                 max_entries: int = 1024, *, shared: bool = False,
                 serve_stale: bool = False) -> None:
        self.tables = frozenset(tables)
        self.shared = shared
        if shared:
            SHARED.update(self.tables)
        self.max_age = max_age
        self.max_entries = max_entries
        self.serve_stale = serve_stale
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[T, tuple[int, int], float]] = {}
        self._computing: dict[Hashable, threading.RLock] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key`` (in the current database), or ``compute()`` stored
        under it."""
        if has_app_context():
            key = (db.engine, key)  # one app's database is not another's
        seen = (writes(self.tables), shared_version(self.tables) if self.shared else 0)
        with self._lock:
            hit = self._entries.get(key)
            flight = self._computing.setdefault(key, threading.RLock())
        if hit is not None and hit[1] == seen and time.monotonic() - hit[2] < self.max_age():
            return hit[0]
        if self.serve_stale and hit is not None and hit[1] == seen:
            if not flight.acquire(blocking=False):
                return hit[0]  # another thread is refreshing it
        else:
            flight.acquire()
        try:
            with self._lock:
                hit = self._entries.get(key)
            if hit is not None and hit[1] == seen and \
                    time.monotonic() - hit[2] < self.max_age():
                return hit[0]  # computed by the thread we waited for
            now = time.monotonic()
            value = compute()
            with self._lock:
                if len(self._entries) >= self.max_entries and key not in self._entries:
                    oldest = next(iter(self._entries))
                    self._entries.pop(oldest)
                    self._computing.pop(oldest, None)
                self._entries[key] = (value, seen, now)
            return value
        finally:
            flight.release()

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()
