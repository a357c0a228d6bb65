"""Engine tuning per backend: SQLite pragmas and transaction behaviour; on PostgreSQL,
a pooled connection is checked before use only when it may have died."""
from __future__ import annotations

import select
import time
import weakref

from flask import Flask
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

from .extensions import db

_SET_UP: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines whose events are set


def configure_engine_events(app: Flask) -> None:
    """SQLite: foreign keys, WAL, busy timeout, real SAVEPOINTs. PostgreSQL: the pool's
    liveness check (``_ping_when_in_doubt``)."""
    with app.app_context():
        engine = db.engine
    if engine in _SET_UP:  # one app per engine in production; tests build several
        return
    _SET_UP.add(engine)
    if engine.dialect.name == "sqlite":
        _sqlite_events(engine, int(float(app.config.get("SQLITE_BUSY_TIMEOUT_SECONDS", 30))
                                   * 1000))
    elif engine.dialect.name == "postgresql":
        _ping_when_in_doubt(engine, float(app.config.get("DB_PING_AFTER_SECONDS", 30)))


def _ping_when_in_doubt(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before a request uses it — the pool's pre-ping — but
    only when it may have died: it sat idle longer than ``idle_seconds``, or the server
    has said something on it while it was idle. A server that restarts, or an
    administrator or timeout that ends a session, sends its reason and closes the socket,
    which makes it readable; an idle connection in good health has nothing to read.
    Pinging every checkout instead costs a round trip per request (~0.1 ms of the app's
    and the server's CPU each, bench/README.md). A connection that fails the ping is
    replaced before the request sees it (``DisconnectionError``: the pool reconnects)."""
    dialect = engine.dialect

    def mark(record) -> None:
        record.info["qianlu_idle_since"] = time.monotonic()

    @event.listens_for(engine, "connect")
    def _on_connect(_dbapi_conn, record) -> None:
        mark(record)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record) -> None:
        if record is not None:
            mark(record)

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy) -> None:
        since = record.info.get("qianlu_idle_since")
        if since is not None and time.monotonic() - since < idle_seconds \
                and not _has_something_to_read(dbapi_conn, dialect.loaded_dbapi.Error):
            return
        try:
            alive = dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_conn, None):
                raise exc.DisconnectionError(str(error)) from error
            raise
        if not alive:
            raise exc.DisconnectionError("the database did not answer the ping")


def _has_something_to_read(dbapi_conn, driver_error: type[Exception]) -> bool:
    """True when the connection's socket is readable now (or gone): without a query in
    flight, only a notice, a notification or the server's goodbye can be waiting."""
    try:
        poller = select.poll()
        poller.register(dbapi_conn.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
    except (OSError, ValueError, driver_error):  # closed: the ping will say so
        return True


def _sqlite_events(engine: Engine, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Let SQLAlchemy control BEGIN so SAVEPOINT and rollback work as documented.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        # A request waits this long for another's write lock (then app.errors answers 503).
        cur.execute(f"PRAGMA busy_timeout={busy_ms:d}")
        if engine.url.database and engine.url.database != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # IMMEDIATE takes the write lock up front: no deadlocked upgrades from read locks.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
