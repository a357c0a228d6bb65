"""Health check, error pages, i18n switching, demo seeding."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import User
from tests.conftest import make_app, text_of


def test_healthz_ok(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "ok"


def test_healthz_503_when_database_unreachable(tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json()["status"] == "unavailable"


def test_chinese_by_default_and_english_remembered(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "登录" in page and 'lang="zh-CN"' in page
    page = client.get("/auth/login?lang=en").get_data(as_text=True)
    assert "Log in" in page and "登录" not in text_of_page(page)
    page = client.get("/auth/login").get_data(as_text=True)  # remembered
    assert "Log in" in page
    page = client.get("/auth/login?lang=zh").get_data(as_text=True)
    assert "登录" in page


def test_language_chosen_signed_in_is_kept_on_the_account(app, client, db, login_as):
    """The account keeps the language: the next session starts in it, and notifications
    (written in the recipient's language) follow it."""
    from tests.conftest import PASSWORD

    officer = login_as("officer", area_code="520526")
    client.get("/?lang=en")
    db.session.refresh(officer)
    assert officer.locale == "en"
    other = app.test_client()  # another browser: no session, no ?lang=
    assert "登录" in other.get("/auth/login").get_data(as_text=True)
    other.post("/auth/login", data={"username": officer.username, "password": PASSWORD})
    assert "Log out" in other.get("/").get_data(as_text=True)
    client.get("/?lang=zh")
    db.session.refresh(officer)
    assert officer.locale == "zh"


def text_of_page(html: str) -> str:
    import re

    text = re.sub(r"<[^>]+>", " ", html)
    return text.replace("中文", "")  # the language switch names Chinese in Chinese


def test_404_page_is_translated(client):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    assert "未找到" in resp.get_data(as_text=True)


def test_demo_seed_refuses_twice(runner, db):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "qianlu2025" in first.output
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == {"admin", "officer", "employer", "trainee", "partner"}
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code != 0 and "--reset" in second.output
    third = runner.invoke(args=["demo", "seed", "--reset"])
    assert third.exit_code == 0, third.output


def test_dashboard_per_role(client, login_as):
    login_as("officer")
    body = text_of(client.get("/"))
    assert "就业专员" in body and "威宁" in body
