"""APScheduler 3 set-up: `flask scheduler run` (BlockingScheduler, the production way) or a
BackgroundScheduler inside the web process when SCHEDULER_IN_APP is on.

Every task coalesces missed runs into one and may start up to ``MISFIRE_GRACE`` late. On
start a catch-up step runs each nightly task whose last scheduled time passed without a
successful run — once, however long the scheduler was down — and the interval tasks run
straight away (they compute from state, so one run catches up).
"""
from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from app import clock

from .tasks import TASKS, stale_after

log = logging.getLogger("qianlu.scheduler")
MISFIRE_GRACE = 3600  # seconds a run may start late before it is dropped (then coalesced)


@dataclass(frozen=True)
class ScheduledTask:
    """A task, its trigger, and whether it is nightly (caught up on start when missed)."""

    name: str
    trigger: BaseTrigger
    nightly: bool = False


def scheduled_tasks(tz: ZoneInfo) -> list[ScheduledTask]:
    """The schedule."""
    return [
        ScheduledTask("sweep", IntervalTrigger(minutes=15, timezone=tz)),
        ScheduledTask("deliver", IntervalTrigger(minutes=1, timezone=tz)),
        ScheduledTask("checkins", IntervalTrigger(hours=1, timezone=tz)),
        ScheduledTask("expire_openings", CronTrigger(hour=0, minute=5, timezone=tz), nightly=True),
        ScheduledTask("rematch", CronTrigger(hour=2, minute=0, timezone=tz), nightly=True),
        ScheduledTask("retention_snapshot", CronTrigger(hour=3, minute=0, timezone=tz),
                      nightly=True),
        ScheduledTask("zero_employment", CronTrigger(hour=1, minute=30, timezone=tz),
                      nightly=True),
    ]


def previous_fire_time(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The trigger's last fire time at or before ``now`` within the past day (aware)."""
    probe = trigger.get_next_fire_time(None, now - timedelta(days=1, seconds=1))
    last = None
    while probe is not None and probe <= now:
        last = probe
        probe = trigger.get_next_fire_time(probe, probe + timedelta(seconds=1))
    return last


def catch_up(app: Flask, now: datetime | None = None) -> list[str]:
    """Run once each nightly task that missed its last scheduled time; returns their names."""
    tz = clock.zone(app)
    now = now or clock.now(app)
    ran = []
    with app.app_context():
        for spec in scheduled_tasks(tz):
            if not spec.nightly:
                continue
            fire = previous_fire_time(spec.trigger, now)
            if fire is None:
                continue
            fire_utc = fire.astimezone(UTC).replace(tzinfo=None)
            now_utc = now.astimezone(UTC).replace(tzinfo=None)
            if stale_after(spec.name, fire_utc, now_utc):
                log.info("catching up %s (missed %s)", spec.name, fire.isoformat())
                TASKS[spec.name](app=app)
                ran.append(spec.name)
    return ran


def _call(app: Flask, name: str) -> None:
    """APScheduler entry point: run one task in the app's context; errors are logged."""
    try:
        TASKS[name](app=app)
    except Exception:  # a failed run is logged; the next run retries
        log.exception("scheduled task %s failed", name)


def _safe_catch_up(app: Flask) -> None:
    try:
        catch_up(app)
    except Exception:
        log.exception("catch-up failed")


def build_scheduler(app: Flask, *, blocking: bool) -> BaseScheduler:
    """A configured (not started) scheduler with every task, coalescing and misfire grace."""
    tz = clock.zone(app)
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=tz, job_defaults={
        "coalesce": True, "misfire_grace_time": MISFIRE_GRACE, "max_instances": 1})
    now = clock.now(app)
    for spec in scheduled_tasks(tz):
        extra = {} if spec.nightly else {"next_run_time": now}  # interval tasks: run at once
        scheduler.add_job(_call, spec.trigger, args=[app, spec.name], id=spec.name,
                          name=spec.name, replace_existing=True, **extra)
    scheduler.add_job(_safe_catch_up, "date", run_date=now, args=[app], id="catch_up",
                      name="catch_up")
    return scheduler


_started: dict[str, BaseScheduler] = {}
_start_lock = threading.Lock()


def start_in_app(app: Flask) -> BaseScheduler | None:
    """Start a BackgroundScheduler in this process when SCHEDULER_IN_APP is set (never in
    tests). No database work happens here: the tasks run on the scheduler's thread."""
    if not app.config.get("SCHEDULER_IN_APP") or app.config.get("TESTING"):
        return None
    with _start_lock:
        if "in_app" in _started:
            return _started["in_app"]
        scheduler = build_scheduler(app, blocking=False)
        scheduler.start()
        _started["in_app"] = scheduler
        atexit.register(lambda: scheduler.shutdown(wait=False))
        log.info("scheduler started inside the web process")
        return scheduler
