"""What this process — and any process — has written, and the one cache class that
respects it.

Some figures are expensive at province scale and asked for on every page (the matching
index of open openings, the job board's results, the signed-in account). They are kept
per process in a :class:`Cache`, which declares once, where it is defined, the models (or
columns) its values are computed from::

    _COUNTS: Cache[int] = Cache(depends_on=(Job, Employer), max_age="BOARD_CACHE_SECONDS")

A cached value is used only while (a) no transaction of this process has written what the
cache depends on since it was computed — tracked here through the session events for ORM
flushes and bulk statements alike —, (b) no other process has committed such a write
either, and (c) it is younger than its ``max_age``, which bounds how long a change made
outside the sessions (raw SQL) takes to show.

Other processes learn of a commit through ``data_version``: a transaction that wrote a
table some cache depends on adds 1 to the table's row as its last statement before
COMMIT, so the new number becomes visible together with the change (never before it), and
the row is locked only for the commit itself. A cache reads the numbers once per request
(one primary-key query) before it computes anything. Depend only on tables written rarely
(openings, employers, areas, accounts): every commit that writes one also writes its row.
A dependency on columns (``User.password_hash``) counts only writes that change one of
them: a login time or a language switch does not throw away every cached account.

The set of watched tables is the union of every cache's declaration; every process builds
the whole app (``create_app`` imports every feature, and with it every cache), so every
process announces the commits every other one watches.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import (
    InstrumentedAttribute,
    Mapped,
    Mapper,
    ORMExecuteState,
    Session,
    class_mapper,
    mapped_column,
)
from sqlalchemy.orm.attributes import instance_state

from app.extensions import Model, db

T = TypeVar("T")
# What a cache may depend on: a model class (any change to its rows) or one of its
# columns (``User.role``: only a change to that column).
Dependency = type | InstrumentedAttribute[Any]

_writes: Counter[str] = Counter()
# Table name -> the columns whose change counts (None: any change); the union of every
# cache's ``depends_on`` (see the module's docstring).
_watched: dict[str, frozenset[str] | None] = {}


class DataVersion(Model):
    """How many committed transactions have written a watched table (any process)."""

    __tablename__ = "data_version"
    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


def columns(model: type, *, but: Iterable[str] = ()) -> tuple[InstrumentedAttribute[Any], ...]:
    """Every column attribute of ``model`` except ``but``: to depend on a table while
    ignoring its volatile columns (a login time). Read from the table, so that declaring a
    cache does not configure the mappers before every model is imported."""
    skip = set(but)
    mapper: Mapper[Any] = class_mapper(model, configure=False)
    return tuple(getattr(model, c.key) for c in _table(mapper).c if c.key not in skip)


def _table(mapper: Mapper[Any]) -> sa.Table:
    table = mapper.local_table
    if not isinstance(table, sa.Table):
        raise TypeError(f"{mapper.class_.__name__}: a cache depends on models mapped to tables")
    return table


def _watch(depends_on: Iterable[Dependency]) -> frozenset[str]:
    """Add the dependencies to the watched tables; the names of their tables."""
    tables: set[str] = set()
    for dep in depends_on:
        if isinstance(dep, InstrumentedAttribute):
            name = _table(dep.parent.mapper).name
            known = _watched.get(name, frozenset())
            if known is not None:
                _watched[name] = known | {dep.key}
        else:
            name = _table(class_mapper(dep, configure=False)).name
            _watched[name] = None
        tables.add(name)
    return frozenset(tables)


def _note(table: str | None) -> None:
    if table:
        _writes[table] += 1


def _written(session: Session, table: str | None) -> None:
    if table:
        _note(table)
        session.info.setdefault("qianlu_written", set()).add(table)


def record_write(session: Session, table: str) -> None:
    """Count a write to ``table`` that went past the ORM (a driver-level bulk insert) as
    the session's ORM statements are counted."""
    _written(session, table)


def _changes_count(obj: object, table: str | None) -> bool:
    """Whether an updated row's changes count for the caches watching its table: any
    change, unless they watch only some columns and none of those changed."""
    watched = _watched.get(table) if table else None
    if watched is None:
        return True
    attrs = instance_state(obj).attrs
    return any(attrs[key].history.has_changes() for key in watched)


@sa.event.listens_for(Session, "after_flush")
def _watch_flush(session: Session, _context: object) -> None:
    # After a flush the session still lists what it flushed as new/dirty/deleted, with
    # each attribute's history.
    tables = {getattr(type(obj), "__tablename__", None)
              for obj in (*session.new, *session.deleted)}
    for obj in session.dirty:
        table = getattr(type(obj), "__tablename__", None)
        if table not in tables and _changes_count(obj, table):
            tables.add(table)
    for table in tables:
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
def _bump_versions(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the enclosing transaction's commit counts
    session.flush()  # the last changes are recorded by the flush watch
    written = sorted(_watched.keys() & session.info.get("qianlu_written", set()))
    if not written:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for name in written:  # one order for every process: no deadlock between bumpers
        stmt = insert(DataVersion).values(name=name, version=1)
        session.execute(stmt.on_conflict_do_update(
            index_elements=[DataVersion.name], set_={"version": DataVersion.version + 1}))
    if has_app_context():
        g.pop("_qianlu_versions", None)


_VERSIONS = "SELECT name, version FROM data_version"


def _read_versions() -> dict[str, int]:
    """The rows of ``data_version``, read on the session's connection (its transaction)
    with the driver's own cursor: every request reads them, and SQLAlchemy's statement
    machinery cost more than the statement (~0.15 ms of a 2.5 ms page)."""
    dbapi = db.session.connection().connection.dbapi_connection
    if dbapi is None:  # a checked-out connection always has one
        raise RuntimeError("no database connection")
    cursor = dbapi.cursor()
    try:
        cursor.execute(_VERSIONS)
        return {name: int(version) for name, version in cursor.fetchall()}
    finally:
        cursor.close()


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
    """The committed-write count of watched ``tables`` (any process); it only grows. The
    few rows of ``data_version`` are read once per request."""
    if not has_app_context():
        return 0
    versions: dict[str, int] = per_request(
        "versions", _read_versions)
    return sum(versions.get(t, 0) for t in tables)


def writes(tables: Iterable[str]) -> int:
    """How many times this process has written any of ``tables`` (a change counter)."""
    return sum(_writes[t] for t in tables)


@dataclass
class _Entry(Generic[T]):
    value: T
    seen: tuple[int, int]  # this process's and every process's write counts it was made at
    at: float  # clock time it was computed (or last found unchanged by ``check``)
    tag: Hashable = None  # what ``check`` returned then


class Cache(Generic[T]):
    """Values computed from ``depends_on`` (model classes or columns), reused while no
    process has written them and younger than ``max_age`` seconds: a number, or the name
    of a setting read at each use (outside an app, nothing is then reused).

    One thread computes a missing value while the others asking for the same key wait for
    it (a slow figure is not computed by every thread at once). ``serve_stale``: once a
    value exists, a value that is only too old is still served to the others while one
    thread recomputes it (nobody waits for a refresh). ``clock`` is for tests."""

    def __init__(self, depends_on: Iterable[Dependency] = (), *, max_age: str | float,
                 max_entries: int = 1024, serve_stale: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.tables = _watch(depends_on)
        self._max_age = max_age
        self.max_entries = max_entries
        self.serve_stale = serve_stale
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: dict[Hashable, _Entry[T]] = {}
        self._computing: dict[Hashable, threading.RLock] = {}

    def max_age(self) -> float:
        """Seconds a value is reused at most."""
        if not isinstance(self._max_age, str):
            return float(self._max_age)
        return float(current_app.config[self._max_age]) if has_app_context() else 0.0

    @staticmethod
    def _key(key: Hashable) -> Hashable:
        return (db.engine, key) if has_app_context() else key  # one app's database is not another's

    def _seen(self) -> tuple[int, int]:
        if not self.tables:
            return (0, 0)
        return (writes(self.tables), shared_version(self.tables))

    def _fresh(self, hit: _Entry[T] | None, seen: tuple[int, int]) -> bool:
        return hit is not None and hit.seen == seen and \
            self.clock() - hit.at < self.max_age()

    def peek(self, key: Hashable) -> T | None:
        """The value kept for ``key`` however old (None if none): the base of an
        incremental refresh."""
        with self._lock:
            hit = self._entries.get(self._key(key))
        return hit.value if hit is not None else None

    def get(self, key: Hashable, compute: Callable[[], T], *,
            check: Callable[[], Hashable] | None = None) -> T:
        """The cached value for ``key`` (in the current database), or ``compute()`` stored
        under it. ``check``: a cheap summary of the value's sources; when a value is out
        of date but ``check()`` returns what it did when the value was made, the value is
        kept (and counts as fresh again) instead of computed afresh."""
        key = self._key(key)
        seen = self._seen()
        with self._lock:
            hit = self._entries.get(key)
            flight = self._computing.setdefault(key, threading.RLock())
        if hit is not None and self._fresh(hit, seen):
            return hit.value
        if self.serve_stale and hit is not None and hit.seen == seen:
            if not flight.acquire(blocking=False):
                return hit.value  # another thread is refreshing it
        else:
            flight.acquire()
        try:
            with self._lock:
                hit = self._entries.get(key)
            if hit is not None and self._fresh(hit, seen):
                return hit.value  # computed by the thread we waited for
            now = self.clock()
            tag = check() if check is not None else None
            if hit is not None and check is not None and hit.tag == tag:
                value = hit.value  # its sources are unchanged
            else:
                value = compute()
            with self._lock:
                if len(self._entries) >= self.max_entries and key not in self._entries:
                    oldest = next(iter(self._entries))
                    self._entries.pop(oldest)
                    self._computing.pop(oldest, None)
                self._entries[key] = _Entry(value, seen, now, tag)
            return value
        finally:
            flight.release()

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()
