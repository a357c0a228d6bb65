"""Employers and trainees are told what happens to them, on their page (/notifications/,
with an unread count in the navigation) and by SMS through the one outbox; a trainee lands
on their own page and a course page shows their enrolment instead of 报名 (issue 15)."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.employers import service
from app.extensions import db
from app.matching.service import ReasonView
from app.notifications.models import Notification
from app.placements.service import refer
from app.registry.models import WorkerCertificate, WorkHistory
from app.trainee.wording import why_not
from app.training.catalog import load_catalog
from app.training.models import CourseSession
from app.training.service import enrol, withdraw
from tests.conftest import PASSWORD, text_of
from tests.factories.employers import job_data, make_employer, make_job
from tests.factories.training import make_course
from tests.integration.test_api_employers import _opening
from tests.integration.test_catalog import CREDIT, GOOD, write
from tests.support.api import error_of


def _messages(**where) -> list[Notification]:

    stmt = sa.select(Notification).order_by(Notification.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(Notification, name) == value)
    return list(db.session.scalars(stmt))


def test_an_employer_is_told_of_verification_suspension_and_referrals(client, db, factory,
                                                                      login):
    employer, user = make_employer(factory, "pending")
    officer = factory.user("officer", area_code="520000")
    service.verify(employer, officer)
    service.suspend(employer, "欠薪", officer)
    kinds = [n.kind for n in _messages(recipient_user_id=user.id)]
    assert kinds == ["employer_verified", "employer_suspended"]
    sms = _messages(channel="sms", address=employer.contact_phone)
    assert [n.kind for n in sms] == ["employer_verified", "employer_suspended"]
    assert all(n.status == "pending" and "欠薪" in sms[1].text for n in sms)
    service.reinstate(employer, officer)
    job = make_job(employer)
    worker = factory.worker(name="杨光明")
    refer(worker, job, by=officer)
    login(user)
    page = client.get("/notifications/")
    assert page.status_code == 200
    body = text_of(page)
    assert "杨光明" in body and job.title in body and "已通过认证" in body
    nav = text_of(client.get("/employers/jobs"))
    assert "通知 4" in " ".join(nav.split())  # four unread in the navigation badge


def test_a_trainee_is_told_of_enrolment_and_moving_up_the_waiting_list(client, db, factory,
                                                                       login):
    course, session = make_course(db, places=1)
    first, second = factory.worker(), factory.worker(phone="13912345678")
    user = factory.user("trainee", worker_id=second.id)
    taken = enrol(first, session, by=None)
    enrol(second, session, by=None)
    waiting = _messages(recipient_user_id=user.id)
    assert [n.kind for n in waiting] == ["course_waitlisted"]
    assert "1" in waiting[0].text and "焊工培训" in waiting[0].text
    withdraw(taken, by=None)
    assert [n.kind for n in _messages(recipient_user_id=user.id)] == [
        "course_waitlisted", "course_promoted"]
    assert [n.kind for n in _messages(channel="sms", address="13912345678")] == [
        "course_waitlisted", "course_promoted"]
    login(user)
    assert "有空位了" in text_of(client.get("/notifications/"))


def test_a_trainee_lands_on_their_own_page_without_api_tokens(client, db, factory):
    worker = factory.worker()
    user = factory.user("trainee", worker_id=worker.id)
    resp = client.post("/auth/login", data={"username": user.username,
                                            "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/me/")
    assert client.get("/").headers["Location"].endswith("/me/")
    page = client.get("/me/").get_data(as_text=True)
    assert "API 令牌" not in page and "/auth/tokens" not in page
    assert 'href="/notifications/"' in page


def test_the_course_page_shows_the_enrolment_and_what_comes_next(client, db, factory,
                                                                  login):
    course, session = make_course(db)
    worker = factory.worker()
    login(factory.user("trainee", worker_id=worker.id))
    before = text_of(client.get(f"/training/courses/{course.id}"))
    assert "报名" in before
    resp = client.post(f"/training/sessions/{session.id}/enrol",
                       headers={"Referer": f"http://localhost/training/courses/{course.id}"})
    assert resp.headers["Location"].endswith(f"/training/courses/{course.id}")
    after = " ".join(text_of(client.get(f"/training/courses/{course.id}")).split())
    assert "您已报名" in after and "接下来" in after and "身份证" in after
    assert "加入候补" not in after and ">报名<" not in after


def test_an_employer_sees_each_candidate_as_a_card(client, db, factory, login):

    employer, user = make_employer(factory)
    job = make_job(employer, title="电焊工", occupation_code="welder",
                   required_skills=[{"code": "welder", "level": 1}])
    worker = factory.worker(name="杨光明", skills_text="焊工5年", education="senior",
                            regions_acceptable=["prd", "yrd"])
    db.session.add_all([WorkerCertificate(worker_id=worker.id, kind="so_welding",
                                          number="T123456789"),
                        WorkHistory(worker_id=worker.id, employer_name="宁波某钢构厂",
                                    job_title="电焊工")])
    db.session.flush()
    refer(worker, job, by=factory.user("officer", area_code="520000"))
    login(user)
    html = client.get("/referrals").get_data(as_text=True)
    card = " ".join(text_of_html(html[html.index("candidate-card"):]).split())
    for text in ("杨光明", "焊工", "焊工证", "宁波某钢构厂", "高中", "珠三角", "邀请面试"):
        assert text in card, text
    assert "T123456789" not in html and worker.phone not in html  # numbers stay masked


def text_of_html(html: str) -> str:

    return re.sub(r"<[^>]+>", " ", html)


def test_a_trainee_reads_plain_sentences_about_jobs(client, db, factory, login):

    employer, _user = make_employer(factory)
    make_job(employer, title="电焊工", occupation_code="welder",
             required_skills=[{"code": "welder", "level": 1}],
             required_certificates=["so_welding"], area_code="520526")
    worker = factory.worker(skills_text="焊工3年", regions_acceptable=["local", "guizhou"])
    db.session.add(WorkerCertificate(worker_id=worker.id, kind="so_welding"))
    db.session.flush()
    login(factory.user("trainee", worker_id=worker.id))
    page = " ".join(text_of(client.get("/me/")).split())
    assert "你有焊工证，这个岗位需要。" in page
    assert "你会焊工，这个岗位需要。" in page


def test_why_not_speaks_plainly(app, db):

    job = job_data(age_min=18, age_max=40)
    with app.test_request_context():
        assert why_not(job, ReasonView("cert_missing", "", "缺少焊工证", "so_welding", True)) \
            == "这个岗位需要焊工证，你还没有；参加培训可以考到。"
        assert why_not(job, ReasonView("age", "", "", None, False)) \
            == "这个岗位招 18 到 40 岁的人。"


def test_a_trainee_is_told_when_the_session_dates_change(db, tmp_path, factory):


    start, end = clock.today() + timedelta(5), clock.today() + timedelta(20)
    text = GOOD.format(credit=CREDIT).replace("2027-01-11", str(start))
    text = text.replace("2027-01-22", str(end))
    load_catalog(write(tmp_path, text))
    worker = factory.worker(education="senior", phone="13911112222")
    enrol(worker, db.session.scalar(sa.select(CourseSession)), by=None)
    later = end + timedelta(3)
    load_catalog(write(tmp_path, text.replace(str(end), str(later))))
    sms = _messages(channel="sms", address="13911112222")
    assert [n.kind for n in sms] == ["course_enrolled", "session_changed"]
    assert str(later) in sms[1].text and "低压电工" in sms[1].text


def test_the_api_names_every_field_at_fault_at_once(api, factory):

    employer = factory.employer()
    company = api.as_(factory.user("employer", employer_id=employer.id))
    err = error_of(company.post("/jobs", _opening(wage_min=6000, wage_max=5000, age_min=50,
                                                  age_max=30, area_code="999999")), 422)
    assert {"wage_max", "age_max", "area_code"} <= set(err["fields"]), err
