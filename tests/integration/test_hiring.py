"""Referral → placement, and head-count that concurrent confirmations can never pass."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.areas.service import load_areas
from app.employers.models import Job
from app.errors_domain import ConflictError, DomainError
from app.extensions import db as _db
from app.placements.models import Placement, Referral
from app.placements.service import confirm_hire, refer, respond, withdraw
from app.registry.models import WorkerEvent
from tests.conftest import BACKENDS, Factory, backend_url, make_app


def test_referral_to_placement(db, factory):
    officer = factory.user("officer")
    job = factory.job(headcount=2)
    worker = factory.worker()
    referral = refer(worker, job, by=officer)
    assert referral.status == "referred" and referral.area_code == "520526"
    respond(referral, accept=True, by=None)
    assert referral.status == "interview"
    placement = confirm_hire(referral, start_date=clock.today(), monthly_wage=5200, by=officer)
    assert placement.region == "prd" and placement.monthly_wage == 5200
    assert worker.status == "employed"
    db.session.refresh(job)
    assert job.filled == 1 and job.status == "open"
    kinds = set(db.session.scalars(sa.select(WorkerEvent.kind).where(
        WorkerEvent.worker_id == worker.id)))
    assert {"referral", "referral_interview", "placement"} <= kinds


def test_last_place_fills_the_opening(db, factory):
    job = factory.job(headcount=1)
    first, second = factory.worker(), factory.worker()
    r1, r2 = refer(first, job, by=None), refer(second, job, by=None)
    confirm_hire(r1, start_date=clock.today(), monthly_wage=None, by=None)
    db.session.refresh(job)
    assert job.status == "filled" and job.remaining == 0
    with pytest.raises(ConflictError) as exc:
        confirm_hire(r2, start_date=clock.today(), monthly_wage=None, by=None)
    assert exc.value.code in {"headcount_full", "referral_decided"}


def test_refusals(db, factory):
    job = factory.job()
    worker = factory.worker()
    referral = refer(worker, job, by=None)
    with pytest.raises(ConflictError):
        refer(worker, job, by=None)  # twice
    with pytest.raises(DomainError):
        respond(referral, accept=False, by=None, reason=" ")  # decline needs a reason
    respond(referral, accept=False, by=None, reason="经验不足")
    with pytest.raises(ConflictError):
        confirm_hire(referral, start_date=clock.today(), monthly_wage=None, by=None)
    again = refer(worker, job, by=None)  # a declined referral can be made again
    withdraw(again, by=None)
    assert again.status == "withdrawn"
    closed = factory.job(closing_date=clock.today() - timedelta(days=1))
    with pytest.raises(ConflictError):
        refer(factory.worker(), closed, by=None)  # past its closing date, whatever status says
    suspended = factory.job(employer=factory.employer(status="suspended"))
    with pytest.raises(ConflictError):
        refer(factory.worker(), suspended, by=None)


@pytest.mark.slow
@pytest.mark.concurrency
@pytest.mark.parametrize("backend", BACKENDS)
def test_fifty_concurrent_confirmations_fill_exactly_ten_places(backend, tmp_path):
    # One connection per thread, so all 50 really are in flight at once.
    app = make_app(backend_url(backend, tmp_path, "hiring"), tmp_path,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 50, "max_overflow": 5,
                                              "pool_timeout": 60})
    with app.app_context():
        _db.create_all()

        load_areas()
        factory = Factory(_db)
        job = factory.job(headcount=10)
        referral_ids = [refer(factory.worker(), job, by=None).id for _ in range(50)]
        _db.session.commit()
        job_id = job.id
        _db.session.remove()

    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def confirm(referral_id: int) -> None:
        with app.app_context():
            referral = _db.session.get(Referral, referral_id)
            _db.session.commit()  # end the read transaction before the race starts
            barrier.wait(timeout=60)
            try:
                confirm_hire(referral, start_date=clock.today(), monthly_wage=5000, by=None)
                _db.session.commit()
                result = "hired"
            except ConflictError as exc:
                _db.session.rollback()
                result = exc.code
            finally:
                _db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=confirm, args=(rid,)) for rid in referral_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert outcomes.count("hired") == 10
    assert outcomes.count("headcount_full") == 40
    with app.app_context():
        job = _db.session.get(Job, job_id)
        assert job.filled == 10 and job.status == "filled"
        assert _db.session.scalar(sa.select(sa.func.count(Placement.id))) == 10
        hired = _db.session.scalar(
            sa.select(sa.func.count(Referral.id)).where(Referral.status == "hired"))
        assert hired == 10  # the 40 refused referrals are untouched (rolled back)
        _db.session.remove()
        _db.engine.dispose()
