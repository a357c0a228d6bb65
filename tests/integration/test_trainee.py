"""Trainee self-service: activation, own data only, enrolment from /me, change reports;
officer pages: catalogue, session, outcomes export."""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from app.auth.models import AuditLog, User
from app.clock import today as china_today  # the app asks in China time
from app.registry.models import WorkerEvent
from app.training.accounts import issue_code
from app.training.models import ChangeReport, Enrolment
from app.training.service import complete, enrol
from tests.conftest import text_of
from tests.factories.training import make_course

NEW_PASSWORD = "fang2025abc"


def test_activation_with_a_one_time_code(client, db, factory):
    worker = factory.worker(name="王小芳", phone="13885001234")
    code = issue_code(worker, by=factory.user("officer"))
    resp = client.post("/me/activate", data={"c-code": code.lower(), "c-password": NEW_PASSWORD,
                                             "c-confirm": NEW_PASSWORD, "c-submit": "1"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/me/")
    user = db.session.scalar(sa.select(User).where(User.worker_id == worker.id))
    assert user.role == "trainee" and user.username == "13885001234"
    assert "王小芳" in text_of(client.get("/me/"))
    client.post("/auth/logout")
    again = client.post("/me/activate", data={"c-code": code, "c-password": NEW_PASSWORD,
                                              "c-confirm": NEW_PASSWORD, "c-submit": "1"})
    assert again.status_code == 422  # used once: no second account from the same code


def test_activation_with_phone_and_id_number_is_rate_limited(client, db, factory, app):
    worker = factory.worker(phone="13700000001")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        resp = client.post("/me/activate", data={
            "i-phone": "13700000001", "i-id_number": "520526199001010000",
            "i-password": NEW_PASSWORD, "i-confirm": NEW_PASSWORD, "i-submit": "1"})
        assert resp.status_code == 422
    locked = client.post("/me/activate", data={
        "i-phone": "13700000001", "i-id_number": worker.id_number,
        "i-password": NEW_PASSWORD, "i-confirm": NEW_PASSWORD, "i-submit": "1"})
    assert locked.status_code == 429
    assert db.session.scalar(sa.select(User).where(User.worker_id == worker.id)) is None


def test_activation_with_phone_and_id_number(client, db, factory):
    worker = factory.worker(phone="13700000002")
    resp = client.post("/me/activate", data={
        "i-phone": "137 0000 0002", "i-id_number": worker.id_number.lower(),
        "i-password": NEW_PASSWORD, "i-confirm": NEW_PASSWORD, "i-submit": "1"})
    assert resp.status_code == 302
    page = text_of(client.get("/me/"))
    assert worker.id_number in page  # the worker sees their own full ID number


def _trainee(factory, **kw):
    worker = factory.worker(**kw)
    user = factory.user("trainee", worker_id=worker.id)
    return worker, user


def test_trainee_sees_and_touches_only_their_own_data(client, db, factory, login):
    _course, session = make_course(db)
    me, me_user = _trainee(factory)
    other, _ = _trainee(factory)
    theirs = enrol(other, session, by=None)
    login(me_user)
    page = client.get("/me/").get_data(as_text=True)
    assert me.id_number in page and other.id_number not in page
    assert other.name not in page
    # enrol from the page, then withdraw; somebody else's enrolment is not found
    resp = client.post(f"/training/sessions/{session.id}/enrol", data={})
    assert resp.status_code == 302
    mine = db.session.scalar(sa.select(Enrolment).where(Enrolment.worker_id == me.id))
    assert mine.status == "enrolled" and mine.source == "self"
    assert "焊工培训" in text_of(client.get("/me/"))
    assert client.post(f"/training/enrolments/{theirs.id}/withdraw").status_code == 404
    assert client.get(f"/training/sessions/{session.id}").status_code == 403
    assert client.get("/training/outcomes").status_code == 403
    # an officer-only worker id in the form is ignored for trainees
    assert client.post(f"/training/enrolments/{mine.id}/withdraw",
                       data={"confirm": "1"}).status_code == 302
    db.session.refresh(mine)
    assert mine.status == "withdrawn"


def test_trainee_reports_a_change_for_the_officer(client, db, factory, login):
    me, user = _trainee(factory)
    login(user)
    resp = client.post("/me/report", data={"kind": "found_job", "employer_name": "遵义某厂",
                                           "job_title": "普工", "on_date": "2026-12-01"})
    assert resp.status_code == 302
    report = db.session.scalar(sa.select(ChangeReport).where(ChangeReport.worker_id == me.id))
    assert report.kind == "found_job" and report.status == "new"
    assert db.session.scalar(sa.select(WorkerEvent).where(
        WorkerEvent.worker_id == me.id, WorkerEvent.kind == "trainee_report")) is not None
    assert me.status == "seeking"  # nothing changes until the officer confirms
    client.post("/auth/logout")
    officer = factory.user("officer")
    login(officer)
    assert "遵义某厂" in text_of(client.get("/training/reports"))
    client.post(f"/training/reports/{report.id}", data={"action": "confirm"})
    db.session.refresh(report)
    assert report.status == "confirmed"


def test_officer_pages_and_outcomes_export(client, db, factory, login):
    course, session = make_course(db, start=china_today() + timedelta(days=1))
    officer = login(factory.user("officer", area_code="520526"))
    worker = factory.worker(area_code="520526", name="张三")
    assert "焊工培训" in text_of(client.get("/training/"))
    page = text_of(client.get(f"/training/sessions/{session.id}"))
    assert "张三" in page  # a candidate to invite
    resp = client.post(f"/training/sessions/{session.id}/invite", data={"worker_id": worker.id})
    assert resp.status_code == 302
    resp = client.post(f"/training/sessions/{session.id}/enrol", data={"worker_id": worker.id})
    assert resp.status_code == 302
    e = db.session.scalar(sa.select(Enrolment).where(Enrolment.worker_id == worker.id))
    assert e.source == "officer"
    complete(e, passed=True, certificate_number="=HYPERLINK(1)", by=officer,
             day=china_today() + timedelta(days=12))
    assert "张三" in text_of(client.get(f"/training/sessions/{session.id}"))
    assert client.get("/training/outcomes").status_code == 200
    resp = client.get("/training/outcomes.xlsx")
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "T-WELD-01" and rows[1][6] == 1 and rows[1][9] == 1
    assert db.session.scalar(sa.select(AuditLog).where(
        AuditLog.action == "export_training_outcomes")) is not None


def test_officer_outside_the_area_cannot_enrol_or_see_the_worker(client, db, factory, login):
    _course, session = make_course(db)
    worker = factory.worker(area_code="520115")
    login(factory.user("officer", area_code="520526"))
    resp = client.post(f"/training/sessions/{session.id}/enrol", data={"worker_id": worker.id})
    assert resp.status_code == 404


def test_catalogue_rows_are_visible_to_every_trainee(client, db, factory, login):
    course, session = make_course(db)
    factory.worker()  # so that the trainee's worker id is not 1 ("*" scopes once compared ids)
    _me, user = _trainee(factory)
    login(user)
    assert client.get(f"/training/courses/{course.id}").status_code == 200
    assert "焊工培训" in text_of(client.get("/training/"))
