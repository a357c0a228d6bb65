"""API v1 foundation: tokens, bearer auth, the error shape, the generated document."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import ApiToken
from app.auth.tokens import issue_token, revoke
from tests.conftest import PASSWORD


def _token(client, user) -> str:
    resp = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["token"]


def test_token_then_me(client, factory, db):
    user = factory.user("officer")
    token = _token(client, user)
    assert token.startswith("ql_")
    stored = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash != token and len(stored.token_hash) == 64  # hashed, not plain
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    assert resp.get_json()["username"] == user.username


def test_missing_or_bad_token_is_401_json(client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        resp = client.get("/api/v1/me", headers=headers)
        assert resp.status_code == 401
        body = resp.get_json()
        assert set(body["error"]) == {"code", "message", "fields"}
        assert body["error"]["code"] == "unauthorized"


def test_session_cookie_does_not_authenticate_the_api(client, login_as):
    login_as("officer")
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_and_rate_limit(client, factory, app):
    user = factory.user("officer")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        resp = client.post("/api/v1/tokens", json={"username": user.username,
                                                   "password": "wrong-pass-1"})
        assert resp.status_code == 401
    resp = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "rate_limited"


def test_validation_error_lists_fields(client):
    resp = client.post("/api/v1/tokens", json={"username": ""})
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert "password" in fields and "username" in fields
    resp = client.post("/api/v1/tokens", data="not json", content_type="application/json")
    assert resp.status_code in (400, 422)
    assert "error" in resp.get_json()


def test_revoked_token_stops_working(client, factory, db):
    user = factory.user("officer")
    token = _token(client, user)
    stored = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert revoke(user, stored.id)
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401


def test_openapi_document_and_local_docs(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/tokens" in spec["paths"]
    docs = client.get("/api/v1/docs/").get_data(as_text=True)
    assert "swagger-ui-bundle.js" in docs and "http" not in docs.split("<body>")[1].split(
        "</body>")[0].replace("data-spec", "")
    assert client.get("/api/v1/docs/ui/swagger-ui-bundle.js").status_code == 200


def test_unknown_api_path_is_json_404(client):
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_tokens_page_creates_lists_and_revokes(client, login_as, db):
    user = login_as("officer")
    page = client.post("/auth/tokens", data={"name": "民政对接"}).get_data(as_text=True)
    assert "ql_" in page and "民政对接" in page
    stored = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    client.post("/auth/tokens", data={"revoke": stored.id, "confirm": "1"})
    db.session.refresh(stored)
    assert stored.revoked_at is not None


def test_cannot_revoke_someone_elses_token(db, factory):
    owner, other = factory.user("officer"), factory.user("officer")
    _plain, token = issue_token(owner)
    assert not revoke(other, token.id)
    assert token.revoked_at is None
