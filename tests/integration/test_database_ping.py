"""A pooled PostgreSQL connection that the server ended (a restart, an administrator, an
idle timeout) is replaced before a request uses it — the page is served, never a 500 —
while a connection in good health is not pinged on every request (app/db_setup.py)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from tests.conftest import PG_URL, make_app, pg_database_url

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (TEST_DATABASE_URL)")


@pytest.fixture
def pg_app(tmp_path):
    app = make_app(pg_database_url("qianlu_ping"), tmp_path,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    with app.app_context():
        _db.create_all()
        _db.session.remove()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _backend_pid(app) -> int:
    with app.app_context():
        pid = _db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        _db.session.remove()
    return pid


def _pings(app, monkeypatch) -> list[int]:
    with app.app_context():
        dialect = _db.engine.dialect
    calls: list[int] = []
    real = dialect.do_ping

    def counted(dbapi_conn):
        calls.append(1)
        return real(dbapi_conn)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return calls


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(
        pg_app, monkeypatch):
    first = _backend_pid(pg_app)
    pings = _pings(pg_app, monkeypatch)
    killer = sa.create_engine(sa.make_url(PG_URL).set(drivername="postgresql+psycopg"))
    with killer.connect() as conn:
        # waits (up to 5 s) until the session has ended, as a restart would end it
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:p, 5000)"),
                            {"p": first}).scalar()
    killer.dispose()
    page = pg_app.test_client().get("/jobs")
    assert page.status_code == 200
    assert pings, "the ended connection was used without a check"
    assert _backend_pid(pg_app) != first  # a new session serves the requests


def test_a_healthy_connection_is_not_pinged_on_every_request(pg_app, monkeypatch):
    first = _backend_pid(pg_app)
    pings = _pings(pg_app, monkeypatch)
    client = pg_app.test_client()
    for _ in range(5):
        assert client.get("/jobs").status_code == 200
    assert pings == []
    assert _backend_pid(pg_app) == first


def test_a_connection_idle_for_longer_than_the_setting_is_pinged(pg_app, monkeypatch):
    _backend_pid(pg_app)
    pings = _pings(pg_app, monkeypatch)
    with pg_app.app_context():
        record = _db.engine.pool._pool.queue[0]  # the one idle connection
        record.info["qianlu_idle_since"] -= 3600  # idle for an hour (the setting: 30 s)
    assert pg_app.test_client().get("/jobs").status_code == 200
    assert pings == [1]
