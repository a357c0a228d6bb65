"""A registered labourer activates their trainee account, sees a recommended course with the
openings it would unlock, enrols and sees the enrolment, is told about it under
Notifications, logs in again and lands on their own page, and enrols in a second course
from its page, which then shows the enrolment and what comes next: in Chinese and English,
on a phone and a desktop."""
from __future__ import annotations

import re
from datetime import date, timedelta

from app import clock
from app.extensions import db
from app.training.models import Course, CourseSession
from tests.conftest import Factory


def _seed(live_app, journey) -> dict:
    """A worker without a welding certificate, three welding openings that need one, and a
    welding course with a session in the worker's county."""
    with live_app.app_context():
        factory = Factory(db)
        employer = factory.employer(name=journey.unique("宁波北仑甬江钢结构有限公司"))
        for i in range(3):
            factory.job(employer, title=journey.unique(f"电焊工{i}号"),
                        required_certificates=["so_welding"],
                        required_skills=[{"code": "welder", "level": 1}], wage_min=6500,
                        wage_max=9000)
        phone = f"1388501{journey.n:04d}"
        worker = factory.worker(name=journey.unique("王小芳"), phone=phone, skills_text="普工",
                                birth_date=date(1996, 3, 14))
        course = Course(code=f"B-WELD-{journey.n:02d}", name=journey.unique("熔化焊接与热切割"),
                        name_en=f"Welding and thermal cutting {journey.n}", mode="general",
                        skills=["welder"], certificate="so_welding",
                        provider="威宁县职业技术学校", county_code="520526", days=10, hours=80,
                        cost=2000, subsidy=2000, age_min=18, age_max=55)
        db.session.add(course)
        db.session.flush()
        start = clock.today() + timedelta(days=15)
        db.session.add(CourseSession(course_id=course.id, start_date=start,
                                     end_date=start + timedelta(days=13), places=20,
                                     county_code="520526"))
        other = Course(code=f"B-FORK-{journey.n:02d}", name=journey.unique("叉车司机培训"),
                       name_en=f"Forklift driving {journey.n}", mode="general",
                       skills=["forklift_driver"], provider="威宁县职业技术学校",
                       county_code="520526", days=5, hours=40, cost=800, subsidy=800,
                       age_min=18, age_max=55)
        db.session.add(other)
        db.session.flush()
        later = start + timedelta(days=30)
        db.session.add(CourseSession(course_id=other.id, start_date=later,
                                     end_date=later + timedelta(days=4), places=10,
                                     county_code="520526"))
        db.session.commit()
        return {"name": worker.name, "phone": phone, "id_number": worker.id_number,
                "course": journey.t(course.name, course.name_en), "other_id": other.id,
                "other": journey.t(other.name, other.name_en)}


def test_trainee_journey(live_app, journey):
    j = journey
    seed = _seed(live_app, j)
    name, course = seed["name"], seed["course"]

    # Activate the account with the phone number and ID number the officer registered.
    page = j.open("/me/activate")
    assert j.t("激活账号", "Activate your account") in page.inner_text("h1")
    page.get_by_role("tab", name=j.t("手机号和身份证号", "Phone and ID number")).click()
    page.fill("input[name=i-phone]", seed["phone"])
    page.fill("input[name=i-id_number]", seed["id_number"])
    page.fill("input[name=i-password]", "fang2025abc")
    page.fill("input[name=i-confirm]", "fang2025abc")
    j.check(page)
    j.shot(page, "trainee", "activate")
    j.submit(page, "#identity-form [type=submit]")
    assert page.url == f"{j.base}/me/"
    assert page.inner_text("h1") == j.t(f"您好，{name}", f"Hello, {name}")
    assert j.t("账号已激活", "Your account is ready") in page.inner_text("main")

    # The recommended course says how many openings it would unlock.
    suggestion = page.locator(".course-suggestion", has_text=course)
    # the three welding openings seeded here (other journeys share the database: ≥ 3)
    unlocked = re.search(j.t(r"学完可匹配 (\d+) 个岗位", r"after the course: (\d+)"),
                         suggestion.inner_text())
    assert unlocked and int(unlocked.group(1)) >= 3, suggestion.inner_text()
    assert seed["id_number"] in page.inner_text("#own-id")  # own full ID, to themself
    j.check(page, name, course)
    j.shot(page, "trainee", "me")

    # Enrol; the enrolment is listed on the page.
    j.submit(page, suggestion.get_by_role("button", name=j.t("报名", "Enrol")))
    assert page.url == f"{j.base}/me/", page.inner_text("main")[:500]
    enrolment = page.locator("#enrolments .enrolment-row", has_text=course).inner_text()
    assert j.t("已报名", "Enrolled") in enrolment
    # (the English message names the course in Chinese: reported)
    assert j.t(f"已报名{seed['course']}", "Enrolled in") in page.inner_text(".alert")
    j.check(page, name, course)
    j.shot(page, "trainee", "enrolled")

    # The profile is in the navigation bar (behind the toggler on a phone); the menu offers
    # nothing a trainee cannot use.
    j.nav(page, "我的信息", "My profile")
    assert page.locator("#enrolments", has_text=course).is_visible()
    j.open_menu(page)
    assert page.locator("a[href='/auth/tokens']").count() == 0
    assert page.locator("#mainnav a.nav-link", has_text=j.t("工作台", "Dashboard")).count() == 0

    # The enrolment was announced: a count on Notifications, the message on its page.
    bell = page.locator("#mainnav a.nav-link[href='/notifications/']")
    assert bell.locator(".nav-unread").inner_text().startswith("1"), bell.inner_text()
    with page.expect_navigation():
        bell.click()
    assert j.t("您已报名", "you are enrolled in") in page.inner_text("main")
    j.check(page, name, course, seed["course"])
    j.shot(page, "trainee", "notifications")

    # Logged out and in again, the trainee lands on their own page.
    j.open_menu(page)
    j.submit(page, "form[action$='/auth/logout'] button")
    j.login(page, seed["phone"], "fang2025abc", home="/me/")
    assert page.inner_text("h1") == j.t(f"您好，{name}", f"Hello, {name}")
    j.shot(page, "trainee", "home-after-login")

    # A second course, from its own page: afterwards the page shows the enrolment and what
    # comes next, not 报名 again.
    j.goto(page, f"/training/courses/{seed['other_id']}")
    j.submit(page, page.get_by_role("button", name=j.t("报名", "Enrol")))
    assert page.url.endswith(f"/training/courses/{seed['other_id']}"), page.url
    mine = page.locator("#my-enrolment").inner_text()
    assert j.t("您已报名", "You are enrolled") in mine
    assert j.t("接下来", "What comes next") in mine and j.t("身份证", "ID card") in mine
    assert page.get_by_role("button", name=j.t("报名", "Enrol"), exact=True).count() == 0
    j.check(page, seed["other"])
    j.shot(page, "trainee", "course-enrolled")
