"""The scheduled tasks: plain functions ``run_<task>(now)`` that take the task's lock, call a
service, commit, and record how the run went. Each is safe to run twice and computes
from the database's state, so one run after downtime catches everything up.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, has_app_context

from app.clock import local_date, utcnow
from app.employers.jobs import expire_openings
from app.employment import checkins
from app.extensions import db, real_app
from app.matching.service import batch_rematch
from app.monitoring import zero
from app.notifications.delivery import claim_batch, send_one
from app.placements.followups import sweep
from app.placements.retention import snapshot

from .lock import ensure_row, lease, task_lock

log = logging.getLogger("qianlu.scheduler")


@contextmanager
def _context(app: Flask | None) -> Iterator[None]:
    if app is None or (has_app_context() and real_app() is app):
        with nullcontext():
            yield
        return
    with app.app_context():
        yield


def _record(name: str, **values: object) -> None:
    with db.engine.begin() as conn:
        ensure_row(conn, name)
        conn.execute(sa.update(lease).where(lease.c.name == name).values(**values))


def run_task(name: str, work: Callable[[datetime], dict], now: datetime | None = None,
            app: Flask | None = None) -> dict | None:
    """Run ``work(now)`` under the task's lock and commit; None when another holds the lock."""
    with _context(app):
        now = now or utcnow()
        with task_lock(name) as acquired:
            if not acquired:
                log.info("task %s: lock held elsewhere, skipped", name)
                return None
            _record(name, last_started_at=utcnow())
            try:
                result = work(now) or {}
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                _record(name, last_status="error", last_detail=repr(exc)[:512])
                log.exception("task %s failed", name)
                raise
            finally:
                db.session.remove()
            _record(name, last_status="ok", last_finished_at=utcnow(),
                    last_detail=str(result)[:512])
            log.info("task %s: %s", name, result)
            return result


# --- the work of each task -------------------------------------------------------------------


def _sweep(now: datetime) -> dict:
    return sweep(local_date(now))


def _deliver(now: datetime, batch: int = 200, max_batches: int = 50) -> dict:
    totals: Counter = Counter()
    for _ in range(max_batches):
        ids = claim_batch(now, batch)
        db.session.commit()  # claimed before sending: no other deliverer takes them
        for notification_id in ids:
            totals[send_one(notification_id, now)] += 1
            db.session.commit()
        if len(ids) < batch:
            break
    return dict(totals)


def _expire_openings(now: datetime) -> dict:
    return {"expired": expire_openings(local_date(now))}


def _rematch(now: datetime) -> dict:
    result = batch_rematch(local_date(now))
    return result if isinstance(result, dict) else {"match_run": getattr(result, "id", result)}


def _retention_snapshot(now: datetime) -> dict:
    return {"groups": snapshot(local_date(now))}


def _checkins(now: datetime) -> dict:
    return checkins.sweep(local_date(now))


def _zero_employment(now: datetime) -> dict:
    return dict(zero.sweep(local_date(now)))


def run_sweep(now: datetime | None = None, app: Flask | None = None) -> dict | None:
    """Every 15 minutes: festival follow-ups, overdue marks, reminders, officer digests."""
    return run_task("sweep", _sweep, now, app)


def run_deliver(now: datetime | None = None, app: Flask | None = None) -> dict | None:
    """Every minute: send what the outbox holds, with back-off on failures."""
    return run_task("deliver", _deliver, now, app)


def run_expire_openings(now: datetime | None = None, app: Flask | None = None) -> dict | None:
    """Nightly: openings past their closing date become expired."""
    return run_task("expire_openings", _expire_openings, now, app)


def run_rematch(now: datetime | None = None, app: Flask | None = None) -> dict | None:
    """Nightly: re-match every seeking worker (matching's batch_rematch)."""
    return run_task("rematch", _rematch, now, app)


def run_retention_snapshot(now: datetime | None = None,
                           app: Flask | None = None) -> dict | None:
    """Nightly: retention figures per group for the day."""
    return run_task("retention_snapshot", _retention_snapshot, now, app)


def run_checkins(now: datetime | None = None, app: Flask | None = None) -> dict | None:
    """Hourly on working days: the month's check-ins, reminders, calls to make."""
    return run_task("checkins", _checkins, now, app)


def run_zero_employment(now: datetime | None = None,
                        app: Flask | None = None) -> dict | None:
    """Nightly: zero-employment spells the session watch could not see (bulk writes),
    escalation of those not cleared in time, risks that ended (90 days in work)."""
    return run_task("zero_employment", _zero_employment, now, app)


TASKS: dict[str, Callable[..., dict | None]] = {
    "zero_employment": run_zero_employment,
    "checkins": run_checkins,
    "sweep": run_sweep,
    "deliver": run_deliver,
    "expire_openings": run_expire_openings,
    "rematch": run_rematch,
    "retention_snapshot": run_retention_snapshot,
}


def last_success(name: str) -> datetime | None:
    """When the task last finished well (None if never)."""
    with db.engine.connect() as conn:
        return conn.scalar(sa.select(lease.c.last_finished_at).where(lease.c.name == name))


def stale_after(name: str, previous_fire: datetime, now: datetime) -> bool:
    """Whether a task missed its last scheduled time (it has not finished since)."""
    done = last_success(name)
    return previous_fire <= now and (done is None or done < previous_fire - timedelta(
        seconds=1))
