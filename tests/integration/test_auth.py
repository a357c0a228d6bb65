"""Accounts: login, logout, rate limit, CSRF, roles and area scoping."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from app.auth import service
from app.auth.models import AuditLog, LoginAttempt
from app.auth.scoping import can_see, visible
from app.auth.service import AccountError, create_user, verify_password
from app.auth.tokens import issue_token
from app.registry.models import RelocationSite
from tests.conftest import PASSWORD, make_app, text_of


def test_login_and_logout(client, factory, db):
    user = factory.user("officer")
    resp = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert user.display_name in page.get_data(as_text=True)
    resp = client.post("/auth/logout")
    assert resp.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page
    actions = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.user_id == user.id))
    assert {"login", "logout"} <= set(actions)


def test_wrong_password_is_refused_with_a_message(client, factory):
    user = factory.user("officer")
    resp = client.post("/auth/login", data={"username": user.username, "password": "nope-123"})
    assert resp.status_code == 401
    assert "用户名或密码错误" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_rate_limit_trips_after_repeated_failures(client, factory, app, db):
    user = factory.user("officer")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/auth/login", data={"username": user.username, "password": "bad-pass-1"})
    # Even the right password is refused while locked, with a clear message.
    resp = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 429
    assert "尝试次数过多" in resp.get_data(as_text=True)
    failures = db.session.scalar(sa.select(sa.func.count()).where(
        LoginAttempt.username == user.username, LoginAttempt.success.is_(False)))
    assert failures == app.config["LOGIN_MAX_FAILURES"]


def test_csrf_missing_is_rejected(app, tmp_path):
    csrf_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path,
                        WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    resp = client.post("/auth/login", data={"username": "x", "password": "y"})
    assert resp.status_code == 400
    assert "表单已过期" in resp.get_data(as_text=True)


def test_csrf_token_accepted(app, tmp_path, db):
    csrf_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path,
                        WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post("/auth/login", data={"username": "nobody", "password": "wrong-1",
                                            "csrf_token": token})
    assert resp.status_code == 401  # got past CSRF to the credential check


@pytest.mark.parametrize("role,allowed", [
    ("admin", True), ("officer", False), ("employer", False), ("trainee", False)])
def test_admin_pages_only_for_admins(client, login_as, role, allowed):
    login_as(role)
    resp = client.get("/admin/users")
    assert resp.status_code == (200 if allowed else 403)
    if not allowed:
        assert "没有权限" in resp.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    resp = client.get("/admin/users")
    assert resp.status_code == 302
    assert "/auth/login" in resp.headers["Location"]


def test_admin_creates_an_officer(client, login_as, db):
    login_as("admin")
    resp = client.post("/admin/users", data={
        "username": "officer_new", "display_name": "新专员", "role": "officer",
        "area_code": "520526", "password": "good-pass-9"})
    assert resp.status_code == 302
    listing = text_of(client.get("/admin/users"))
    assert "officer_new" in listing and "威宁" in listing
    assert "就业专员" in listing and "系统管理员" in listing  # roles named, not coded
    assert " officer " not in listing and " admin " not in listing
    english = text_of(client.get("/admin/users?lang=en"))
    assert "Employment officer" in english and "Administrator" in english


def test_weak_password_keeps_the_form(client, login_as):
    login_as("admin")
    resp = client.post("/admin/users", data={
        "username": "weak", "role": "admin", "area_code": "", "password": "short"})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "密码至少需要" in body and 'value="weak"' in body


def test_officer_area_must_be_in_guizhou(db):
    with pytest.raises(AccountError):
        create_user("o_sh", PASSWORD, "officer", area_code="310000")
    with pytest.raises(AccountError):
        create_user("o_none", PASSWORD, "officer")


def test_officer_of_one_county_cannot_see_another_county(db, factory):
    weining = RelocationSite(name="五里岗安置点", county_code="520526")
    guanshanhu = RelocationSite(name="观山湖安置点", county_code="520115")
    db.session.add_all([weining, guanshanhu])
    db.session.flush()
    county_officer = factory.user("officer", area_code="520526")
    prefecture_officer = factory.user("officer", area_code="520500")  # Bijie contains Weining
    province_officer = factory.user("officer", area_code="520000")

    def names(user):
        stmt = visible(sa.select(RelocationSite.name), RelocationSite, user)
        return set(db.session.scalars(stmt))

    assert names(county_officer) == {"五里岗安置点"}
    assert names(prefecture_officer) == {"五里岗安置点"}
    assert names(province_officer) >= {"五里岗安置点", "观山湖安置点"}
    assert not can_see(guanshanhu, county_officer)
    assert can_see(weining, county_officer)
    assert not can_see(weining, factory.user("employer"))


def test_password_change_ends_other_sessions(app, client, factory, login, db):
    user = login(factory.user("officer"))
    other = app.test_client()
    other.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert other.get("/").status_code == 200
    resp = client.post("/auth/password", data={
        "current": PASSWORD, "new": "new-pass-456", "confirm": "new-pass-456"})
    assert resp.status_code == 302
    assert client.get("/").status_code == 200  # this session stays
    assert other.get("/").status_code == 302  # the other one is logged out


def test_security_headers_and_cookie_flags(client, factory):
    resp = client.get("/auth/login")
    csp = resp.headers["Content-Security-Policy"]
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    user = factory.user("officer")
    resp = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    cookie = resp.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    resp = client.post("/auth/login", base_url="https://localhost",
                       data={"username": user.username, "password": PASSWORD})
    # already logged in over http: log in afresh over https in a new client
    https = client.application.test_client()
    resp = https.post("/auth/login", base_url="https://localhost",
                      data={"username": user.username, "password": PASSWORD})
    assert "Secure" in resp.headers.get("Set-Cookie", "")


def test_users_create_command(runner, db):
    result = runner.invoke(args=["users", "create", "cli_officer", "--role", "officer",
                                 "--area", "520100", "--password", "cli-pass-123"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["users", "create", "cli_bad", "--role", "officer",
                              "--area", "999999", "--password", "cli-pass-123"])
    assert bad.exit_code != 0


def test_admin_and_officer_password_resets(app, client, factory, login, db):
    worker = factory.worker(area_code="520526")
    trainee = create_user(f"t{worker.id}", PASSWORD, "trainee", worker_id=worker.id)
    trainee_client = app.test_client()
    trainee_client.post("/auth/login", data={"username": trainee.username, "password": PASSWORD})
    assert trainee_client.get("/me/").status_code == 200  # a trainee's home

    login(factory.user("officer", area_code="520500"))  # Bijie contains Weining
    resp = client.post(f"/auth/users/{trainee.id}/reset-password", data={"confirm": "1"})
    assert resp.status_code == 302
    temp = re.search(r"临时密码：(\w{12})", text_of(client.get("/"))).group(1)
    assert trainee_client.get("/me/").status_code == 302  # the trainee's session ended
    fresh = app.test_client()
    assert fresh.post("/auth/login", data={"username": trainee.username,
                                           "password": PASSWORD}).status_code == 401
    assert fresh.post("/auth/login", data={"username": trainee.username,
                                           "password": temp}).status_code == 302
    other_officer = factory.user("officer")
    assert client.post(f"/auth/users/{other_officer.id}/reset-password",
                       data={"confirm": "1"}).status_code == 404


def test_officer_outside_the_area_cannot_reset(client, factory, login):
    worker = factory.worker(area_code="520526")
    trainee = create_user(f"t{worker.id}", PASSWORD, "trainee", worker_id=worker.id)
    login(factory.user("officer", area_code="520115"))
    assert client.post(f"/auth/users/{trainee.id}/reset-password").status_code == 404


def test_passwords_are_hashed_at_the_configured_cost_and_redone_at_login(app, db, factory):
    user = factory.user("officer")
    assert "m=64,t=1," in user.password_hash  # the tests' cheap cost (ARGON2_*)
    user.password_hash = PasswordHasher().hash(PASSWORD)  # made at production cost
    assert "m=65536,t=3," in user.password_hash
    assert verify_password(user, PASSWORD) and not verify_password(user, "wrong-pass-1")
    assert "m=64,t=1," in user.password_hash  # redone at the configured cost


def test_logging_out_ends_a_copied_session_cookie(app, client, factory, db):
    user = factory.user("officer")
    client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    copy = app.test_client()
    cookie = client.get_cookie("session")
    copy.set_cookie("session", cookie.value)
    assert copy.get("/").status_code == 200  # the copy works while the session lives
    client.post("/auth/logout")
    assert copy.get("/").status_code == 302  # and stops working at logout


def test_unknown_and_known_usernames_cost_the_same_verification(client, factory, monkeypatch):
    calls: list[str] = []
    with client.application.app_context():
        real = service._hasher()

    class Counting(type(real)):
        def verify(self, hash_, password):
            calls.append(hash_)
            return super().verify(hash_, password)

    counting = Counting(time_cost=real.time_cost, memory_cost=real.memory_cost,
                        parallelism=real.parallelism)
    monkeypatch.setattr(service, "_hasher", lambda: counting)
    user = factory.user("officer")
    client.post("/auth/login", data={"username": user.username, "password": "bad-pass-1"})
    client.post("/auth/login", data={"username": "nobody-here", "password": "bad-pass-1"})
    user.active = False
    client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert len(calls) == 3  # one Argon2 verification each: unknown and inactive included


def test_password_change_and_reset_revoke_api_tokens(app, client, factory, login, db):
    user = login(factory.user("officer"))
    plain, _token = issue_token(user, "script")
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    resp = client.post("/auth/password", follow_redirects=True, data={
        "current": PASSWORD, "new": "new-pass-456", "confirm": "new-pass-456"})
    assert "1 个 API 令牌已撤销" in text_of(resp)
    assert client.get("/api/v1/me", headers=headers).status_code == 401

    # An officer's reset of a trainee's password revokes the trainee's tokens too.
    worker = factory.worker(area_code="520526")
    trainee = create_user(f"t{worker.id}", PASSWORD, "trainee", worker_id=worker.id)
    plain, _token = issue_token(trainee, "phone")
    login(factory.user("officer", area_code="520526"))
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}
                      ).status_code == 200
    client.post(f"/auth/users/{trainee.id}/reset-password", data={"confirm": "1"})
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}
                      ).status_code == 401
