"""Issue #15, mixed languages: what is stored and shown later (to-do items' details, in-app
messages' values, the destinations' sectors) reads in the language of whoever reads it,
not in the language of whoever (or whichever scheduled task) wrote it."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from app.employment.layoffs import record_alert
from app.employment.records import clean_record, record_job
from app.imports.models import ImportRun
from app.notifications.models import Notification
from app.registry.models import WorkerStatusChange
from app.registry.service import change_worker_status
from app.todo.models import Todo
from app.training.service import enrol
from tests.conftest import text_of
from tests.factories.placements import place
from tests.factories.training import make_course


def test_a_visitors_call_me_reads_in_the_officers_language(client, db, factory, login):
    job = factory.job(title="电子装配工",
                      employer=factory.employer(coop_county_code="520526", labour_coop=True))
    # the visitor reads the page in English …
    client.get(f"/jobs/{job.id}?lang=en")
    client.post(f"/jobs/{job.id}/call-me", data={"phone": "13885001234"})
    item = db.session.scalar(sa.select(Todo).where(Todo.kind == "callback"))
    assert item.detail_words["en"].startswith("Asked to be called")
    client.get("/?lang=zh")
    # … the county's officer reads it in Chinese, or in English when they switch.
    login(factory.user("officer", area_code="520526"))
    chinese = " ".join(text_of(client.get("/todo/?lang=zh")).split())
    assert item.detail_words["zh"] in chinese and "Asked to be called" not in chinese
    english = " ".join(text_of(client.get("/todo/?lang=en")).split())
    assert "Asked to be called about the opening 电子装配工" in english


def test_a_layoff_reads_in_each_officers_language(client, db, factory, login):
    employer = factory.employer(name="东莞大厂")
    placed = place(factory, job=factory.job(employer=employer, headcount=10),
                   area_code="520526")
    officer = factory.user("officer", area_code="520526")
    record_alert(employer, "layoff", date(2026, 12, 15), 100,
                 by=factory.user("officer", area_code="520000"))
    db.session.flush()
    login(officer)
    english = " ".join(text_of(client.get("/todo/?lang=en")).split())
    assert "东莞大厂: Layoff on 2026-12-15, 1 of your workers:" in english, english
    assert "减员" not in english
    inbox = " ".join(text_of(client.get("/notifications/")).split())
    assert "东莞大厂: Layoff on 2026-12-15" in inbox and "减员" not in inbox
    chinese = " ".join(text_of(client.get("/todo/?lang=zh")).split())
    assert "减员" in chinese
    assert placed.worker.name in chinese


def test_a_trainees_enrolment_message_names_the_course_and_place_in_english(
        client, db, factory, login):
    course, session = make_course(db)  # 焊工培训 / Welding, in Weining
    worker = factory.worker(phone="13912340000")
    user = factory.user("trainee", worker_id=worker.id)
    enrol(worker, session, by=None)
    login(user)
    english = " ".join(text_of(client.get("/notifications/?lang=en")).split())
    assert "you are enrolled in Welding" in english and "Weining" in english, english
    assert "焊工培训" not in english and "威宁" not in english
    chinese = " ".join(text_of(client.get("/notifications/?lang=zh")).split())
    assert "焊工培训" in chinese and "威宁" in chinese
    sms = db.session.scalar(sa.select(Notification).where(Notification.channel == "sms"))
    assert "焊工培训" in sms.text  # the SMS went out in the worker's language (Chinese)


def test_destinations_name_sectors_in_english(client, factory, login):
    officer = factory.user("officer", area_code="520526")
    worker = factory.worker(area_code="520526")
    record_job(worker, clean_record({"employer_name": "东莞某厂", "sector": "电子制造",
                                     "area_code": "441900", "start_month": "2026-10"},
                                    today=date(2026, 12, 5)),
               by=officer)
    login(officer)
    english = text_of(client.get("/destinations?lang=en"))
    assert "Electronics manufacturing" in english and "电子制造" not in english
    assert "电子制造" in text_of(client.get("/destinations?lang=zh"))


def _status_history(client, worker_id: int, lang: str) -> str:
    """The worker page's status history (its card, tags stripped), read in ``lang``."""
    page = client.get(f"/registry/workers/{worker_id}?lang={lang}").get_data(as_text=True)
    card = page[page.index('id="status"'):page.index('id="timeline"')]
    return " ".join(re.sub(r"<[^>]+>", " ", card).split())


def test_a_status_change_the_product_wrote_reads_in_the_readers_language(
        client, db, factory, login):
    course, session = make_course(db)
    worker = factory.worker(area_code="520526")
    enrol(worker, session, by=None)  # the product writes the reason: enrolled in a course
    officer = factory.user("officer", area_code="520526")
    change_worker_status(worker, "seeking", "家里有事，暂不参加", officer)  # typed by an officer
    # a row written before reasons were stored in every language keeps its text
    db.session.add(WorkerStatusChange(worker_id=worker.id, status="training",
                                      reason="报名参加培训（旧）"))
    db.session.flush()
    login(officer)
    english = _status_history(client, worker.id, "en")
    assert "Enrolled in a course" in english, english
    assert "报名参加培训 " not in english + " "
    assert "家里有事，暂不参加" in english and "报名参加培训（旧）" in english
    chinese = _status_history(client, worker.id, "zh")
    assert "报名参加培训" in chinese and "Enrolled in a course" not in chinese, chinese
    assert "家里有事，暂不参加" in chinese
    # the timeline next to it says the same reason in the reader's language
    timeline = text_of(client.get(f"/registry/workers/{worker.id}?lang=en"))
    assert "Reason: Enrolled in a course." in " ".join(timeline.split())


def test_an_import_report_stored_before_every_language_still_reads_in_english(
        client, db, factory, login):
    """Reports already in the database carry a catalogue message ("msg"): still read in the
    reader's language; a plain reason reads as written."""
    officer = factory.user("officer", area_code="520526")
    run = ImportRun(kind="roster", filename="old.xlsx", created_by_id=officer.id,
                    area_code="520526", status="done", columns=["所在县"], bad=2,
                    bad_rows=[{"row": 2, "values": ["火星县"]}, {"row": 3, "values": ["x"]}],
                    errors=[{"row": 2, "column": "所在县", "value": "火星县",
                             "reason": "“火星县”不是贵州省的县（市、区）。",
                             "msg": {"id": "“%(value)s” is not a county of Guizhou.",
                                     "params": {"value": "火星县"}}},
                            {"row": 3, "column": "所在县", "value": "x", "reason": "写错了"}])
    db.session.add(run)
    db.session.flush()
    login(officer)
    english = " ".join(text_of(client.get(f"/imports/{run.id}?lang=en")).split())
    assert "“火星县” is not a county of Guizhou." in english, english
    assert "写错了" in english
    chinese = " ".join(text_of(client.get(f"/imports/{run.id}?lang=zh")).split())
    assert "“火星县”不是贵州省的县（市、区）。" in chinese
