"""One lock helper for every scheduled task: ``with task_lock(name) as acquired:``.

PostgreSQL: a session advisory lock on a connection of its own, held for the whole task
(the task's own transactions may commit in between); a killed process drops the
connection and with it the lock. SQLite: a lease row in ``scheduler_lease`` taken by a
compare-and-set UPDATE with an expiry; a lease whose holder process on this host is gone,
or whose expiry has passed, may be taken over.
"""
from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.clock import utcnow
from app.extensions import db
from app.sql import table_of

from .models import SchedulerLease

log = logging.getLogger("qianlu.scheduler")
DEFAULT_TTL = timedelta(minutes=30)
lease = table_of(SchedulerLease)


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock from the task name."""
    return int.from_bytes(hashlib.sha256(f"qianlu:{name}".encode()).digest()[:8], "big",
                          signed=True)


def holder_id() -> str:
    """host:pid:random: who holds a lease (the pid lets a dead holder be recognised)."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _holder_gone(holder: str) -> bool:
    """Whether the lease's holder was a process on this host that no longer runs."""
    try:
        host, pid_text, _ = holder.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname()[:64] or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def ensure_row(conn: Connection, name: str) -> None:
    """Create the task's lease/bookkeeping row if missing (no-op when present)."""
    exists = conn.scalar(sa.select(lease.c.name).where(lease.c.name == name))
    if exists is None:
        try:
            with conn.begin_nested():
                conn.execute(sa.insert(lease).values(name=name, holder="", last_status="",
                                                     last_detail=""))
        except sa.exc.IntegrityError:
            pass  # another process created it meanwhile


def _held_elsewhere(name: str, now: datetime) -> bool:
    """A read without a transaction: in WAL mode it does not wait for a running task's
    write lock, so a second scheduler gives up at once instead of queueing behind it."""
    raw = db.engine.raw_connection()
    try:
        row = raw.cursor().execute(
            "SELECT holder, expires_at FROM scheduler_lease WHERE name = ?", (name,)).fetchone()
    finally:
        raw.close()
    if row is None or not row[0] or row[1] is None:
        return False
    expires = row[1] if isinstance(row[1], datetime) else datetime.fromisoformat(str(row[1]))
    return expires > now and not _holder_gone(row[0])


def take_lease(name: str, holder: str, ttl: timedelta = DEFAULT_TTL) -> bool:
    """Take the SQLite lease row for ``name`` if free, expired or abandoned (commits)."""
    now = utcnow()
    if _held_elsewhere(name, now):
        return False
    with db.engine.begin() as conn:
        ensure_row(conn, name)
        row = conn.execute(sa.select(lease.c.holder, lease.c.expires_at)
                           .where(lease.c.name == name)).one()
        free = (not row.holder or row.expires_at is None or row.expires_at <= now
                or _holder_gone(row.holder))
        if not free:
            return False
        taken = conn.execute(
            sa.update(lease).where(lease.c.name == name, lease.c.holder == row.holder)
            .values(holder=holder, expires_at=now + ttl))
        return taken.rowcount == 1


def release_lease(name: str, holder: str) -> None:
    """Give the lease back (only if we still hold it)."""
    with db.engine.begin() as conn:
        conn.execute(sa.update(lease).where(lease.c.name == name, lease.c.holder == holder)
                     .values(holder="", expires_at=None))


@contextmanager
def task_lock(name: str, *, ttl: timedelta = DEFAULT_TTL) -> Iterator[bool]:
    """Hold the database lock of task ``name`` for the block; yields whether it was taken."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            key = advisory_key(name)
            acquired = bool(conn.scalar(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}))
            try:
                yield acquired
            finally:
                if acquired:
                    conn.scalar(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        finally:
            conn.close()
        return
    holder = holder_id()
    acquired = take_lease(name, holder, ttl)
    try:
        yield acquired
    finally:
        if acquired:
            release_lease(name, holder)
