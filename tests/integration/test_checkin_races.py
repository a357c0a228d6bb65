"""Two schedulers sending the month's check-ins at once: each worker gets exactly one
check-in and one SMS. With the job lock the second is locked out; without it (two hosts
with a lock gone wrong) the unique keys — (worker, month) for the check-in, the message's
``dedupe_key`` — still keep every worker's SMS single. Each test has its own database and
real commits on several connections."""
from __future__ import annotations

import threading
import time
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app import models  # noqa: F401 - every model mapped before the queries below
from app.areas.service import load_areas
from app.employment import checkins
from app.employment.models import CheckIn
from app.employment.records import clean_record, record_job
from app.extensions import db as _db
from app.notifications.models import Notification
from app.scheduler import tasks as jobs
from tests.conftest import BACKENDS, PG_URL, Factory, backend_url, make_app
from tests.support.races import dispose, second_while_first_holds

pytestmark = [pytest.mark.slow, pytest.mark.concurrency]
SEND = date(2025, 11, 5)  # November's sending day (CHECKIN_DAY 5, a Wednesday)
NOW = datetime(2025, 11, 5, 1, 0)  # 09:00 in Guizhou
WORKERS = 8


def fresh_app(backend, tmp_path, name):
    """An app on its own database with WORKERS workers employed in Dongguan since June."""

    app = make_app(backend_url(backend, tmp_path, name), tmp_path)
    with app.app_context():
        _db.create_all()

        load_areas()
        factory = Factory(_db)
        factory.user("officer", area_code="520526")
        for _ in range(WORKERS):
            record_job(factory.worker(), clean_record({
                "employer_name": "长安电子厂", "place": "东莞长安", "start_month": "2025-06"},
                today=SEND), by=None)
        _db.session.commit()
        _db.session.remove()
    return app


def per_worker(app) -> dict[str, tuple[int, int, int]]:
    """(workers, check-ins, first SMS) and the most any one worker got of each."""

    with app.app_context():
        checkins = _db.session.execute(sa.select(CheckIn.worker_id, sa.func.count())
                                       .group_by(CheckIn.worker_id)).all()
        sms = _db.session.execute(sa.select(Notification.recipient_worker_id, sa.func.count())
                                  .where(Notification.kind == "checkin")
                                  .group_by(Notification.recipient_worker_id)).all()
        _db.session.remove()
    return {"checkins": (len(checkins), max((n for _w, n in checkins), default=0)),
            "sms": (len(sms), max((n for _w, n in sms), default=0))}


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_schedulers_at_once_send_each_checkin_once(backend, tmp_path, monkeypatch):
    app = fresh_app(backend, tmp_path, "checkin_two")

    first, second = second_while_first_holds(
        monkeypatch, checkins, "sweep", lambda: jobs.run_checkins(NOW, app=app))
    assert second is None  # locked out at once
    assert first == {"created": WORKERS, "sent": WORKERS, "reminders": 0, "calls": 0}
    assert per_worker(app) == {"checkins": (WORKERS, 1), "sms": (WORKERS, 1)}
    assert jobs.run_checkins(NOW, app=app) == {"created": 0, "sent": 0, "reminders": 0,
                                               "calls": 0}  # later the same day: nothing
    dispose(app)


class _always_acquired:  # stands in for the task_lock context manager: no lock at all
    def __init__(self, name, **kw):
        pass

    def __enter__(self):
        return True

    def __exit__(self, *exc):
        return False


def _waiting_on_a_lock(app) -> bool:
    """Whether some other session of the test database is blocked on a row lock."""
    with app.app_context(), _db.engine.connect() as conn:
        return bool(conn.scalar(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")))


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_without_the_lock_the_unique_keys_still_send_each_checkin_once(tmp_path, monkeypatch):
    """Both sweeps inside their transactions at the same time: the second's inserts wait
    on the first's uncommitted check-ins, then find them taken."""
    app = fresh_app("postgresql", tmp_path, "checkin_race")

    monkeypatch.setattr(jobs, "task_lock", _always_acquired)
    original = checkins.sweep
    first_inside = threading.Event()
    calls = iter(("first", "second"))
    order = threading.Lock()

    def racing_sweep(day):
        with order:
            tag = next(calls)
        if tag == "second":
            assert first_inside.wait(timeout=30)
            return original(day)  # blocks on the first's rows until it commits
        result = original(day)
        first_inside.set()
        deadline = time.monotonic() + 30  # hold the transaction until the second waits
        while not _waiting_on_a_lock(app):
            assert time.monotonic() < deadline, "the second sweep never met the first's rows"
            time.sleep(0.05)
        return result

    monkeypatch.setattr(checkins, "sweep", racing_sweep)
    results: list[dict | None] = []
    threads = [threading.Thread(target=lambda: results.append(jobs.run_checkins(NOW, app=app)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert len(results) == 2 and all(r is not None for r in results)
    assert sorted(r["created"] for r in results) == [0, WORKERS]
    assert sorted(r["sent"] for r in results) == [0, WORKERS]
    assert per_worker(app) == {"checkins": (WORKERS, 1), "sms": (WORKERS, 1)}
    dispose(app)
