"""An officer records a follow-up outcome (the worker left the job), then reads the
retention dashboard and the alert it raised."""
from __future__ import annotations

from datetime import date, timedelta

from app.auth.service import create_user
from app.extensions import db
from app.placements.service import confirm_hire, refer
from tests.browser.conftest import shot
from tests.conftest import Factory


def test_officer_records_a_job_loss_and_reads_the_dashboard(live_app, live_server, page):
    with live_app.app_context():
        officer = create_user("fu_officer", "browser-pass-2", "officer", area_code="520526",
                              display_name="杨专员")
        factory = Factory(db)
        job = factory.job(headcount=20, title="电子装配工")
        today = date.today()
        for days in (12, 40, 100, 200, 260):
            worker = factory.worker(name=f"回访{days}")
            referral = refer(worker, job, by=officer)
            confirm_hire(referral, start_date=today - timedelta(days=days), monthly_wage=5200,
                         by=officer, today=today)
        db.session.commit()

    page.goto(f"{live_server}/auth/login")
    page.fill("input[name=username]", "fu_officer")
    page.fill("input[name=password]", "browser-pass-2")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.click("nav >> text=回访")
    page.click("text=已逾期")
    assert "回访12" in page.content()
    shot(page, "followups-queue-zh")
    page.locator("tr", has_text="回访12").locator("text=记录").click()
    page.select_option("select[name=method]", "phone")
    page.check("input[name=reached][value=yes]")
    page.select_option("select[name=employment]", "left")
    page.click("input[type=submit], button[type=submit] >> nth=-1")
    assert "请填写离职日期" in page.content()  # the form came back with the error
    page.fill("input[name=left_date]", (date.today() - timedelta(days=2)).isoformat())
    assert page.input_value("select[name=employment]") == "left"  # input kept
    page.fill("input[name=left_reason]", "想家")
    page.check("input[name=issues][value=homesick]")
    page.click("input[type=submit], button[type=submit] >> nth=-1")
    assert "回访已记录" in page.content()

    page.goto(f"{live_server}/")
    tile = page.locator(".figure-tile", has_text="90天稳岗率")
    assert "%" in tile.inner_text()
    shot(page, "followups-dashboard-zh")
    tile.locator("a").click()
    page.wait_for_url("**/followups/retention")
    assert page.locator("svg").count() >= 3
    assert page.locator("#retention-table").is_visible()
    shot(page, "followups-retention-zh")
    page.goto(f"{live_server}/notifications/")
    assert "回访12 已从" in page.content()  # the job-loss alert
    shot(page, "followups-notifications-zh")
