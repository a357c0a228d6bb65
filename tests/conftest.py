"""Fixtures: app → db → client per database backend, factories, login helper.

Integration tests run on SQLite always and on PostgreSQL too when TEST_DATABASE_URL is set
(one parametrised ``app`` fixture). Each test runs inside an outer transaction that is rolled
back, with SAVEPOINTs for the commits the code under test makes.
"""
from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from stdnum.cn import uscc

from app import clock, create_app
from app.areas.service import load_areas
from app.auth.service import create_user
from app.employers.models import Employer, Job
from app.extensions import db as _db
from app.registry.demo import demo_id_number
from app.registry.models import Worker

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _compile_translations() -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "compile",
         "-d", str(ROOT / "app" / "translations")],
        check=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Compile message catalogues once, so tests see translated pages."""
    if not hasattr(config, "workerinput"):
        _run_id()  # set before xdist starts its workers, which inherit it
        _compile_translations()
    OUTPUT.mkdir(exist_ok=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``concurrency`` open dozens of connections at once: they share one xdist
    worker and so run one after another, never two together past the server's limit."""
    for item in items:
        if item.get_closest_marker("concurrency"):
            item.add_marker(pytest.mark.xdist_group("concurrency"))


def _worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _run_id() -> str:
    """One id per test run, shared by its xdist workers, so concurrent runs never collide."""
    return os.environ.setdefault("QIANLU_TEST_RUN", f"{os.getpid():x}")


_CREATED_DATABASES: list[str] = []


def pg_database_url(name: str) -> str:
    """A fresh PostgreSQL database derived from TEST_DATABASE_URL, named for this run.

    The name carries the run id, so two runs on one server (two checkouts, CI beside a
    developer) never drop each other's databases; the run drops its own at the end.
    """
    base = sa.make_url(PG_URL).set(drivername="postgresql+psycopg")
    name = f"{name}_{_run_id()}"[:63]
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    _CREATED_DATABASES.append(name)
    return base.set(database=name).render_as_string(hide_password=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the PostgreSQL databases this process created."""
    if not (PG_URL and _CREATED_DATABASES):
        return
    engine = sa.create_engine(sa.make_url(PG_URL).set(drivername="postgresql+psycopg"),
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name in _CREATED_DATABASES:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


class IsolatedClient(FlaskClient):
    """Each request forgets per-request caches kept on ``g``.

    Tests keep one app context open for their transaction, and Flask reuses it for the
    client's requests; in production every request has a fresh one.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in ("_flask_babel", "_login_user", "lang",
                        *(k for k in list(g) if k.startswith("_qianlu"))):
                g.pop(key, None)
        return super().open(*args, **kwargs)


def make_app(url: str, tmp: Path, **extra: object):
    """An app configured for tests against ``url``."""
    os.environ.setdefault("SECRET_KEY", "test-secret")
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        # The dashboard's headline figures are a snapshot kept for a minute; each test has
        # its own rolled-back data, so tests count afresh unless they test the snapshot.
        "FIGURES_CACHE_SECONDS": 0,
        # Password hashing at production cost was half the time of the board's tests.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 64,
        **extra,
    }
    os.environ["QIANLU_INSTANCE"] = str(tmp)
    application = create_app(config)
    application.test_client_class = IsolatedClient
    return application


def backend_url(backend: str, tmp: Path, name: str) -> str:
    """Database URL for a backend: a SQLite file or a fresh PostgreSQL database."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / (name + '.db')}"
    return pg_database_url(f"qianlu_{name}_{_worker_suffix()}")


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    """The app with an empty schema (create_all) and the areas loaded."""
    backend = request.param
    tmp = tmp_path_factory.mktemp(backend)
    application = make_app(backend_url(backend, tmp, "suite"), tmp)
    application.config["BACKEND"] = backend
    with application.app_context():
        _db.create_all()

        load_areas()
        _db.session.commit()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


class _ConnectionSession(FlaskSession):
    """Flask-SQLAlchemy picks engines per table; tests pin every query to one connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def db(app):
    """The database inside a rolled-back outer transaction."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint",
             "class_": _ConnectionSession}
        )
        original = _db.session
        _db.session = session
        try:
            yield _db
        finally:
            session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, db):
    """A test client sharing the test's transaction."""
    return app.test_client()


@pytest.fixture
def runner(app, db):
    """A CLI runner sharing the test's transaction."""
    return app.test_cli_runner()


PASSWORD = "test-pass-123"
_SEQUENCE = itertools.count(1 + os.getpid() % 1000 * 10000)


class Factory:
    """Callable factories for test data; each flushes and returns the model."""

    def __init__(self, db) -> None:
        self.db = db

    def seq(self) -> int:
        """A number unique in this test process (shared databases never see a repeat)."""
        return next(_SEQUENCE)

    def user(self, role: str = "officer", area_code: str | None = "520526", **kw):
        if role != "officer" and area_code == "520526":
            area_code = None
        username = kw.pop("username", f"{role}{self.seq()}")
        return create_user(username, PASSWORD, role, area_code=area_code, **kw)


    def worker(self, area_code: str = "520526", **kw):
        """A seeking worker with a valid ID number (checksum computed)."""
        n = self.seq()
        born = kw.pop("birth_date", date(1990, 1, 1 + n % 28))
        sex = kw.pop("sex", "M")
        id_number = kw.pop("id_number", None) or demo_id_number(area_code, born, n, sex)
        phone = kw.pop("phone", f"139{n:08d}")
        worker = Worker(
            name=kw.pop("name", f"测试{n}"), name_pinyin=kw.pop("name_pinyin", f"ceshi{n}"),
            name_initials=kw.pop("name_initials", "cs"), id_number=id_number,
            id_number_rev=id_number[::-1], birth_date=born, sex=sex, phone=phone,
            phone_rev=phone[::-1], area_code=area_code,
            regions_acceptable=kw.pop("regions_acceptable", ["local", "guizhou", "prd", "yrd"]),
            **kw,
        )
        self.db.session.add(worker)
        self.db.session.flush()
        return worker

    def employer(self, **kw):
        """A verified employer in Dongguan (PRD) with a valid credit code."""
        n = self.seq()
        body = f"91441900MA{n:07d}"
        employer = Employer(
            name=kw.pop("name", f"测试企业{n}"), credit_code=body + uscc.calc_check_digit(body),
            province_code="440000", city_code="441900", region="prd",
            status=kw.pop("status", "verified"), **kw,
        )
        self.db.session.add(employer)
        self.db.session.flush()
        return employer

    def job(self, employer=None, **kw):
        """An open opening with places left."""

        employer = employer or self.employer()
        job = Job(
            employer_id=employer.id, title=kw.pop("title", "普工"),
            headcount=kw.pop("headcount", 5), wage_min=kw.pop("wage_min", 4500),
            wage_max=kw.pop("wage_max", 6000), province_code="440000", city_code="441900",
            region=kw.pop("region", "prd"), status=kw.pop("status", "open"),
            start_date=kw.pop("start_date", clock.today() + timedelta(days=7)),
            closing_date=kw.pop("closing_date", clock.today() + timedelta(days=30)), **kw,
        )
        self.db.session.add(job)
        self.db.session.flush()
        return job


@pytest.fixture
def factory(db) -> Factory:
    """Data factories bound to the test's session."""
    return Factory(db)


@pytest.fixture
def login(client):
    """login(user) logs the test client in as that user (through the real form)."""

    def _login(user, password: str = PASSWORD):
        # Signing in replaces whoever was signed in: the login page sends a signed-in user
        # on (a 302 too), so the session is dropped first.
        client.delete_cookie(client.application.config["SESSION_COOKIE_NAME"])
        client.delete_cookie("remember_token")
        resp = client.post("/auth/login", data={"username": user.username,
                                                "password": password})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return user

    return _login


@pytest.fixture
def login_as(factory, login):
    """login_as(role, **kw) creates a user of that role and logs in."""

    def _login_as(role: str = "officer", **kw):
        return login(factory.user(role, **kw))

    return _login_as


def text_of(resp) -> str:
    """Response body as text with tags stripped (for readable assertions)."""
    return re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True))
