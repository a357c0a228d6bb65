"""若干: an opening without a fixed head-count (17 % of one real partner list) takes any
number of hires, is never "filled" by them, and shows 若干 wherever a head-count shows."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.service import create_user
from app.clock import today
from app.employers import jobs as job_service
from app.employers.models import NO_FIXED_LIMIT, Job
from app.employers.service import listed_jobs
from app.matching.profiles import job_profiles
from app.placements.service import confirm_hire, refer
from tests.conftest import PASSWORD
from tests.factories.employers import job_data, make_employer
from tests.support.api import ok


def test_hires_never_fill_an_opening_without_a_fixed_headcount(db, factory):
    officer = factory.user("officer")
    job = factory.job(title="电子厂普工", headcount=None)
    for _ in range(3):
        referral = refer(factory.worker(), job, by=officer)
        confirm_hire(referral, start_date=today(), monthly_wage=5000, by=officer)
    db.session.refresh(job)
    assert (job.filled, job.status, job.remaining) == (3, "open", None)
    assert job.is_open_on(today()) and job.status_on(today()) == "open"
    assert job.id in db.session.scalars(listed_jobs().with_only_columns(Job.id)).all()
    # the service's own counter, too
    for _ in range(38):
        job_service.take_place(job.id, today())
    db.session.refresh(job)
    assert (job.filled, job.status) == (41, "open")
    # matching offers it places (not zero) without a fixed limit
    profile = job_profiles(today(), [job.id])[0]
    assert profile.openings_left == NO_FIXED_LIMIT


def test_an_unspecified_headcount_can_be_saved_published_and_edited(db, factory):
    employer, user = make_employer(factory)
    job = job_service.create_job(employer, job_data(headcount=None), user)
    job_service.publish_job(job, user)
    assert job.status == "open" and job.headcount is None
    data = job_data(headcount=None, title="SMT操作员")
    job_service.update_job(job, data, user)
    assert job.headcount is None and job.title == "SMT操作员"


def test_若干_shows_on_the_board_the_opening_and_the_api(client, db, factory, login, api):
    job = factory.job(title="包装工", headcount=None)
    for _ in range(2):
        job_service.take_place(job.id, today())
    board = client.get("/jobs").get_data(as_text=True)
    assert "包装工" in board and "若干" in board
    detail = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "若干" in detail
    login(factory.user("officer", area_code="520000"))
    page = client.get(f"/employers/jobs/{job.id}").get_data(as_text=True)
    assert "2 / 若干" in page
    officer = api.as_(factory.user("officer"))
    body = ok(officer.get(f"/jobs/{job.id}"))
    assert (body["headcount"], body["remaining"], body["filled"]) == (None, None, 2)


def test_the_employer_panel_counts_fixed_places_and_says_若干(client, db, factory, login):
    employer = factory.employer()
    factory.job(employer, headcount=5)
    factory.job(employer, headcount=None)
    user = create_user(f"boss{factory.seq()}", PASSWORD, "employer",
                       employer_id=employer.id)
    login(user, PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert "5 + 若干" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(
        Job.employer_id == employer.id)) == 2


def test_editing_an_imported_hourly_opening_keeps_its_wording(db, factory):
    employer, user = make_employer(factory)
    job = job_service.create_job(employer, job_data(
        wage_min=4872, wage_max=4872, wage_note="1小时28元", wage_unit="hour"), user)
    job_service.update_job(job, job_data(title="冲压工", wage_min=4872, wage_max=4872), user)
    assert (job.title, job.wage_note, job.wage_unit, job.wage_estimated) == (
        "冲压工", "1小时28元", "hour", True)
    job_service.update_job(job, job_data(wage_min=5000, wage_max=6000), user)
    assert (job.wage_note, job.wage_unit, job.wage_estimated) == ("", "month", False)
