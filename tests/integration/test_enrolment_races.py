"""Enrolment under double clicks: one enrolment per worker and course, places never spent twice.

Real concurrent transactions against their own database (one connection per thread).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.registry.models import Worker
from app.training.models import CourseSession, Enrolment
from app.training.service import enrol
from tests.conftest import BACKENDS, Factory
from tests.factories.training import make_course
from tests.support.races import at_once, outcome, race_app

pytestmark = pytest.mark.concurrency


def _race(app, jobs: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """Enrol (worker id, session id) pairs from one thread each, all released at once."""

    def one(i: int) -> tuple[int, str]:
        worker_id, session_id = jobs[i]
        return worker_id, outcome(app, lambda: enrol(
            _db.session.get(Worker, worker_id), _db.session.get(CourseSession, session_id),
            by=None).status)

    return at_once(len(jobs), one)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_double_clicks_on_enrol_spend_one_place_each(backend, tmp_path):
    app = race_app(backend, tmp_path, "dblclick", 20)
    with app.app_context():
        factory = Factory(_db)
        _course, session = make_course(_db, places=5)
        worker_ids = [factory.worker().id for _ in range(8)]
        _db.session.commit()
        session_id = session.id
        _db.session.remove()

    outcomes = _race(app, [(w, session_id) for w in worker_ids for _ in range(2)])

    for w in worker_ids:  # each worker: one enrolment (or waiting place) and one refusal
        results = sorted(r for wid, r in outcomes if wid == w)
        assert results in (["already_enrolled", "enrolled"], ["already_enrolled", "waitlisted"])
    with app.app_context():
        s = _db.session.get(CourseSession, session_id)
        enrolled = _db.session.scalar(sa.select(sa.func.count()).where(
            Enrolment.session_id == session_id, Enrolment.status == "enrolled"))
        assert enrolled == 5 and s.enrolled == 5  # the counter equals the rows it counts
        rows = _db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment))
        assert rows == 8
        _db.session.remove()
        _db.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_one_worker_cannot_enter_two_sessions_of_one_course_at_once(backend, tmp_path):
    app = race_app(backend, tmp_path, "twosessions", 20)
    with app.app_context():
        factory = Factory(_db)
        # Room for all six, whichever session each of them lands in.
        course, first = make_course(_db, places=10)
        second = CourseSession(course_id=course.id, start_date=first.start_date + timedelta(60),
                               end_date=first.end_date + timedelta(60), places=10,
                               county_code=first.county_code)
        _db.session.add(second)
        worker_ids = [factory.worker().id for _ in range(6)]
        _db.session.commit()
        sessions = (first.id, second.id)
        _db.session.remove()

    outcomes = _race(app, [(w, s) for w in worker_ids for s in sessions])

    for w in worker_ids:
        assert sorted(r for wid, r in outcomes if wid == w) == ["already_enrolled", "enrolled"]
    with app.app_context():
        taken = sum(_db.session.get(CourseSession, s).enrolled for s in sessions)
        assert taken == 6
        _db.session.remove()
        _db.engine.dispose()
