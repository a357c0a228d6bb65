"""Login limits, sessions and tokens under parallel requests and after a password change.

Each race runs against its own database with real commits and one connection per thread, so
every request is really in flight at once (as an attacker's parallel requests would be).
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import LoginAttempt
from app.extensions import db as _db
from tests.conftest import BACKENDS, PASSWORD, Factory
from tests.support.races import at_once, race_app

WRONG = "wrong-password-1"

pytestmark = pytest.mark.concurrency


def _app_with_user(backend, tmp_path, name):
    app = race_app(backend, tmp_path, name, 45)
    with app.app_context():
        Factory(_db).user("officer", username="target")
        _db.session.commit()
        _db.session.remove()
    return app


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_parallel_wrong_passwords_never_pass_the_limit(backend, tmp_path):
    app = _app_with_user(backend, tmp_path, "loginrace")
    limit = app.config["LOGIN_MAX_FAILURES"]

    codes = at_once(40, lambda _i: app.test_client().post(
        "/auth/login", data={"username": "target", "password": WRONG}).status_code)
    assert codes.count(401) == limit  # exactly `limit` passwords were checked
    assert codes.count(429) == 40 - limit

    # Then the right password is refused too: the account is locked for the window.
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "target", "password": PASSWORD})
    assert response.status_code == 429
    with app.app_context():
        checked = _db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt))
        assert checked == limit  # a locked-out request checks no password and leaves no row
        _db.session.remove()
        _db.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_parallel_token_requests_never_pass_the_limit(backend, tmp_path):
    app = _app_with_user(backend, tmp_path, "tokenrace")
    limit = app.config["LOGIN_MAX_FAILURES"]

    codes = at_once(30, lambda _i: app.test_client().post(
        "/api/v1/tokens", json={"username": "target", "password": WRONG}).status_code)
    assert codes.count(401) == limit
    assert codes.count(429) == 30 - limit
    response = app.test_client().post(
        "/api/v1/tokens", json={"username": "target", "password": PASSWORD})
    assert response.status_code == 429
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
