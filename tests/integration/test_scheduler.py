"""Scheduled jobs: database locks, two schedulers at once, a job killed half-way, catch-up
after downtime. These need real commits and several connections, so each test has its own
database (SQLite file or PostgreSQL database)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.areas.service import load_areas
from app.clock import utcnow
from app.extensions import db as _db
from app.notifications.models import Notification
from app.placements.followup_models import FollowUp, RetentionSnapshot
from app.placements.service import confirm_hire, refer
from app.scheduler import tasks
from app.scheduler.lock import lease, take_lease, task_lock
from app.scheduler.models import SchedulerLease
from app.scheduler.runner import MISFIRE_GRACE, build_scheduler, catch_up, start_in_app
from tests.conftest import BACKENDS, ROOT, Factory, backend_url, make_app
from tests.support.races import dispose, second_while_first_holds

pytestmark = [pytest.mark.slow]
TODAY = date(2025, 10, 9)  # day 7 of placements started 24 Sep 2025 falls due
NOW = datetime(2025, 10, 9, 1, 0)  # 09:00 in Guizhou


def fresh_app(backend, tmp_path, name, placements=6):
    """An app on its own database with ``placements`` placements started 24 Sep 2025."""
    app = make_app(backend_url(backend, tmp_path, name), tmp_path)
    with app.app_context():
        _db.create_all()

        load_areas()
        factory = Factory(_db)
        factory.user("officer", area_code="520526")
        job = factory.job(headcount=100)
        for _ in range(placements):
            referral = refer(factory.worker(), job, by=None, today=date(2025, 9, 20))
            confirm_hire(referral, start_date=date(2025, 9, 24), monthly_wage=5000, by=None,
                         today=date(2025, 9, 24))
        _db.session.commit()
        _db.session.remove()
    return app


def count(app, stmt):
    with app.app_context():
        value = _db.session.scalar(stmt)
        _db.session.remove()
        return value


def reminders(app):
    return count(app, sa.select(sa.func.count(Notification.id)).where(
        Notification.kind == "followup_due"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_schedulers_at_once_queue_each_reminder_once(backend, tmp_path, monkeypatch):
    app = fresh_app(backend, tmp_path, "sched_two")
    first, second = second_while_first_holds(
        monkeypatch, tasks, "sweep", lambda: tasks.run_sweep(NOW, app=app))
    assert second is None  # locked out at once
    assert first is not None  # the one that held the lock ran
    assert reminders(app) == 6
    # without the lock the unique dedupe key still keeps each reminder single
    monkeypatch.setattr(tasks, "task_lock", _always_acquired)
    unlocked = []
    barrier = threading.Barrier(2)

    def unlocked_instance():
        barrier.wait()
        unlocked.append(tasks.run_sweep(NOW, app=app))

    threads = [threading.Thread(target=unlocked_instance) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(unlocked) == 2 and all(r is not None for r in unlocked)
    assert reminders(app) == 6
    keys = count(app, sa.select(sa.func.count(sa.distinct(Notification.dedupe_key))))
    assert keys == count(app, sa.select(sa.func.count(Notification.id)))
    dispose(app)


class _always_acquired:  # stands in for the job_lock context manager
    def __init__(self, name, **kw):
        pass

    def __enter__(self):
        return True

    def __exit__(self, *exc):
        return False


KILL_SCRIPT = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    os.environ["QIANLU_INSTANCE"] = {tmp!r}
    from datetime import datetime
    from tests.conftest import make_app
    from pathlib import Path
    from app.placements import followups
    app = make_app({url!r}, Path({tmp!r}))
    original = followups.queue_worker_reminders

    def stall(today):
        original(today)             # overdue marked and reminders queued, not committed
        print("HALFWAY", flush=True)
        time.sleep(120)

    followups.queue_worker_reminders = stall
    from app.scheduler.tasks import run_sweep
    run_sweep(datetime(2025, 10, 25, 1, 0), app=app)
""")


@pytest.mark.parametrize("backend", BACKENDS)
def test_job_killed_half_way_leaves_nothing_and_next_run_finishes(backend, tmp_path):
    app = fresh_app(backend, tmp_path, "sched_kill")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    script = KILL_SCRIPT.format(root=str(ROOT), tmp=str(tmp_path), url=url)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "HALFWAY", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    overdue = sa.select(sa.func.count(FollowUp.id)).where(FollowUp.status == "overdue")
    assert count(app, overdue) == 0  # the killed run's transaction never committed
    assert reminders(app) == 0
    if backend == "sqlite":  # the dead process's lease is still there, unexpired
        with app.app_context():
            row = _db.session.get(SchedulerLease, "sweep")
            assert row.holder.split(":")[1] == str(proc.pid)
            assert row.expires_at > utcnow()
            _db.session.remove()
    result = None
    for _ in range(50):  # PostgreSQL notices the dropped connection within moments
        result = tasks.run_sweep(datetime(2025, 10, 25, 1, 0), app=app)
        if result is not None:
            break
        time.sleep(0.1)
    assert result is not None and result["marked_overdue"] == 12  # day 7 and 30 × 6
    assert count(app, overdue) == 12
    again = tasks.run_sweep(datetime(2025, 10, 25, 1, 15), app=app)
    assert again["marked_overdue"] == 0 and again["worker_reminders"] == 0
    dispose(app)


@pytest.mark.parametrize("backend", BACKENDS)
def test_restart_after_a_day_down_catches_up_once(backend, tmp_path):
    app = fresh_app(backend, tmp_path, "sched_catchup")
    with app.app_context():  # last good runs: two days ago
        for name in ("retention_snapshot", "expire_openings", "rematch", "zero_employment"):
            _db.session.add(SchedulerLease(name=name, last_status="ok",
                                           last_finished_at=datetime(2025, 10, 7, 19, 0)))
        _db.session.commit()
        _db.session.remove()
    # the sweep computes from state: one run marks everything that fell due while down
    first = tasks.run_sweep(datetime(2025, 10, 26, 1, 0), app=app)
    assert first["marked_overdue"] == 12
    assert tasks.run_sweep(datetime(2025, 10, 26, 1, 15), app=app)["marked_overdue"] == 0
    # nightly jobs that missed their time run once on start, not once per missed night

    now = datetime(2025, 10, 9, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    ran = catch_up(app, now)
    assert set(ran) == {"retention_snapshot", "expire_openings", "rematch", "zero_employment"}
    assert catch_up(app, now + timedelta(minutes=5)) == []
    snapshots = count(app, sa.select(sa.func.count(sa.distinct(
        RetentionSnapshot.snapshot_date))))
    assert snapshots == 1
    dispose(app)


@pytest.mark.parametrize("backend", BACKENDS)
def test_job_lock_excludes_and_is_released(backend, tmp_path):
    app = fresh_app(backend, tmp_path, "sched_lock", placements=0)
    with app.app_context():
        with task_lock("demo") as first:
            assert first is True
            seen = []

            def other():
                with app.app_context(), task_lock("demo") as second:
                    seen.append(second)

            t = threading.Thread(target=other)
            t.start()
            t.join(timeout=30)
            assert seen == [False]
            with task_lock("another") as unrelated:
                assert unrelated is True
        with task_lock("demo") as again:
            assert again is True
        _db.session.remove()
    dispose(app)


def test_sqlite_lease_expiry_and_dead_holder(tmp_path):
    app = fresh_app("sqlite", tmp_path, "sched_lease", placements=0)
    with app.app_context():
        assert take_lease("job", "elsewhere:1:x", timedelta(minutes=5)) is True
        assert take_lease("job", "me:2:y") is False  # held, not expired, other host
        with _db.engine.begin() as conn:
            conn.execute(sa.update(lease).values(expires_at=utcnow() - timedelta(seconds=1)))
        assert take_lease("job", "me:2:y") is True  # expired: taken over

        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout.strip()
        with _db.engine.begin() as conn:
            conn.execute(sa.update(lease).values(
                holder=f"{socket.gethostname()[:64]}:{dead}:z",
                expires_at=utcnow() + timedelta(hours=1)))
        assert take_lease("job", "me:3:w") is True  # its holder process is gone
    dispose(app)


def test_scheduler_configuration(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'conf.db'}", tmp_path, SCHEDULER_IN_APP=True)
    assert start_in_app(app) is None  # never under TESTING
    scheduler = build_scheduler(app, blocking=False)
    scheduler.start(paused=True)  # jobs get their defaults when added; none runs
    try:
        assert {j.id for j in scheduler.get_jobs()} == {
            "sweep", "deliver", "expire_openings", "rematch", "retention_snapshot",
            "catch_up", "checkins", "zero_employment"}
        for job in scheduler.get_jobs():
            assert job.coalesce is True and job.misfire_grace_time == MISFIRE_GRACE
            assert job.max_instances == 1
        assert str(scheduler.get_job("sweep").trigger.interval) == "0:15:00"
        assert scheduler.get_job("sweep").next_run_time is not None  # runs at start
    finally:
        scheduler.shutdown(wait=False)


def test_nightly_jobs_call_the_services_they_are_named_after(tmp_path, monkeypatch):
    app = fresh_app("sqlite", tmp_path, "sched_nightly", placements=0)
    assert tasks.run_expire_openings(NOW, app=app) == {"expired": 0}
    calls = []
    monkeypatch.setattr(tasks, "batch_rematch", lambda day: calls.append(day) or {"workers": 0})
    assert tasks.run_rematch(NOW, app=app) == {"workers": 0}
    assert calls == [TODAY]
    with app.app_context():
        row = _db.session.get(SchedulerLease, "rematch")
        assert row.last_status == "ok" and row.last_finished_at is not None
        _db.session.remove()
    dispose(app)


def test_cli_run_job_and_status(tmp_path):
    app = fresh_app("sqlite", tmp_path, "sched_cli", placements=2)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["scheduler", "run-job", "sweep", "--now", "2025-10-25T01:00"])
    assert result.exit_code == 0, result.output
    assert '"marked_overdue": 4' in result.output
    status = runner.invoke(args=["scheduler", "status"])
    assert "sweep" in status.output and "ok" in status.output
    dispose(app)
