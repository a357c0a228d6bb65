"""An officer opens a worker's recommended openings and refers; the employer invites the
candidate to interview and confirms the hire."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.service import create_user
from app.extensions import db
from app.placements.models import Placement
from app.registry.models import Worker
from tests.browser.conftest import shot
from tests.conftest import Factory


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "browser-pass-1")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{base}/")


def _logout(page) -> None:
    page.click("nav form button[type=submit]")
    page.wait_for_load_state()


def test_officer_refers_and_employer_hires(live_app, live_server, page):
    with live_app.app_context():
        factory = Factory(db)
        employer = factory.employer(name="贵阳智造电子有限公司")
        job = factory.job(employer=employer, title="电子装配工", headcount=2,
                          required_skills=[{"code": "electronics_assembly", "text": "电子装配",
                                            "level": 1}])
        factory.job(employer=employer, title="电焊工",
                    required_certificates=["so_welding"])
        worker = factory.worker(name="杨光明", skills_text="电子厂3年、手机组装、星际导航",
                                area_code="520526", min_wage=4000)
        create_user("m_officer", "browser-pass-1", "officer", area_code="520526",
                    display_name="李专员")
        create_user("m_employer", "browser-pass-1", "employer", employer_id=employer.id,
                    display_name="陈经理")
        db.session.commit()
        worker_id, job_id = worker.id, job.id

    _login(page, live_server, "m_officer")
    page.goto(f"{live_server}/workers/{worker_id}/matches")
    assert "推荐岗位" in page.inner_text("h1")
    row = page.locator(f"#matches tr[data-job='{job_id}']")
    assert row.count() == 1
    explain = page.locator(f"#matches tr[data-explain='{job_id}']")
    explain.locator("summary").click()  # open the explanation
    assert "技能匹配" in explain.inner_text()
    assert "星际导航" in page.inner_text("#unresolved")
    assert "焊工证" in page.inner_text("#ruled-out")
    shot(page, "matching-worker-matches-zh")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已将杨光明推荐到" in page.content()
    _logout(page)

    _login(page, live_server, "m_employer")
    page.goto(f"{live_server}/referrals")
    assert "杨光明" in page.inner_text("#referral-list")
    assert "139" in page.inner_text("#referral-list") and "****" in page.inner_text(
        "#referral-list")
    shot(page, "matching-employer-candidates-zh")
    page.locator("#referral-list button", has_text="邀请面试").click()
    page.wait_for_load_state()
    assert "已邀请面试" in page.content()
    page.locator("#referral-list summary", has_text="确认录用").click()
    form = page.locator("form.hire-form")
    form.locator("input[name=monthly_wage]").fill("5200")
    form.locator("input[name=contract_months]").fill("12")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已确认录用" in page.content()
    shot(page, "matching-employer-hired-zh")

    with live_app.app_context():
        placement = db.session.scalar(sa.select(Placement).where(
            Placement.worker_id == worker_id))
        assert placement is not None and placement.monthly_wage == 5200
        assert db.session.get(Worker, worker_id).status == "employed"
