"""A trainee activates their account on a phone, sees a recommended course, enrols."""
from __future__ import annotations

import re
from datetime import date, timedelta

from app.extensions import db
from tests.browser.conftest import shot
from tests.conftest import Factory


def _seed(live_app) -> str:
    from app.training.models import Course, CourseSession

    with live_app.app_context():
        factory = Factory(db)
        employer = factory.employer(name="宁波北仑甬江钢结构有限公司")
        for i in range(3):
            factory.job(employer, title=f"电焊工{i}", required_certificates=["so_welding"],
                        required_skills=[{"code": "welder", "level": 1}], wage_min=6500,
                        wage_max=9000)
        worker = factory.worker(name="王小芳", phone="13885009999", skills_text="普工",
                                birth_date=date(1996, 3, 14))
        course = Course(code="B-WELD-01", name="熔化焊接与热切割", name_en="Welding",
                        mode="general", skills=["welder"], certificate="so_welding",
                        provider="威宁县职业技术学校", county_code="520526", days=10, hours=80,
                        cost=2000, subsidy=2000, age_min=18, age_max=55)
        db.session.add(course)
        db.session.flush()
        start = date.today() + timedelta(days=15)
        db.session.add(CourseSession(course_id=course.id, start_date=start,
                                     end_date=start + timedelta(days=13), places=20,
                                     county_code="520526"))
        db.session.commit()
        return worker.id_number


def test_trainee_activates_enrols_and_sees_the_enrolment_on_a_phone(live_app, live_server,
                                                                    browser):
    id_number = _seed(live_app)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/me/activate")
        assert "激活账号" in page.inner_text("h1")
        page.click("text=手机号和身份证号")
        page.fill("input[name=i-phone]", "13885009999")
        page.fill("input[name=i-id_number]", id_number)
        page.fill("input[name=i-password]", "fang2025abc")
        page.fill("input[name=i-confirm]", "fang2025abc")
        shot(page, "trainee-activate-phone")
        with page.expect_navigation():
            page.click("#identity-form input[type=submit], #identity-form button[type=submit]")
        assert page.url == f"{live_server}/me/"
        assert "您好，王小芳" in page.inner_text("h1")
        suggestion = page.locator(".course-suggestion").first
        assert "熔化焊接与热切割" in suggestion.inner_text()
        # the three welding openings seeded here (other journeys share the database: ≥ 3)
        unlocked = re.search(r"学完可匹配 (\d+) 个岗位", suggestion.inner_text())
        assert unlocked and int(unlocked.group(1)) >= 3
        assert id_number in page.inner_text("#own-id")  # own full ID, to themself
        # the layout fits the phone: nothing wider than the screen
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        shot(page, "trainee-me-phone")
        with page.expect_navigation():
            suggestion.locator("button").click()
        assert page.url == f"{live_server}/me/", page.inner_text("body")[:500]
        enrolments = page.inner_text("#enrolments")
        assert "熔化焊接与热切割" in enrolments and "已报名" in enrolments
        shot(page, "trainee-enrolled-phone")
    finally:
        context.close()
