"""Login limits, sessions and tokens under parallel requests and after a password change.

Each race runs against its own database with real commits and one connection per thread, so
every request is really in flight at once (as an attacker's parallel requests would be).
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.auth.areas import load_areas
from app.auth.models import LoginAttempt
from app.extensions import db as _db
from tests.conftest import BACKENDS, PASSWORD, Factory, backend_url, make_app

WRONG = "wrong-password-1"


def _race(app, n: int, request) -> list[int]:
    """Run ``request(client)`` from ``n`` threads released at once; their status codes."""
    barrier = threading.Barrier(n)
    codes: list[int] = []
    lock = threading.Lock()

    def run() -> None:
        client = app.test_client()
        barrier.wait(timeout=60)
        code = request(client)
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    return codes


def _app_with_user(backend, tmp_path, name):
    app = make_app(backend_url(backend, tmp_path, name), tmp_path,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 45, "max_overflow": 5,
                                              "pool_timeout": 120})
    with app.app_context():
        _db.create_all()
        load_areas()
        Factory(_db).user("officer", username="target")
        _db.session.commit()
        _db.session.remove()
    return app


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_parallel_wrong_passwords_never_pass_the_limit(backend, tmp_path):
    app = _app_with_user(backend, tmp_path, "loginrace")
    limit = app.config["LOGIN_MAX_FAILURES"]

    codes = _race(app, 40, lambda c: c.post(
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

    codes = _race(app, 30, lambda c: c.post(
        "/api/v1/tokens", json={"username": "target", "password": WRONG}).status_code)
    assert codes.count(401) == limit
    assert codes.count(429) == 30 - limit
    response = app.test_client().post(
        "/api/v1/tokens", json={"username": "target", "password": PASSWORD})
    assert response.status_code == 429
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
