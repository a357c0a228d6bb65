"""Follow-ups: creation at placement, the festival check, the sweep, the officer queue,
recording outcomes and their effects (status, household, alerts, employer flag)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.auth.models import AuditLog
from app.employers.models import Employer
from app.errors_domain import ConflictError, DomainError
from app.notifications.models import Notification
from app.placements.followup_models import FollowUp, WageArrearsCase
from app.placements.followups import mark_overdue, queue, queue_counts, schedule_followups, sweep
from app.placements.models import Placement
from app.placements.outcomes import Outcome, record_outcome
from app.registry.models import Household, HouseholdPlanEntry, WorkerEvent
from tests.conftest import text_of
from tests.factories.placements import START, place


def followups(db, placement):
    return list(db.session.scalars(sa.select(FollowUp).where(
        FollowUp.placement_id == placement.id).order_by(FollowUp.due_date)))


def household(db, area_code="520526", monitored=True, number=None):
    n = db.session.scalar(sa.select(sa.func.count(Household.id))) + 1
    h = Household(number=number or f"H{area_code}{n:05d}", area_code=area_code,
                  monitored=monitored)
    db.session.add(h)
    db.session.flush()
    return h


# --- creation ----------------------------------------------------------------------------

def test_placement_creates_followups_on_working_days(db, factory):
    placement = place(factory)
    rows = [(f.kind, f.slot, f.due_date, f.status) for f in followups(db, placement)]
    assert rows == [
        ("day", 7, date(2025, 10, 9), "due"),    # 1 Oct is National Day: holiday to 8 Oct
        ("day", 30, date(2025, 10, 24), "due"),
        ("day", 90, date(2025, 12, 23), "due"),
        ("day", 180, date(2026, 3, 23), "due"),
    ]  # the 2026 Spring Festival is months away: its check is created when it nears
    fu = followups(db, placement)[0]
    assert fu.area_code == placement.area_code and fu.employer_id == placement.employer_id


def test_creating_twice_is_impossible(db, factory):
    placement = place(factory)
    schedule_followups(placement, today=START)
    assert len(followups(db, placement)) == 4
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.add(FollowUp(placement_id=placement.id, worker_id=placement.worker_id,
                                    area_code="520526", kind="day", slot=7,
                                    due_date=date(2025, 10, 9)))


def test_offsets_are_configurable(app, db, factory):
    app.config["FOLLOWUP_OFFSETS"] = (3, 60)
    try:
        placement = place(factory)
    finally:
        app.config.pop("FOLLOWUP_OFFSETS")
    assert [(f.slot, f.due_date) for f in followups(db, placement)] == [
        (3, date(2025, 9, 28)),  # Sunday 28 Sept 2025 is a make-up working day (调休)
        (60, date(2025, 11, 24)),  # 23 Nov is a Sunday
    ]


def test_back_to_work_check_after_spring_festival(db, factory):
    before = place(factory, start=date(2025, 12, 1))
    after = place(factory, start=date(2026, 2, 20))  # started after the festival (17 Feb)
    ended = place(factory, start=date(2025, 11, 1))
    ended.status, ended.end_date, ended.end_kind = "ended", date(2026, 1, 10), "left"
    db.session.flush()
    assert sweep(date(2026, 1, 10))["festival_created"] == 0  # festival not near yet
    created = sweep(date(2026, 1, 20))["festival_created"]
    festival = db.session.scalars(sa.select(FollowUp).where(FollowUp.kind == "festival")).all()
    assert created == 1 and [(f.placement_id, f.slot) for f in festival] == [(before.id, 2026)]
    # 2026 Spring Festival is 17 Feb (from the lunar calendar); +14 days = Tue 3 Mar
    assert festival[0].due_date == date(2026, 3, 3)
    assert sweep(date(2026, 1, 21))["festival_created"] == 0  # idempotent
    assert after.id not in {f.placement_id for f in festival}


def test_back_dated_placement_gets_its_past_festival_check(db, factory):
    placement = place(factory, start=date(2025, 12, 1), today=date(2026, 6, 1))
    kinds = {(f.kind, f.slot): f.due_date for f in followups(db, placement)}
    assert kinds[("festival", 2026)] == date(2026, 3, 3)


def test_sweep_marks_overdue_once(db, factory):
    placement = place(factory)
    assert mark_overdue(date(2025, 10, 25)) == 2  # day 7 and day 30
    assert mark_overdue(date(2025, 10, 25)) == 0
    statuses = [f.status for f in followups(db, placement)]
    assert statuses == ["overdue", "overdue", "due", "due"]


def test_sweep_queues_worker_reminder_in_their_language_once(db, factory):
    worker = factory.worker(preferred_language="en")
    place(factory, worker=worker)
    first = sweep(date(2025, 10, 9))
    again = sweep(date(2025, 10, 9))
    assert first["worker_reminders"] == 1 and again["worker_reminders"] == 0
    note = db.session.scalars(sa.select(Notification).where(
        Notification.recipient_worker_id == worker.id)).one()
    assert (note.channel, note.locale, note.status, note.address) == (
        "sms", "en", "pending", worker.phone)


# --- the queue -----------------------------------------------------------------------------

def test_queue_scoped_to_area_and_sorted_monitored_first(db, factory):
    weining = factory.user("officer", area_code="520526")
    bijie = factory.user("officer", area_code="520500")
    guanshanhu = factory.user("officer", area_code="520115")
    plain = place(factory)
    monitored_worker = factory.worker(household_id=household(db).id)
    monitored = place(factory, worker=monitored_worker)
    elsewhere = place(factory, area_code="520115")
    day = date(2025, 10, 9)
    rows = db.session.execute(queue(weining, "today", day)).all()
    assert [f.placement_id for f in rows] == [monitored.id, plain.id]
    assert rows[0].monitored is True and rows[0].worker_name == monitored_worker.name
    assert {f.placement_id for f in db.session.execute(queue(bijie, "today", day))} == {
        plain.id, monitored.id}
    assert [f.placement_id for f in db.session.execute(queue(guanshanhu, "today", day))] == [
        elsewhere.id]
    counts = queue_counts(weining, date(2025, 10, 20))
    assert counts == {"today": 0, "week": 2, "overdue": 2,  # day-30 due Fri 24 Oct
                      "upcoming": 4}  # day 90 and 180


def test_queue_page(client, db, factory, login_as):
    officer = login_as("officer", area_code="520526")
    place(factory, officer=officer, start=clock.today() - timedelta(days=10))
    body = text_of(client.get("/followups/?tab=overdue"))
    assert "测试" in body and "第7天" in body.replace(" ", "") or "Day 7" in body
    assert client.get("/followups/?tab=nonsense").status_code == 200


def test_other_area_cannot_open_a_followup(client, db, factory, login_as):
    placement = place(factory, area_code="520115")
    fu = followups(db, placement)[0]
    login_as("officer", area_code="520526")
    assert client.get(f"/followups/{fu.id}").status_code == 404
    client.post("/auth/logout")
    login_as("employer")
    assert client.get(f"/followups/{fu.id}").status_code == 403


# --- outcomes ----------------------------------------------------------------------------

def test_still_in_job(db, factory):
    officer = factory.user("officer")
    placement = place(factory, officer=officer)
    fu = followups(db, placement)[0]
    record_outcome(fu, Outcome("phone", True, "still", current_wage=5400, satisfaction=4,
                               note="一切顺利"), by=officer, today=date(2025, 10, 9))
    assert fu.status == "done" and fu.recorded_by_id == officer.id and fu.current_wage == 5400
    assert placement.status == "active"
    event = db.session.scalars(sa.select(WorkerEvent).where(
        WorkerEvent.worker_id == placement.worker_id, WorkerEvent.kind == "follow_up")).one()
    assert event.detail["employment"] == "still"
    with pytest.raises(ConflictError):
        record_outcome(fu, Outcome("phone", True, "still"), by=officer, today=date(2025, 10, 9))


def test_left_the_job(db, factory):
    officer = factory.user("officer", area_code="520526")
    h = household(db)
    worker = factory.worker(household_id=h.id)
    placement = place(factory, worker=worker, officer=officer)
    fu = followups(db, placement)[1]
    record_outcome(fu, Outcome("visit", True, "left", left_date=date(2025, 10, 20),
                               left_reason="想家", issues=["homesick"]),
                   by=officer, today=date(2025, 10, 24))
    db.session.refresh(placement)
    assert (placement.status, placement.end_date, placement.end_kind, placement.end_reason) == (
        "ended", date(2025, 10, 20), "left", "想家")
    assert worker.status == "seeking"
    assert [f.status for f in followups(db, placement)] == ["cancelled", "done", "cancelled",
                                                            "cancelled"]
    db.session.refresh(h)
    assert h.at_risk is True
    from app.registry.queries import zero_employment
    assert db.session.scalar(sa.select(zero_employment()).where(Household.id == h.id))
    assert db.session.scalar(sa.select(sa.func.count(HouseholdPlanEntry.id)).where(
        HouseholdPlanEntry.household_id == h.id)) == 1
    alerts = db.session.scalars(sa.select(Notification).where(
        Notification.recipient_user_id == officer.id)).all()
    kinds = {n.kind for n in alerts}
    assert {"job_lost", "household_at_risk"} <= kinds
    lost = next(n for n in alerts if n.kind == "job_lost")
    assert str(worker.id) in lost.link and worker.name in lost.text


def test_outcome_validation(db, factory):
    officer = factory.user("officer")
    placement = place(factory, officer=officer)
    fu = followups(db, placement)[0]
    day = date(2025, 10, 9)
    cases = [
        (Outcome("fax", True, "still"), "method"),
        (Outcome("phone", True, None), "employment"),
        (Outcome("phone", True, "left", left_reason="x"), "left_date"),
        (Outcome("phone", True, "left", left_date=date(2025, 9, 1), left_reason="x"),
         "left_date"),
        (Outcome("phone", True, "left", left_date=day), "left_reason"),
        (Outcome("phone", True, "changed", left_date=day), "new_employer_name"),
        (Outcome("phone", True, "still", satisfaction=9), "satisfaction"),
    ]
    for outcome, field in cases:
        with pytest.raises(DomainError) as exc:
            record_outcome(fu, outcome, by=officer, today=day)
        assert exc.value.field == field
    assert fu.status == "due"


def test_changed_job_keeps_worker_in_view(db, factory):
    officer = factory.user("officer")
    placement = place(factory, officer=officer)
    new_employer = factory.employer(name="贵阳新岗位有限公司")
    fu = followups(db, placement)[1]
    record_outcome(fu, Outcome("wechat", True, "changed", new_employer_name="贵阳新岗位",
                               new_employer_credit_code=new_employer.credit_code.lower(),
                               new_wage=6200, left_date=date(2025, 10, 15)),
                   by=officer, today=date(2025, 10, 24))
    db.session.refresh(placement)
    assert placement.end_kind == "changed" and placement.worker.status == "employed"
    successor = db.session.scalars(sa.select(Placement).where(
        Placement.previous_id == placement.id)).one()
    assert successor.employer_id == new_employer.id and successor.monthly_wage == 6200
    assert successor.start_date == date(2025, 10, 15)
    assert len(followups(db, successor)) == 4
    assert fu.new_employer_name == "贵阳新岗位有限公司"  # the registered name, not the typed one


def test_a_new_employer_named_alone_is_never_matched_to_a_registered_one(db, factory):
    # Another employer renamed itself to this name: a name proves nothing.
    officer = factory.user("officer")
    placement = place(factory, officer=officer)
    factory.employer(name="贵州宏达电子有限公司")
    impostor = factory.employer(name="贵州宏达电子有限公司")
    fu = followups(db, placement)[1]
    record_outcome(fu, Outcome("phone", True, "changed", new_employer_name="贵州宏达电子有限公司",
                               new_wage=5000, left_date=date(2025, 10, 15)),
                   by=officer, today=date(2025, 10, 24))
    successor = db.session.scalars(sa.select(Placement).where(
        Placement.previous_id == placement.id)).one()
    assert successor.employer_id is None and successor.employer_name == "贵州宏达电子有限公司"
    assert impostor.id != successor.employer_id
    with pytest.raises(DomainError) as exc:  # a mistyped code is refused on its field
        record_outcome(followups(db, successor)[0], Outcome(
            "phone", True, "changed", new_employer_credit_code="91441900MA0000000X",
            left_date=date(2025, 10, 20)), by=officer, today=date(2025, 10, 24))
    assert exc.value.field == "new_employer_credit_code"


def test_three_failed_attempts_escalate_to_supervisor(db, factory):
    supervisor = factory.user("officer", area_code="520500")
    officer = factory.user("officer", area_code="520526")
    officer.supervisor_id = supervisor.id
    factory.user("officer", area_code="520500")  # another prefecture officer: not chosen
    placement = place(factory, officer=officer)
    fu = followups(db, placement)[0]
    for _ in range(2):
        record_outcome(fu, Outcome("phone", False), by=officer, today=date(2025, 10, 9))
    assert fu.escalated_to_id is None and fu.failed_attempts == 2
    record_outcome(fu, Outcome("phone", False, note="关机"), by=officer, today=date(2025, 10, 9))
    assert fu.escalated_to_id == supervisor.id and fu.status == "due" and len(fu.attempts) == 3
    note = db.session.scalars(sa.select(Notification).where(
        Notification.recipient_user_id == supervisor.id)).one()
    assert note.kind == "followup_escalated" and note.channel == "in_app"
    record_outcome(fu, Outcome("phone", False), by=officer, today=date(2025, 10, 9))
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.kind == "followup_escalated")) == 1  # escalated once


def test_escalation_without_supervisor_goes_to_parent_area(db, factory):
    prefecture = factory.user("officer", area_code="520500")
    officer = factory.user("officer", area_code="520526")
    placement = place(factory, officer=officer)
    fu = followups(db, placement)[0]
    for _ in range(3):
        record_outcome(fu, Outcome("phone", False), by=officer, today=date(2025, 10, 9))
    assert fu.escalated_to_id == prefecture.id


def test_wage_arrears_flags_employer_until_resolved(db, factory):
    from app.placements.arrears import resolve_case

    officer = factory.user("officer")
    job = factory.job(headcount=10)
    first = place(factory, job=job, officer=officer)
    second = place(factory, job=job, officer=officer)
    employer = db.session.get(Employer, job.employer_id)
    for placement in (first, second):
        record_outcome(followups(db, placement)[0],
                       Outcome("phone", True, "still", issues=["wage_arrears"], note="两个月没发"),
                       by=officer, today=date(2025, 10, 9))
    record_outcome(followups(db, first)[1],
                   Outcome("phone", True, "still", issues=["wage_arrears"]),
                   by=officer, today=date(2025, 10, 24))  # same worker again: same case
    cases = db.session.scalars(sa.select(WageArrearsCase).order_by(WageArrearsCase.id)).all()
    assert len(cases) == 2 and all(c.status == "open" for c in cases)
    assert employer.arrears_open is True
    with pytest.raises(DomainError):
        resolve_case(cases[0], " ", by=officer)
    resolve_case(cases[0], "劳动监察介入，已补发", by=officer)
    db.session.refresh(employer)
    assert employer.arrears_open is True  # the second case is still open
    resolve_case(cases[1], "已补发", by=officer)
    db.session.refresh(employer)
    assert employer.arrears_open is False
    with pytest.raises(ConflictError):
        resolve_case(cases[1], "again", by=officer)


# --- the pages -----------------------------------------------------------------------------

def test_outcome_form_rerenders_with_errors_and_keeps_input(client, db, factory, login_as):
    officer = login_as("officer", area_code="520526")
    placement = place(factory, officer=officer, start=clock.today() - timedelta(days=8))
    fu = followups(db, placement)[0]
    resp = client.post(f"/followups/{fu.id}", data={
        "method": "visit", "reached": "yes", "employment": "left", "left_reason": "工资太低",
        "note": "下周再联系"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "工资太低" in html and "下周再联系" in html
    assert "is-invalid" in html  # the date field carries the error
    resp = client.post(f"/followups/{fu.id}", data={
        "method": "visit", "reached": "yes", "employment": "still", "current_wage": "5600",
        "issues": ["wage_arrears", "housing"], "satisfaction": "3"})
    assert resp.status_code == 302
    db.session.refresh(fu)
    assert fu.status == "done" and fu.issues == ["housing", "wage_arrears"]
    assert client.get("/followups/arrears").status_code == 200
    case = db.session.scalars(sa.select(WageArrearsCase)).one()
    resp = client.post(f"/followups/arrears/{case.id}/resolve",
                       data={"resolution_note": "已协调补发"})
    assert resp.status_code == 302
    db.session.refresh(case)
    assert case.status == "resolved"


def test_blank_outcome_form_is_shown_in_the_users_language(app, client, db, factory,
                                                           login_as):
    from flask import render_template

    from app.placements.forms import OutcomeForm
    from app.placements.views import blank_outcome_fields

    officer = login_as("officer", area_code="520526")
    fu = followups(db, place(factory, officer=officer,
                             start=clock.today() - timedelta(days=8)))[0]
    zh = client.get(f"/followups/{fu.id}").get_data(as_text=True)
    en = client.get(f"/followups/{fu.id}?lang=en").get_data(as_text=True)
    assert "联系方式" in zh and "Contact method" not in zh
    assert "Contact method" in en and "联系方式" not in en
    assert 'name="issues"' in zh and 'name="issues"' in en
    for lang in ("zh", "en"):  # the cached fields are what the blank form renders
        with app.test_request_context(f"/?lang={lang}"):
            app.preprocess_request()
            live = render_template("placements/_outcome_fields.html", form=OutcomeForm())
            assert str(blank_outcome_fields()) == live


def test_failed_attempt_through_the_form(client, db, factory, login_as):
    officer = login_as("officer", area_code="520526")
    placement = place(factory, officer=officer, start=clock.today() - timedelta(days=8))
    fu = followups(db, placement)[0]
    resp = client.post(f"/followups/{fu.id}", data={"method": "phone", "reached": "no"})
    assert resp.status_code == 302
    db.session.refresh(fu)
    assert fu.failed_attempts == 1 and fu.status in ("due", "overdue")


def test_showing_the_phone_is_audited(client, db, factory, login_as):
    officer = login_as("officer", area_code="520526")
    placement = place(factory, officer=officer)
    fu = followups(db, placement)[0]
    worker = placement.worker
    assert worker.phone not in client.get(f"/followups/{fu.id}").get_data(as_text=True)
    assert worker.phone in client.get(f"/followups/{fu.id}?reveal=1").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "worker_phone_view")) == 1


def test_sweep_steps_are_bounded_and_continue(db, factory):
    placement = place(factory)
    assert mark_overdue(date(2026, 6, 1), batch=3) == 3
    assert mark_overdue(date(2026, 6, 1), batch=3) == 1  # the next sweep finishes the work
    assert mark_overdue(date(2026, 6, 1), batch=3) == 0
    assert {f.status for f in followups(db, placement)} == {"overdue"}
