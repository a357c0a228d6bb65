"""Issue #15, officers and everyone: an officer confirms a hire and sees the follow-ups it
scheduled, finds the day-7 visit in the queue's upcoming tab, reads the worker's jobs and
follow-ups and a timeline written as sentences; a visitor of an opening finds the office's
phone and asks to be called. On a 1366 x 800 laptop and a 390 x 844 phone, in Chinese and
in English; screenshots in test-output/screenshots/."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.auth.models import Area
from app.auth.service import create_user
from app.employers.models import Employer, Job
from app.extensions import db
from app.placements.followup_models import FollowUp
from app.placements.models import Placement
from app.placements.service import confirm_hire, refer
from app.registry.models import Household, RelocationSite, Worker
from app.training.models import Course
from tests.browser.conftest import PASSWORD, WIDTH
from tests.conftest import Factory

# The pages an officer uses, checked for sideways scrolling on a phone.
MAIN_PAGES = ("/", "/registry/workers", "/registry/households", "/followups/", "/referrals",
              "/todo/", "/jobs", "/training/", "/employers/")


def _seed(live_app, journey) -> dict:
    today = clock.today()
    with live_app.app_context():
        for code, phone in (("520526", "0857-6222 0000"), ("520000", "0851-8555 0000")):
            area = db.session.get(Area, code)
            area.office_phone, area.office_address = phone, "威宁县五里岗街道就业服务中心"
        officer = create_user(f"fofficer{journey.n}", PASSWORD, "officer", area_code="520526",
                              display_name="吴专员")
        factory = Factory(db)
        employer = factory.employer(name=journey.unique("贵阳智造电子"), coop_county_code="520526",
                                    labour_coop=True)
        job = factory.job(employer=employer, title=journey.unique("电子装配工"), headcount=9,
                          min_education="none")
        worker = factory.worker(name=journey.unique("李德明"))
        referral = refer(worker, job, by=officer)
        refer(factory.worker(name=journey.unique("王秀英")), job, by=officer)  # stays open
        earlier = factory.worker(name=journey.unique("张海燕"))
        confirm_hire(refer(earlier, job, by=officer), start_date=today - timedelta(days=40),
                     monthly_wage=5200, by=officer, today=today)
        db.session.commit()
        return {"username": officer.username, "worker": worker.name, "worker_id": worker.id,
                "referral": referral.id, "job": job.title, "job_id": job.id,
                "employer": employer.name, "earlier": earlier.name}


def _records(live_app) -> list[str]:
    """Names of the records any page may show (people, employers, openings, courses,
    places): data, not the page's own words."""

    with live_app.app_context():
        names: list[str] = []
        for column in (Worker.name, Employer.name, Job.title, Course.name, RelocationSite.name,
                       Household.village, Household.head_name):
            names += [n for n in db.session.scalars(sa.select(column).distinct()) if n]
    return names


def test_hire_followups_timeline_and_public_contact(live_app, laptop_or_phone):
    j = laptop_or_phone
    data = _seed(live_app, j)
    names = (data["worker"], data["job"], data["employer"], data["earlier"], "吴专员",
             j.unique("王秀英"))
    page = j.open("/auth/login")
    j.login(page, data["username"])

    # Confirm the hire from the referrals list: the message names every follow-up and date.
    j.goto(page, "/referrals")
    row = page.locator(f'tr[data-referral="{data["referral"]}"]')
    row.locator("summary", has_text=j.t("确认录用", "Confirm hire")).click()
    j.submit(page, row.locator("form.hire-form [type=submit]"))
    j.confirm(page, *names)
    with live_app.app_context():
        placement = db.session.scalar(sa.select(Placement).where(
            Placement.worker_id == data["worker_id"]))
        dues = db.session.scalars(sa.select(FollowUp.due_date).where(
            FollowUp.placement_id == placement.id, FollowUp.kind == "day")
            .order_by(FollowUp.due_date)).all()
    message = page.locator(".alert-success").inner_text()
    assert len(dues) == 4
    for due in dues:
        assert due.isoformat() in message, message
    for day in (7, 30, 90, 180):
        assert j.t(f"第{day}天", f"Day {day}") in message, message
    j.check(page, *names)
    j.shot(page, "officer15", "hire-followups")

    # The link goes to the queue's upcoming tab, where the day-7 visit is listed.
    with page.expect_navigation():
        page.locator(".alert-success a", has_text=j.t("即将到期", "Upcoming")).click()
    assert page.locator('#queue-tabs a.active[data-tab="upcoming"]').count() == 1
    assert page.locator("#followup-queue", has_text=data["worker"]).count() == 1
    j.check(page, *names)
    j.shot(page, "officer15", "queue-upcoming")

    # The queue opens on the most urgent tab that holds something (the earlier hire's
    # day-7 and day-30 visits are overdue), with a call button and linked names.
    j.goto(page, "/followups/")
    assert page.locator('#queue-tabs a.active[data-tab="overdue"]').count() == 1
    queue_row = page.locator("#followup-queue tr", has_text=data["earlier"]).first
    assert queue_row.locator("a", has_text=data["earlier"]).count() == 1
    assert queue_row.locator("a", has_text=j.t("拨打", "Call")).count() == 1
    j.check(page, *names)
    j.shot(page, "officer15", "queue-overdue")
    with page.expect_navigation():
        queue_row.locator("a", has_text=j.t("拨打", "Call")).click()
    assert page.locator('#call-worker[href^="tel:"]').count() == 1
    j.check(page, *names)

    # The worker page: jobs and follow-ups with their dates; the timeline in sentences.
    j.goto(page, f"/registry/workers/{data['worker_id']}")
    panel = page.locator("#placements")
    for due in dues:
        assert due.isoformat() in panel.inner_text()
    timeline = page.locator("#timeline").inner_text()
    assert not re.search(r"\b(placement|referral|follow_up)\b", timeline), timeline
    assert j.t("录用为", "Hired as") in timeline, timeline
    j.check(page, *names)
    j.shot(page, "officer15", "worker-page")
    if not j.phone:  # the navigation bar is one line, in English too
        tops = page.evaluate("""Array.from(document.querySelectorAll('#mainnav .nav-link'))
                                .map(e => e.getBoundingClientRect().top)""")
        assert max(tops) - min(tops) < 8, tops

    # Every main page fits the phone and speaks the page's language (what it shows of the
    # shared database's records aside).
    shown = _records(live_app)
    for path in MAIN_PAGES:
        j.goto(page, path)
        j.check(page, *names, *shown)
        if j.phone:
            assert j.fits(page), (path, page.evaluate(WIDTH))
            j.shot(page, "officer15", "page" + path.rstrip("/").replace("/", "-"))
    j.goto(page, "/followups/")
    j.shot(page, "officer15", "queue")

    # A visitor of the opening: the office's phone to tap, 不限, and "call me".
    visitor = j.open(f"/jobs/{data['job_id']}")
    assert visitor.locator('#office-phone[href^="tel:"]').count() == 1
    facts = visitor.locator("main").inner_text()
    assert "未上学" not in facts and "No schooling" not in facts
    assert j.t("不限", "Any") in facts
    j.shot(visitor, "visitor15", "opening")
    visitor.fill("#call-phone", "1388500")
    j.submit(visitor, "#call-me [type=submit]")
    assert visitor.locator("#call-phone.is-invalid").count() == 1
    visitor.fill("#call-phone", f"1398500{j.n:04d}")
    j.submit(visitor, "#call-me [type=submit]")
    assert visitor.locator(".alert-success").count() == 1
    j.check(visitor, data["job"], data["employer"], "威宁县五里岗街道就业服务中心")
    j.shot(visitor, "visitor15", "opening-call-me")

    # …which the county's officer finds in the to-do list with the phone.
    j.goto(page, "/todo/")
    assert f"1398500{j.n:04d}" in page.locator("main").inner_text()
    j.check(page, *names)
    j.shot(page, "officer15", "todo-callback")
