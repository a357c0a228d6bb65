"""Engine tuning per backend (SQLite pragmas and transaction behaviour)."""
from __future__ import annotations

import weakref

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

_SET_UP: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines whose events are set


def configure_engine_events(app: Flask) -> None:
    """Make SQLite behave: foreign keys, WAL, busy timeout, real SAVEPOINTs."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    _sqlite_events(engine, int(float(app.config.get("SQLITE_BUSY_TIMEOUT_SECONDS", 30)) * 1000))


def _sqlite_events(engine: Engine, busy_ms: int) -> None:
    if engine in _SET_UP:
        return
    _SET_UP.add(engine)

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
