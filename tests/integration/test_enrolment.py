"""Enrolment: eligibility, places under concurrency, waiting list, withdrawal, completion."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.areas.service import load_areas
from app.clock import today as china_today  # the app asks in China time
from app.errors_domain import ConflictError, DomainError
from app.extensions import db as _db
from app.matching.profiles import worker_profile
from app.placements.models import Referral
from app.placements.service import confirm_hire
from app.registry.models import Worker, WorkerCertificate, WorkerEvent
from app.training.models import CourseSession, Enrolment
from app.training.service import complete, enrol, waitlist_position, withdraw
from tests.conftest import BACKENDS, Factory, backend_url, make_app
from tests.factories.training import SOON, make_course


def test_enrol_sets_training_and_records_event(db, factory):
    course, session = make_course(db)
    worker = factory.worker()
    e = enrol(worker, session, by=None)
    assert e.status == "enrolled" and e.area_code == worker.area_code
    db.session.refresh(session)
    assert session.enrolled == 1 and session.places_left == 9
    assert worker.status == "training"
    kinds = set(db.session.scalars(sa.select(WorkerEvent.kind).where(
        WorkerEvent.worker_id == worker.id)))
    assert "course_enrolled" in kinds


@pytest.mark.parametrize("kw, worker_kw, text", [
    ({"age_min": 18, "age_max": 30}, {"birth_date": date(1970, 5, 1)}, "岁"),
    ({"min_education": "senior"}, {"education": "primary"}, "学历"),
    ({"categories": ["relocated"]}, {"category": "general"}, "仅限"),
])
def test_eligibility_refusals_explain_why(db, factory, kw, worker_kw, text):
    _course, session = make_course(db, **kw)
    worker = factory.worker(**worker_kw)
    with pytest.raises(DomainError) as exc:
        enrol(worker, session, by=None)
    assert exc.value.code == "not_eligible"
    assert exc.value.message  # a reason a person can read
    assert _db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0


def test_refusals_started_twice_overlapping(db, factory):
    _c, started = make_course(db, "T-A", start=china_today())
    worker = factory.worker()
    with pytest.raises(ConflictError) as exc:
        enrol(worker, started, by=None)
    assert exc.value.code == "session_started"
    _c2, session = make_course(db, "T-B")
    enrol(worker, session, by=None)
    with pytest.raises(ConflictError) as exc:
        enrol(worker, session, by=None)
    assert exc.value.code == "already_enrolled"
    _c3, same_time = make_course(db, "T-C", start=SOON + timedelta(days=3))
    with pytest.raises(ConflictError) as exc:
        enrol(worker, same_time, by=None)
    assert exc.value.code == "overlapping_enrolment"


def test_full_session_waitlists_and_withdrawal_promotes_the_first(db, factory):
    _course, session = make_course(db, places=2)
    workers = [factory.worker() for _ in range(4)]
    enrolments = [enrol(w, session, by=None) for w in workers]
    assert [e.status for e in enrolments] == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    assert waitlist_position(enrolments[2]) == 1 and waitlist_position(enrolments[3]) == 2
    assert workers[2].status == "seeking"  # waiting is not training yet
    promoted = withdraw(enrolments[0], by=None, reason="家里有事")
    assert promoted.id == enrolments[2].id and promoted.status == "enrolled"
    assert workers[2].status == "training" and workers[0].status == "seeking"
    db.session.refresh(session)
    assert session.enrolled == 2
    assert waitlist_position(enrolments[3]) == 1
    withdraw(enrolments[3], by=None)  # leaving the waiting list frees no place
    withdraw(enrolments[1], by=None)  # nobody waiting: the place is given back
    db.session.refresh(session)
    assert session.enrolled == 1
    with pytest.raises(ConflictError):
        withdraw(enrolments[1], by=None)


def test_completion_adds_certificate_and_skills_and_refers_order_graduates(db, factory):
    employer = factory.employer()
    job = factory.job(employer, title="焊工", required_certificates=["so_welding"],
                      required_skills=[{"code": "welder", "level": 1}], headcount=5)
    course, session = make_course(db, mode="order", order_credit_code=employer.credit_code,
                                  order_job_title="焊工", employer_id=employer.id,
                                  job_id=job.id, committed_hires=5, wage_min=6000,
                                  wage_max=8000, start=china_today() + timedelta(days=1))
    worker = factory.worker(skills_text="普工")
    officer = factory.user("officer")
    e = enrol(worker, session, by=officer, source="officer")
    with pytest.raises(DomainError):  # a pass needs the certificate number
        complete(e, passed=True, by=officer, day=session.start_date + timedelta(days=14))
    result = complete(e, passed=True, assessment="85", certificate_number="T520526001",
                      by=officer, day=session.start_date + timedelta(days=14))
    assert e.status == "completed" and e.certificate_number == "T520526001"
    cert = db.session.scalar(sa.select(WorkerCertificate).where(
        WorkerCertificate.worker_id == worker.id))
    assert cert.kind == "so_welding" and cert.expires_on is not None
    assert "welder" in result.skills_added and "焊工" in worker.skills_text

    profile = worker_profile(worker)
    assert "welder" in {c for c, _ in profile.skills}
    assert "general_worker" in {c for c, _ in profile.skills}  # the text's skills are kept
    assert worker.status == "seeking"
    referral = db.session.scalar(sa.select(Referral).where(Referral.worker_id == worker.id))
    assert referral is not None and referral.job_id == job.id and referral.source == "course"
    assert result.referral is referral
    # the hire is credited to the order course (training's answer to placement_created)
    placement = confirm_hire(referral, start_date=china_today(), monthly_wage=6500, by=officer,
                             today=china_today())
    assert placement.course_id == course.id


def test_failed_assessment_adds_nothing(db, factory):
    _course, session = make_course(db, start=china_today() + timedelta(days=1))
    worker = factory.worker()
    e = enrol(worker, session, by=None)
    result = complete(e, passed=False, assessment="52", by=None,
                      day=session.start_date + timedelta(days=14))
    assert e.status == "failed" and result.certificate is None
    assert worker.status == "seeking"
    assert not worker.certificates


@pytest.mark.slow
@pytest.mark.concurrency
@pytest.mark.parametrize("backend", BACKENDS)
def test_thirty_concurrent_enrolments_fill_exactly_ten_places(backend, tmp_path):
    # Every thread holds a connection at the barrier: the pool must have one for each.
    app = make_app(backend_url(backend, tmp_path, "enrol"), tmp_path,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 32, "max_overflow": 4})
    with app.app_context():
        _db.create_all()

        load_areas()
        factory = Factory(_db)
        _course, session = make_course(_db, places=10)
        worker_ids = [factory.worker().id for _ in range(30)]
        _db.session.commit()
        session_id = session.id
        _db.session.remove()

    barrier = threading.Barrier(30)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(worker_id: int) -> None:
        with app.app_context():
            # Wait before the first query: on SQLite every transaction takes the write
            # lock at BEGIN (IMMEDIATE), so a thread holding one at the barrier blocks all.
            barrier.wait()
            try:
                worker = _db.session.get(Worker, worker_id)
                s = _db.session.get(CourseSession, session_id)
                e = enrol(worker, s, by=None)
                _db.session.commit()
                result = e.status
            except DomainError as exc:
                _db.session.rollback()
                result = exc.code
            finally:
                _db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=run, args=(wid,)) for wid in worker_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["enrolled"] * 10 + ["waitlisted"] * 20
    with app.app_context():
        s = _db.session.get(CourseSession, session_id)
        assert s.enrolled == 10
        counts = dict(_db.session.execute(sa.select(Enrolment.status, sa.func.count())
                                          .group_by(Enrolment.status)).all())
        assert counts == {"enrolled": 10, "waitlisted": 20}
        _db.session.remove()
        _db.engine.dispose()
