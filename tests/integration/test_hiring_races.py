"""The referral → hire chain against suspended employers, employed workers and races.

The races run real concurrent transactions against their own database, one connection per
thread (PostgreSQL where TEST_DATABASE_URL is set, SQLite always).
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.clock import today
from app.employers.models import Job
from app.employers.service import suspend
from app.errors_domain import ConflictError
from app.extensions import db as _db
from app.placements.followup_models import FollowUp
from app.placements.models import Placement, Referral
from app.placements.outcomes import Outcome, record_outcome
from app.placements.service import confirm_hire, refer, respond
from app.registry.models import Worker
from tests.conftest import BACKENDS, Factory
from tests.support.races import at_once, outcome, race_app

pytestmark = pytest.mark.concurrency


def test_a_suspended_employer_cannot_invite_or_hire_on_open_referrals(db, factory, app):
    job = factory.job(headcount=3)
    invited = refer(factory.worker(), job, by=None)
    respond(invited, accept=True, by=None)
    waiting = refer(factory.worker(), job, by=None)
    suspend(job.employer, "拖欠工资", factory.user("officer"))
    with pytest.raises(ConflictError) as exc:
        confirm_hire(invited, start_date=today(), monthly_wage=5000, by=None)
    assert exc.value.code == "employer_not_verified"
    with pytest.raises(ConflictError):
        respond(waiting, accept=True, by=None)
    respond(waiting, accept=False, by=None, reason="单位暂停招聘")  # declining stays possible
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 0


def test_an_employed_worker_is_not_hired_twice(db, factory):
    worker = factory.worker()
    first, second = factory.job(), factory.job()
    r1, r2 = refer(worker, first, by=None), refer(worker, second, by=None)
    confirm_hire(r1, start_date=today(), monthly_wage=5000, by=None)
    with pytest.raises(ConflictError) as exc:
        confirm_hire(r2, start_date=today(), monthly_wage=5000, by=None)
    assert exc.value.code == "already_employed" and "换工作" in exc.value.message
    assert db.session.scalar(sa.select(sa.func.count()).where(
        Placement.worker_id == worker.id, Placement.status == "active")) == 1


def _race(app, n: int, action) -> list[str]:
    """``action(i)`` from ``n`` threads at once, each in its own transaction: "ok" or the
    refusal's code."""
    return at_once(n, lambda i: outcome(app, lambda: action(i) and None))


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_forty_identical_referrals_at_once_make_one(backend, tmp_path):
    app = race_app(backend, tmp_path, "referrace", 44)
    with app.app_context():
        factory = Factory(_db)
        worker_id, job_id = factory.worker().id, factory.job().id
        _db.session.commit()
        _db.session.remove()

    def action(_i: int) -> None:
        refer(_db.session.get(Worker, worker_id), _db.session.get(Job, job_id), by=None)

    outcomes = _race(app, 40, action)
    assert outcomes.count("ok") == 1 and outcomes.count("already_referred") == 39
    with app.app_context():
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 1
        _db.session.remove()
        _db.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_employers_confirming_one_worker_at_once_hire_once(backend, tmp_path):
    app = race_app(backend, tmp_path, "doublehire", 24)
    with app.app_context():
        factory = Factory(_db)
        referral_ids = []
        for _ in range(10):  # ten workers, each referred to two openings
            worker = factory.worker()
            referral_ids += [refer(worker, factory.job(), by=None).id for _ in range(2)]
        _db.session.commit()
        _db.session.remove()

    def action(i: int) -> None:
        confirm_hire(_db.session.get(Referral, referral_ids[i]), start_date=today(),
                     monthly_wage=5000, by=None)

    outcomes = _race(app, 20, action)
    assert outcomes.count("ok") == 10 and outcomes.count("already_employed") == 10
    with app.app_context():
        active = _db.session.execute(sa.select(Placement.worker_id).where(
            Placement.status == "active")).scalars().all()
        assert len(active) == len(set(active)) == 10
        _db.session.remove()
        _db.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_follow_ups_of_one_placement_recorded_at_once_do_not_deadlock(backend, tmp_path):
    # Day 7 and day 30 both answered "left" at the same moment: each held its own row and
    # waited for the other's (to cancel it) — PostgreSQL killed one with a deadlock.

    app = race_app(backend, tmp_path, "fudeadlock", 24)
    with app.app_context():
        factory = Factory(_db)
        pairs = []
        for _ in range(10):
            placement = confirm_hire(refer(factory.worker(), factory.job(), by=None),
                                     start_date=today(), monthly_wage=5000, by=None)
            fus = _db.session.scalars(sa.select(FollowUp.id).where(
                FollowUp.placement_id == placement.id).order_by(FollowUp.due_date)).all()
            pairs += fus[:2]
        _db.session.commit()
        _db.session.remove()

    def action(i: int) -> None:
        fu = _db.session.get(FollowUp, pairs[i])
        record_outcome(fu, Outcome("phone", True, "left", left_date=fu.placement.start_date,
                                   left_reason="回家"), by=None, today=fu.placement.start_date)

    outcomes = _race(app, 20, action)
    assert sorted(set(outcomes)) == ["followup_done", "ok"]  # no deadlock, no other error
    assert outcomes.count("ok") == 10
