"""Jobs found elsewhere (form, API, roster import), the monthly check-in cycle (answers,
reminders, the no-answer queue, idempotent sending), layoff alerts reaching the right
counties with proposals, and the destinations page's figures."""
from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace as NS

import sqlalchemy as sa
from openpyxl import Workbook

from app.auth.models import AuditLog
from app.auth.service import create_user
from app.employment import checkins
from app.employment.answers import CheckInAnswer, answer_checkin
from app.employment.layoffs import order_proposals
from app.employment.models import (
    CheckIn,
    EmploymentRecord,
    LabourPartner,
    LayoffAffected,
    PartnerEmployer,
)
from app.employment.records import clean_record, record_job
from app.notifications.delivery import _text_for
from app.notifications.models import Notification
from app.placements.followup_models import WageArrearsCase
from app.registry.households import save_site
from app.registry.models import Worker
from app.signals import worker_not_working
from app.todo.models import Todo
from tests.conftest import PASSWORD, text_of
from tests.factories.placements import place
from tests.factories.roster import good_rows
from tests.support.api import error_of, ok

SEND = date(2025, 11, 5)  # a Wednesday: November's sending day (CHECKIN_DAY 5)


def job(factory, worker, place="广东省东莞市长安镇", start="2025-06", employer_name="长安电子厂",
        **extra):
    values = clean_record({"employer_name": employer_name, "place": place,
                           "start_month": start, "monthly_wage": 5200, "sector": "电子制造",
                           **extra}, today=SEND)
    return record_job(worker, values, by=None, source="form")


def count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- recording a job found elsewhere ---------------------------------------------------------

def test_a_job_recorded_by_form_resolves_the_place_and_employs_the_worker(client, login_as,
                                                                           factory, db):
    login_as("officer", area_code="520526")
    worker = factory.worker()
    url = f"/employment/workers/{worker.id}/jobs"
    bad = client.post(url, data={"employer_name": "长安电子厂", "place": "火星基地",
                                 "start_month": "2025-03", "found_via": "relatives"})
    assert bad.status_code == 422
    assert count(db, EmploymentRecord) == 0
    resp = client.post(url, data={"employer_name": "长安电子厂", "place": "东莞长安",
                                  "sector": "电子制造", "start_month": "2025年3月",
                                  "monthly_wage": "5200", "found_via": "relatives"})
    assert resp.status_code == 302
    record = db.session.scalar(sa.select(EmploymentRecord))
    assert (record.province_code, record.city_code, record.region) == ("440000", "441900", "prd")
    assert record.start_month == date(2025, 3, 1) and record.found_via == "relatives"
    assert worker.status == "employed"
    page = text_of(client.get(f"/registry/workers/{worker.id}"))
    assert "长安电子厂" in page


def test_a_job_recorded_and_ended_through_the_api(api, factory, db):
    officer = factory.user("officer", area_code="520526")
    caller = api.as_(officer)
    worker = factory.worker()
    employer = factory.employer(industry="电子制造")
    body = ok(caller.post("/employment-records", {
        "worker_id": worker.id, "employer_id": employer.id, "area_code": "320583",
        "start_month": "2025-04", "monthly_wage": 6000, "found_via": "agency"}), 201)
    assert body["employer_name"] == employer.name and body["province_code"] == "320000"
    assert body["sector"] == "电子制造" and body["end_month"] is None
    err = error_of(caller.post("/employment-records", {
        "worker_id": worker.id, "employer_name": "某厂", "start_month": "2025-05"}), 422)
    assert "place" in err["fields"]
    ended = ok(caller.patch(f"/employment-records/{body['id']}", {"end_month": "2025-09"}))
    assert ended["end_month"] == "2025-09"
    assert worker.status == "seeking"
    listing = ok(caller.get("/employment-records", worker_id=worker.id))
    assert listing["meta"]["total"] == 1
    other = api.as_(factory.user("officer", area_code="520115"))
    assert other.get(f"/employment-records/{body['id']}").status_code == 404
    bad_month = error_of(caller.get("/checkins", month="9254-73"), 422)  # was a 500
    assert "month" in bad_month["fields"]


def test_roster_import_records_the_jobs_columns(client, login, factory, db):
    officer = factory.user("officer", area_code="520526")
    save_site({"name": "五里岗安置点", "county_code": "520526"}, officer)
    login(officer)
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "安置点", "用工单位", "务工地", "入职年月", "月工资",
                  "就业渠道"])
    rows = good_rows(3)
    sheet.append([rows[0][0], rows[0][1], "五里岗安置点", "苏州精工", "昆山", "2025-02",
                  "6100", "亲友介绍"])
    sheet.append([rows[1][0], rows[1][1], "五里岗安置点", "某厂", "火星基地", "2025-02", "", ""])
    sheet.append([rows[2][0], rows[2][1], "五里岗安置点", "", "", "", "", ""])
    content = io.BytesIO()
    book.save(content)
    resp = client.post("/registry/import", data={"file": (io.BytesIO(content.getvalue()),
                                                           "roster.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    assert count(db, Worker) == 3  # the bad place costs the job, not the worker
    record = db.session.scalar(sa.select(EmploymentRecord))
    assert (record.employer_name, record.city_code, record.monthly_wage,
            record.found_via, record.source) == ("苏州精工", "320500", 6100, "relatives",
                                                 "import")
    report = text_of(client.get(resp.headers["Location"]))
    assert "务工地" in report
    client.post("/registry/import", data={"file": (io.BytesIO(content.getvalue()),
                                                   "roster.xlsx")},
                content_type="multipart/form-data")
    assert count(db, EmploymentRecord) == 1  # importing again changes nothing


# --- the check-in cycle ------------------------------------------------------------------------

def test_checkins_go_once_remind_twice_then_ask_an_officer_to_call(app, factory, db):
    factory.user("officer", area_code="520526")
    far = [factory.worker() for _ in range(3)]
    for w in far:
        job(factory, w)
    home = factory.worker()
    job(factory, home, place="威宁县")  # in the worker's own county: no check-in
    assert checkins.sweep(date(2025, 11, 4))["created"] == 0  # before the sending day
    first = checkins.sweep(SEND)
    assert (first["created"], first["sent"]) == (3, 3)
    assert checkins.sweep(SEND) == {"created": 0, "sent": 0, "reminders": 0, "calls": 0}
    sms = db.session.scalars(sa.select(Notification).where(Notification.kind == "checkin")).all()
    assert len(sms) == 3 and {n.address for n in sms} == {w.phone for w in far}
    text = _text_for(sms[0])
    assert "/c/" in text and checkins.token_for(sms[0].subject_id) in text
    answered = db.session.scalar(sa.select(CheckIn).where(CheckIn.worker_id == far[0].id))
    answer_checkin(answered, CheckInAnswer("same", wage=5600), today=SEND)
    assert answered.record.monthly_wage == 5600
    assert checkins.sweep(date(2025, 11, 8)) == {"skipped_holiday": 1}  # a Saturday
    assert checkins.sweep(date(2025, 11, 10))["reminders"] == 2
    assert checkins.sweep(date(2025, 11, 11))["reminders"] == 0
    assert checkins.sweep(date(2025, 11, 13))["reminders"] == 2
    assert checkins.sweep(date(2025, 11, 14))["calls"] == 0
    assert checkins.sweep(date(2025, 11, 17))["calls"] == 2
    assert checkins.sweep(date(2025, 11, 18))["calls"] == 0
    todos = db.session.scalars(sa.select(Todo).where(Todo.kind == "checkin_no_answer")).all()
    assert sorted(t.worker_id for t in todos) == sorted(w.id for w in far[1:])
    assert count(db, Notification, Notification.kind == "checkin_reminder") == 4


def test_an_answer_after_the_call_was_asked_for_closes_the_call_item(client, factory, db):
    factory.user("officer", area_code="520526")
    late, silent = factory.worker(), factory.worker()
    for w in (late, silent):
        job(factory, w)
    for day in (SEND, date(2025, 11, 10), date(2025, 11, 13), date(2025, 11, 17)):
        checkins.sweep(day)
    items = {t.worker_id: t for t in db.session.scalars(
        sa.select(Todo).where(Todo.kind == "checkin_no_answer"))}
    assert {items[w.id].status for w in (late, silent)} == {"open"}
    ci = db.session.scalar(sa.select(CheckIn).where(CheckIn.worker_id == late.id))
    assert ci.status == "no_answer"
    resp = client.post(f"/c/{checkins.token_for(ci.id)}?lang=en",
                       data={"answer": "changed", "step": "1", "employer_name": "佛山家具厂",
                             "place": "佛山顺德", "wage": "6100"})
    assert "checkin-done" in resp.get_data(as_text=True)
    db.session.expire_all()
    done = db.session.get(Todo, items[late.id].id)
    assert done.status == "done" and done.closed_at is not None
    assert "Changed job" in done.outcome and "佛山家具厂" in done.outcome
    assert "6100" in done.outcome
    assert db.session.get(Todo, items[silent.id].id).status == "open"  # not answered yet


def test_each_answer_on_the_phone_page(client, factory, db):
    factory.user("officer", area_code="520526")
    same, moved, idle = factory.worker(), factory.worker(), factory.worker()
    for w in (same, moved, idle):
        job(factory, w)
    checkins.sweep(SEND)
    token = {w.id: checkins.token_for(db.session.scalar(
        sa.select(CheckIn.id).where(CheckIn.worker_id == w.id))) for w in (same, moved, idle)}
    real = token[same.id]
    forged = real[:-1] + ("x" if real[-1] != "x" else "y")  # another last character
    assert client.get("/c/" + forged).status_code == 404
    assert "Same job" in text_of(client.get(f"/c/{token[same.id]}?lang=en"))
    resp = client.post(f"/c/{token[same.id]}", data={"answer": "same", "wage": "5800"})
    assert resp.status_code == 200 and "checkin-done" in resp.get_data(as_text=True)
    step = client.post(f"/c/{token[moved.id]}", data={"answer": "changed"})
    assert 'name="place"' in step.get_data(as_text=True)  # asks where
    client.post(f"/c/{token[moved.id]}", data={"answer": "changed", "step": "1",
                                               "employer_name": "佛山家具厂", "place": "佛山顺德"})
    records = db.session.scalars(sa.select(EmploymentRecord).where(
        EmploymentRecord.worker_id == moved.id).order_by(EmploymentRecord.id)).all()
    assert records[0].end_month == date(2025, 10, 1) and records[1].end_month is None
    assert records[1].city_code == "440600" and moved.status == "employed"
    heard = []

    def listener(sender, **kw):
        heard.append((sender.id, kw["source"]))

    worker_not_working.connect(listener)
    try:
        client.post(f"/c/{token[idle.id]}", data={"answer": "not_working", "step": "1",
                                                  "reason": "laid_off", "issue": "wage_arrears"})
    finally:
        worker_not_working.disconnect(listener)
    assert heard == [(idle.id, "checkin")]
    assert idle.status == "seeking"
    assert count(db, Todo, Todo.kind == "checkin_not_working", Todo.worker_id == idle.id) == 1
    assert count(db, WageArrearsCase, WageArrearsCase.worker_id == idle.id) == 1
    again = client.post(f"/c/{token[idle.id]}", data={"answer": "same"})
    assert again.status_code == 200 and count(db, Todo, Todo.worker_id == idle.id) == 1


def test_a_rights_report_lists_the_destinations_partner_office(client, factory, db):
    factory.user("officer", area_code="520526")
    worker = factory.worker()
    job(factory, worker)
    db.session.add(LabourPartner(name="东莞劳务协作站", area_code="441900",
                                 contact_phone="0769-12345678", office_address="长安镇"))
    checkins.sweep(SEND)
    ci = db.session.scalar(sa.select(CheckIn))
    resp = client.post(f"/c/{checkins.token_for(ci.id)}",
                       data={"answer": "same", "issue": "injury", "note": "手受伤"})
    assert "东莞劳务协作站" in resp.get_data(as_text=True)
    case = db.session.scalar(sa.select(WageArrearsCase))
    assert "东莞劳务协作站" in case.note and case.employer_name == "长安电子厂"


# --- layoff alerts -----------------------------------------------------------------------------

def test_a_layoff_alert_reaches_the_right_counties_with_proposals(api, factory, db):
    employer = factory.employer(name="东莞大厂")
    officer_wn = factory.user("officer", area_code="520526")
    factory.user("officer", area_code="520115")
    factory.user("officer", area_code="520402")
    placed = place(factory, job=factory.job(employer=employer, headcount=10),
                   area_code="520526")
    found = factory.worker(area_code="520115")
    record_job(found, clean_record({"employer_id": employer.id, "start_month": "2025-05"},
                                   today=SEND), by=None)
    factory.worker(area_code="520402")  # works elsewhere: not affected
    factory.job(title="普工", region="prd")  # an opening to propose
    partner = LabourPartner(name="东莞站", area_code="441900")
    db.session.add(partner)
    db.session.flush()
    db.session.add(PartnerEmployer(partner_id=partner.id, employer_id=employer.id))
    other = factory.employer(name="别家")
    user = create_user("partner1", PASSWORD, "partner", partner_id=partner.id)
    caller = api.as_(user)
    assert caller.post("/layoff-alerts", {"employer_id": other.id, "date": "2025-11-20",
                                          "kind": "closure"}).status_code == 404
    body = ok(caller.post("/layoff-alerts", {"employer_id": employer.id, "date": "2025-11-20",
                                             "workers_affected": 300, "kind": "layoff"}), 201)
    assert {c["area_code"]: c["workers"] for c in body["counties"]} == {"520526": 1,
                                                                         "520115": 1}
    todos = db.session.scalars(sa.select(Todo).where(Todo.kind == "layoff_alert")).all()
    assert sorted(t.area_code for t in todos) == ["520115", "520526"]
    affected = db.session.scalars(sa.select(LayoffAffected)).all()
    assert {a.worker_id for a in affected} == {placed.worker_id, found.id}
    seen = ok(api.as_(officer_wn).get(f"/layoff-alerts/{body['id']}"))
    assert [c["area_code"] for c in seen["counties"]] == ["520526"]
    assert count(db, Notification, Notification.kind == "layoff_alert",
                 Notification.recipient_user_id == officer_wn.id) == 1
    assert ok(caller.get("/layoff-alerts"))["meta"]["total"] == 1
    assert ok(caller.get("/employment-records"))["meta"]["total"] == 1  # its employer's only


def test_proposals_put_the_destination_region_first_then_home():
    jobs = [NS(id=1, region="yrd"), NS(id=2, region="guizhou"), NS(id=3, region="prd"),
            NS(id=4, region="local")]
    assert [j.id for j in order_proposals(jobs, "prd")] == [3, 2, 4, 1]


# --- where our people work ---------------------------------------------------------------------

def test_destinations_figures_equal_counts_by_hand(client, login, factory, db):
    officer = factory.user("officer", area_code="520526")
    workers = [factory.worker() for _ in range(4)]
    job(factory, workers[0])  # Dongguan
    job(factory, workers[1], place="苏州昆山", employer_name="昆山精密")
    job(factory, workers[2], place="贵阳观山湖")  # inside Guizhou: not counted
    place(factory, worker=workers[3])  # Qianlu's placement in Dongguan (factory job)
    factory.worker(area_code="520115")  # another county
    job(factory, factory.worker(area_code="520115"))
    login(officer)
    page = client.get("/destinations")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="total">3<' in html and 'id="qianlu">1<' in html and 'id="self-found">2<' in html
    # the province map: Guangdong (2) darker than Jiangsu (1), the rest blank
    assert 'class="province shade-3" data-code="440000"' in html
    assert 'class="province shade-2" data-code="320000"' in html
    assert "<title>广东省: 2</title>" in html and "<title>江苏省: 1</title>" in html
    assert html.count("shade-0") == 32  # the 32 other regions of the 34, Guizhou included
    xlsx = client.get("/destinations.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert count(db, AuditLog, AuditLog.action == "destinations_export") == 1
