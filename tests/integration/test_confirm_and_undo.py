"""Irreversible actions ask first on the server (a POST without confirm=1 only shows what
would happen), and cheap ones offer an Undo to the user who acted, for ten minutes (#15)."""
from __future__ import annotations

import html
import re
from datetime import UTC, timedelta

import sqlalchemy as sa
import time_machine

from app import clock
from app.auth.models import ApiToken, AuditLog
from app.auth.service import verify_password
from app.auth.tokens import issue_token
from app.placements.followups import offsets
from app.placements.models import Placement, Referral
from app.placements.schedule import followup_due_dates
from app.placements.service import refer
from app.registry.models import Household, WorkerEvent
from app.todo.kinds import TodoKind
from app.todo.models import Todo
from app.todo.service import open_item
from app.training.models import Enrolment
from app.training.service import enrol
from tests.conftest import PASSWORD, text_of
from tests.factories.training import make_course


def _confirm_form(resp) -> dict[str, str]:
    """The fields the confirmation page would post back (its hidden inputs)."""
    body = resp.get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]*)"[^>]*id="confirm-form">(.*?)</form>',
                     body, re.S)
    assert form, body[:2000]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                             form.group(2)))
    return {"action": html.unescape(form.group(1)),
            **{k: html.unescape(v) for k, v in fields.items()}}


def _undo_token(resp) -> str:
    found = re.search(r'name="token" value="([^"]+)"', resp.get_data(as_text=True))
    assert found, text_of(resp)[:1500]
    return html.unescape(found.group(1))


def _audits(db, action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


# ---- confirm first ---------------------------------------------------------------------


def test_a_hire_without_confirmation_only_shows_what_it_will_do(client, db, factory, login):
    employer = factory.employer()
    job = factory.job(employer=employer, title="电子装配工", headcount=3)
    worker = factory.worker(name="张三")
    referral = refer(worker, job, by=None)
    login(factory.user("employer", employer_id=employer.id))
    start = clock.today() + timedelta(days=3)
    terms = {"start_date": start.isoformat(), "monthly_wage": "5200", "contract_months": "12",
             "next": "/referrals?status=hired"}
    resp = client.post(f"/referrals/{referral.id}/hire", data=terms)
    assert resp.status_code == 200
    page = text_of(resp)
    assert "确认录用 张三？" in page and "电子装配工" in page and "5,200" in page
    for _offset, due in followup_due_dates(start, offsets()):  # the dates it will schedule
        assert due.isoformat() in page
    assert db.session.scalar(sa.select(Placement.id)) is None
    db.session.refresh(referral)
    assert referral.status == "referred" and not _audits(db, "placement_create")
    # The page posts the same terms back with confirm=1: now the hire is made.
    form = _confirm_form(resp)
    assert form["confirm"] == "1" and form["monthly_wage"] == "5200"
    assert form["action"] == f"/referrals/{referral.id}/hire"
    done = client.post(form.pop("action"), data=form)
    assert done.status_code == 302 and done.location.endswith("/referrals?status=hired")
    placement = db.session.scalar(sa.select(Placement))
    assert placement.monthly_wage == 5200 and placement.start_date == start


def test_the_confirmation_page_switches_language_on_the_page_it_came_from(
        client, db, factory, login):
    """The hire's address takes only POSTs: the page's English link must not lead there."""
    employer = factory.employer()
    referral = refer(factory.worker(), factory.job(employer=employer), by=None)
    login(factory.user("employer", employer_id=employer.id))
    resp = client.post(f"/referrals/{referral.id}/hire",
                       data={"start_date": clock.today().isoformat()},
                       headers={"Referer": "http://localhost/referrals?status=referred&lang=zh"})
    link = re.search(r'<a class="nav-link" href="([^"]+)" lang="en">English</a>',
                     resp.get_data(as_text=True))
    assert link, text_of(resp)[:800]
    href = html.unescape(link.group(1))
    assert href == "/referrals?status=referred&lang=en"
    switched = client.get(href)
    assert switched.status_code == 200 and "Candidates" in text_of(switched)  # in English


def test_an_officers_direct_hire_asks_first_too(client, db, factory, login):
    job = factory.job(employer=factory.employer(), title="电焊工")
    worker = factory.worker(name="王五")
    login(factory.user("officer", area_code="520526"))
    data = {"job_id": job.id, "start_date": clock.today().isoformat()}
    resp = client.post(f"/workers/{worker.id}/placement", data=data)
    assert resp.status_code == 200 and "确认录用 王五？" in text_of(resp)
    assert db.session.scalar(sa.select(Placement.id)) is None
    assert db.session.scalar(sa.select(Referral.id)) is None  # not even referred
    assert client.post(f"/workers/{worker.id}/placement",
                       data={**data, "confirm": "1"}).status_code == 302
    assert db.session.scalar(sa.select(Placement.worker_id)) == worker.id


def test_password_reset_and_token_revoke_ask_first(client, db, factory, login):
    worker = factory.worker(area_code="520526")
    trainee = factory.user("trainee", worker_id=worker.id)
    login(factory.user("officer", area_code="520526"))
    resp = client.post(f"/auth/users/{trainee.id}/reset-password")
    assert resp.status_code == 200
    assert f"确定重置 {trainee.username} 的密码？" in text_of(resp)
    db.session.refresh(trainee)
    assert verify_password(trainee, PASSWORD) and not _audits(db, "password_reset")
    assert client.post(f"/auth/users/{trainee.id}/reset-password",
                       data={"confirm": "1"}).status_code == 302
    db.session.refresh(trainee)
    assert not verify_password(trainee, PASSWORD) and len(_audits(db, "password_reset")) == 1

    user = login(factory.user("officer"))
    _plain, token = issue_token(user, "民政对接")
    resp = client.post("/auth/tokens", data={"revoke": token.id})
    assert resp.status_code == 200 and "民政对接" in text_of(resp)
    assert db.session.get(ApiToken, token.id).revoked_at is None
    # A script asking for JSON is told what is missing, in the API's error shape.
    resp = client.post("/auth/tokens", data={"revoke": token.id},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 428
    assert resp.get_json()["error"]["code"] == "confirmation_required"
    assert db.session.get(ApiToken, token.id).revoked_at is None
    client.post("/auth/tokens", data={"revoke": token.id, "confirm": "1"})
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_household_delete_export_and_course_withdrawal_need_confirmation(client, db, factory,
                                                                         login):
    login(factory.user("officer", area_code="520526"))
    client.post("/registry/households/new", data={
        "area_code": "520526", "head_name": "孙七", "village": "龙街镇"})
    household = db.session.scalar(sa.select(Household).where(Household.head_name == "孙七"))
    assert client.post(f"/registry/households/{household.id}/delete").status_code == 200
    assert db.session.get(Household, household.id) is not None
    factory.worker(name="赵六")
    resp = client.post("/registry/workers/export.xlsx?full=1", data={"purpose": "社保补贴"})
    assert "spreadsheet" not in resp.content_type and 'id="export-confirm"' in resp.get_data(
        as_text=True)
    assert not _audits(db, "registry_export")

    _course, session = make_course(db)
    worker = factory.worker(name="钱八")
    enrolment = enrol(worker, session, by=None)
    login(factory.user("trainee", worker_id=worker.id))
    resp = client.post(f"/training/enrolments/{enrolment.id}/withdraw", data={})
    assert resp.status_code == 200 and "确定退出 焊工培训？" in text_of(resp)
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"
    assert client.post(f"/training/enrolments/{enrolment.id}/withdraw",
                       data={"confirm": "1"}).status_code == 302
    db.session.refresh(enrolment)
    assert enrolment.status == "withdrawn"


# ---- undo ------------------------------------------------------------------------------


def _declined(client, db, factory, login):
    employer = factory.employer()
    job = factory.job(employer=employer, title="电子装配工")
    referral = refer(factory.worker(name="张三"), job, by=None)
    user = login(factory.user("employer", employer_id=employer.id))
    client.post(f"/referrals/{referral.id}/respond", data={"action": "accept"})
    resp = client.post(f"/referrals/{referral.id}/respond", follow_redirects=True, data={
        "action": "decline", "reason": "经验不足", "next": "/referrals?status=all"})
    assert "张三 未被录用（电子装配工）" in text_of(resp) and "撤销" in text_of(resp)
    db.session.refresh(referral)
    assert referral.status == "declined"
    return referral, user, _undo_token(resp)


def test_undo_a_decline_restores_the_referral_once_and_is_audited(client, db, factory, login):
    referral, user, token = _declined(client, db, factory, login)
    resp = client.post("/undo", data={"token": token, "next": "/referrals?status=all"})
    assert resp.status_code == 302 and resp.location.endswith("/referrals?status=all")
    db.session.refresh(referral)
    assert referral.status == "interview" and referral.decline_reason == ""  # as it was
    assert "张三 重新成为 电子装配工 的候选人" in text_of(client.get("/referrals?status=all"))
    undo = _audits(db, "undo")
    assert len(undo) == 1 and undo[0].user_id == user.id
    assert undo[0].target_type == "Referral" and undo[0].target_id == str(referral.id)
    assert undo[0].detail["kind"] == "referral_decline"
    assert db.session.scalar(sa.select(WorkerEvent.id).where(
        WorkerEvent.worker_id == referral.worker_id, WorkerEvent.kind == "referral_undeclined"))
    # The same offer again: the referral moved on, nothing changes.
    client.post("/undo", data={"token": token, "next": "/referrals"})
    db.session.refresh(referral)
    assert referral.status == "interview" and len(_audits(db, "undo")) == 1


def test_undo_is_refused_after_ten_minutes_and_to_anyone_else(client, db, factory, login):
    referral, user, token = _declined(client, db, factory, login)
    with time_machine.travel(clock.utcnow().replace(tzinfo=UTC) + timedelta(minutes=11)):
        resp = client.post("/undo", data={"token": token, "next": "/referrals"},
                           follow_redirects=True)
    assert "已超过 10 分钟，无法撤销" in text_of(resp)
    db.session.refresh(referral)
    assert referral.status == "declined" and not _audits(db, "undo")
    # Another user of the same employer cannot use the offer; a forged one is refused.
    login(factory.user("employer", employer_id=referral.employer_id))
    assert client.post("/undo", data={"token": token}).status_code == 403
    assert client.post("/undo", data={"token": token[:-2] + "xx"}).status_code == 400
    db.session.refresh(referral)
    assert referral.status == "declined" and not _audits(db, "undo")


def test_closing_a_todo_item_can_be_undone(client, db, factory, login):
    item = open_item(TodoKind.callback, "520526", contact_name="王先生",
                     contact_phone="13985001234")
    officer = login(factory.user("officer", area_code="520526"))
    resp = client.post(f"/todo/{item.id}/close", data={"outcome": "已回电"},
                       follow_redirects=True)
    assert "已办结：回电 · 王先生" in text_of(resp)
    assert db.session.get(Todo, item.id).status == "done"
    client.post("/undo", data={"token": _undo_token(resp), "next": "/todo/"})
    db.session.expire_all()
    item = db.session.get(Todo, item.id)
    assert item.status == "open" and item.outcome == "" and item.closed_at is None
    assert [a.detail["kind"] for a in _audits(db, "undo")] == ["todo_close"]
    assert _audits(db, "undo")[0].user_id == officer.id
