"""SQLite (the embedded default) has one writer at a time and every transaction takes the
write lock at its start (app/db_setup.py). A request that cannot get it within
SQLITE_BUSY_TIMEOUT_SECONDS answers 503 "busy, try again" with Retry-After — never a 500 —
and the next request, once the lock is free, is served."""
from __future__ import annotations

import sqlite3

import pytest

from app.areas.service import load_areas
from app.extensions import db as _db
from tests.conftest import make_app, text_of

pytestmark = pytest.mark.slow


@pytest.fixture
def busy_app(tmp_path):
    path = tmp_path / "busy.db"
    app = make_app(f"sqlite:///{path}", tmp_path, SQLITE_BUSY_TIMEOUT_SECONDS=0.3)
    with app.app_context():
        _db.create_all()
        load_areas()
        _db.session.commit()
        _db.session.remove()
    yield app, path
    with app.app_context():
        _db.engine.dispose()


def test_a_request_that_cannot_get_the_write_lock_says_busy_not_500(busy_app):
    app, path = busy_app
    client = app.test_client()
    other = sqlite3.connect(path, isolation_level=None)  # another process writing
    try:
        other.execute("BEGIN IMMEDIATE")
        page = client.get("/jobs")
        assert page.status_code == 503, page.status_code
        assert page.headers["Retry-After"] == "5"
        assert "系统繁忙，请稍候再试" in text_of(page)
        english = client.get("/jobs?lang=en")
        assert english.status_code == 503
        assert "The service is busy" in text_of(english)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert client.get("/jobs").status_code == 200  # the lock is free: served again
