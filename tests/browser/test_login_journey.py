"""An officer logs in, sees the dashboard, switches to English."""
from __future__ import annotations

from app.auth.service import create_user
from app.extensions import db
from tests.browser.conftest import shot


def test_officer_logs_in_and_switches_to_english(live_app, live_server, page):
    with live_app.app_context():
        create_user("b_officer", "browser-pass-1", "officer", area_code="520526",
                    display_name="李专员")
        db.session.commit()
    page.goto(f"{live_server}/")
    assert "登录" in page.title()
    page.fill("input[name=username]", "b_officer")
    page.fill("input[name=password]", "wrong-pass-1")
    page.click("input[type=submit], button[type=submit]")
    assert "用户名或密码错误" in page.content()
    page.fill("input[name=password]", "browser-pass-1")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    assert "欢迎，李专员" in page.inner_text("h1")
    assert "威宁" in page.content()
    shot(page, "officer-dashboard-zh")
    page.click("text=English")
    page.wait_for_load_state()
    assert "Welcome, 李专员" in page.inner_text("h1")
    page.goto(f"{live_server}/")  # the choice is remembered
    assert "Dashboard" in page.content()
    shot(page, "officer-dashboard-en")
