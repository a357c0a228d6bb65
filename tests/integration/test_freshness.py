"""Per-process caches (app.freshness): reused between requests, but never across a write
this process made, a rolled-back transaction or their max age, nor across another
process's committed write to what they depend on. The dashboard's register figures are a
snapshot of at most FIGURES_CACHE_SECONDS."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.auth.models import User
from app.employers.models import Job
from app.freshness import Cache
from app.registry.models import Worker
from app.registry.queries import household_counts, status_counts
from tests.support.queries import count_queries


class _Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _seeking_cache(clock: _Clock | None = None):
    """A per-process cache of seeking workers (depending on workers), and its use."""
    cache: Cache[int] = Cache(depends_on=(Worker,), max_age=3600.0, clock=clock or _Clock())

    def seeking() -> int:
        return cache.get("seeking", lambda: db_count_seeking())

    return seeking


def db_count_seeking() -> int:
    from app.extensions import db

    return db.session.scalar(sa.select(sa.func.count()).select_from(Worker).where(
        Worker.status == "seeking"))


def test_a_value_is_reused_until_this_process_writes_its_table(app, db, factory):
    seeking = _seeking_cache()
    factory.worker(status="seeking")
    first = seeking()
    with count_queries() as reused:
        assert seeking() == first
    # nothing counted again (the write counts of every process are read: once per
    # request in a request, here at each use)
    assert [s for s in reused["statements"] if "data_version" not in s] == []
    factory.worker(status="seeking")  # a flush: recounted at once
    assert seeking() == first + 1


def test_a_bulk_update_and_the_max_age_both_invalidate(app, db, factory):
    clock = _Clock()
    seeking = _seeking_cache(clock)
    worker = factory.worker(status="seeking")
    before = seeking()
    db.session.execute(sa.update(Worker).where(Worker.id == worker.id).values(
        status="unavailable"))
    after = seeking()
    assert after == before - 1
    # a change this process cannot see (another process, raw SQL) shows after the max age
    db.session.connection().execute(sa.text("UPDATE worker SET status = 'seeking' WHERE id = :i"),
                                    {"i": worker.id})
    assert seeking() == after
    clock.now += 3600
    assert seeking() == before


def test_counts_seen_inside_a_rolled_back_transaction_are_not_kept(app, db, factory):
    seeking = _seeking_cache()
    base = seeking()
    nested = db.session.begin_nested()
    factory.worker(status="seeking")
    assert seeking() == base + 1
    nested.rollback()
    # The count was taken after the last write, so the write counter alone cannot tell it
    # holds a row that is gone: the end of the session's transaction (here the commit; in
    # a request, its teardown) counts the tables it wrote once more.
    db.session.commit()
    assert seeking() == base


def _figure(html: str, status: str, label: str) -> int:
    """A register panel tile (its link filters by ``status``)."""
    match = re.search(rf'{status}">(\d+)</a></div>\s*<div class="figure-label">{label}',
                      html)
    assert match, f"no {label} figure on the dashboard"
    return int(match.group(1))


def test_dashboard_figures_are_a_snapshot_of_at_most_the_max_age(client, db, login_as,
                                                                 factory, monkeypatch):
    login_as("officer", area_code="520526")
    factory.worker(area_code="520526", status="seeking", name="甲")
    page = client.get("/?lang=en").text  # counted now (the tests' max age is 0)…
    monkeypatch.setitem(client.application.config, "FIGURES_CACHE_SECONDS", 60)  # …kept
    before = _figure(page, "status=seeking", "Seeking")
    assert re.search(r"Counted at \d\d:\d\d", page)
    factory.worker(area_code="520526", status="seeking", name="新登记")
    with count_queries() as reused:
        assert _figure(client.get("/").text, "status=seeking", "Seeking") == before
    with count_queries() as recounted:
        monkeypatch.setitem(client.application.config, "FIGURES_CACHE_SECONDS", 0)
        assert _figure(client.get("/").text, "status=seeking", "Seeking") == before + 1
    assert recounted["n"] >= reused["n"] + 2  # workers and households, each one statement


def test_area_figures_add_up_the_counties_of_each_scope(app, db, factory):
    """The province-wide snapshot, added up per scope, equals counting within the scope."""
    from app.registry.figures import area_figures
    from app.registry.households import create_household

    admin = factory.user("admin")
    for county, status in [("520526", "seeking"), ("520526", "employed"),
                           ("520502", "seeking"), ("520103", "training")]:
        household = create_household({"area_code": county, "head_name": "王大",
                                      "village": "新村"}, admin)
        factory.worker(area_code=county, status=status, household_id=household.id)
    create_household({"area_code": "520502", "monitored": True, "head_name": "李二",
                      "village": "新村"}, admin)  # no members
    for role, area in [("officer", "520526"), ("officer", "520500"), ("officer", "520000"),
                       ("admin", None)]:
        user = admin if role == "admin" else factory.user(role, area_code=area)
        counts, _at = area_figures(user)
        assert {k: counts[k] for k in ("seeking", "employed", "training", "unavailable")} \
            == status_counts(user), (role, area)
        assert {k: counts[k] for k in ("households", "monitored", "zero")} \
            == household_counts(user), (role, area)
    # a household whose one member seeks work is zero-employment; one with work is not;
    # one without members is not counted as such
    assert area_figures(factory.user("officer", area_code="520526"))[0]["zero"] == 1
    assert area_figures(factory.user("officer", area_code="520500"))[0]["zero"] == 2
    assert area_figures(admin)[0]["monitored"] == 1


# --- a commit by any process is seen by every process's caches ----------------------------

def _version(db, name: str) -> int:
    return db.session.connection().execute(
        sa.text("SELECT coalesce(max(version), 0) FROM data_version WHERE name = :n"),
        {"n": name}).scalar()


def test_a_commit_writing_a_shared_table_counts_once_and_a_savepoint_or_rollback_not(
        app, db, factory):
    job = factory.job()
    db.session.commit()
    before = _version(db, "job")
    nested = db.session.begin_nested()
    job.title = "焊工（夜班）"
    nested.commit()  # a savepoint: only the enclosing commit counts
    assert _version(db, "job") == before
    db.session.commit()
    assert _version(db, "job") == before + 1
    job.title = "焊工（白班）"
    db.session.flush()
    db.session.rollback()  # rolled back: nothing to tell anyone
    assert _version(db, "job") == before + 1
    factory.worker()  # not a table of openings: no write to its version
    db.session.commit()
    assert _version(db, "job") == before + 1


def test_another_process_commit_to_a_shared_table_invalidates_at_once(app, db, factory):
    computed = []
    cache: Cache[int] = Cache(depends_on=(Job,), max_age=3600.0)
    areas: Cache[int] = Cache(max_age=3600.0)  # depends on nothing

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert cache.get("k", compute) == 1 and cache.get("k", compute) == 1
    assert areas.get("k", compute) == 2
    # Another process commits a change to openings: its transaction adds 1 to the row.
    db.session.connection().execute(sa.text(
        "INSERT INTO data_version (name, version) VALUES ('job', 1) "
        "ON CONFLICT (name) DO UPDATE SET version = data_version.version + 1"))
    assert cache.get("k", compute) == 3  # recomputed at once
    assert areas.get("k", compute) == 2  # a cache that does not depend on openings


def test_matching_index_sees_another_process_committed_opening_at_once(app, db, factory):
    from app.matching.service import recommend_for_worker

    worker = factory.worker()
    job = factory.job(headcount=1)
    app.config["MATCH_INDEX_RECHECK_SECONDS"] = 3600
    try:
        assert job.id in {m.job.id for m in recommend_for_worker(worker).matches}
        # Closed by another process: its own connection, so not in this process's watch,
        # but its commit counted the write in data_version.
        conn = db.session.connection()
        conn.execute(sa.text("UPDATE job SET status = 'closed' WHERE id = :i"), {"i": job.id})
        conn.execute(sa.text(
            "INSERT INTO data_version (name, version) VALUES ('job', 1) "
            "ON CONFLICT (name) DO UPDATE SET version = data_version.version + 1"))
        assert job.id not in {m.job.id for m in recommend_for_worker(worker).matches}
    finally:
        app.config["MATCH_INDEX_RECHECK_SECONDS"] = 300


def test_matches_name_an_opening_as_it_is_now(app, db, factory):
    """The openings a worker's results name (title, employer, places left) are kept
    between pages, and shown as they are now once this or another process changes them."""
    from app.matching.service import recommend_for_worker

    worker = factory.worker()
    job = factory.job(title="焊工A", headcount=3)
    app.config["MATCH_INDEX_RECHECK_SECONDS"] = 3600
    try:
        shown = {m.job.id: m.job for m in recommend_for_worker(worker).matches}[job.id]
        assert (shown.title, shown.remaining) == ("焊工A", 3)
        job.title, job.filled = "焊工B", 1  # this process's write
        db.session.flush()
        shown = {m.job.id: m.job for m in recommend_for_worker(worker).matches}[job.id]
        assert (shown.title, shown.remaining) == ("焊工B", 2)
        # Another process renames its employer: its commit counts in data_version.
        conn = db.session.connection()
        conn.execute(sa.text("UPDATE employer SET name = '新名称' WHERE id = :i"),
                     {"i": job.employer_id})
        conn.execute(sa.text(
            "INSERT INTO data_version (name, version) VALUES ('employer', 1) "
            "ON CONFLICT (name) DO UPDATE SET version = data_version.version + 1"))
        shown = {m.job.id: m.job for m in recommend_for_worker(worker).matches}[job.id]
        assert shown.employer.name == "新名称"
    finally:
        app.config["MATCH_INDEX_RECHECK_SECONDS"] = 300


def _bump(db, name: str) -> None:
    """What another process's commit of a change to ``name`` leaves in data_version."""
    db.session.connection().execute(sa.text(
        "INSERT INTO data_version (name, version) VALUES (:n, 1) "
        "ON CONFLICT (name) DO UPDATE SET version = data_version.version + 1"), {"n": name})


def test_signed_in_user_is_read_from_the_cache_until_any_process_changes_users(
        client, db, login_as):
    officer = login_as("officer", area_code="520526")
    officer_id = officer.id
    assert client.get("/registry/workers").status_code == 200
    db.session.expunge_all()  # as in a fresh request's session: nothing loaded yet
    del officer
    with count_queries() as cached:
        assert client.get("/registry/workers").status_code == 200
    user_reads = [s for s in cached["statements"] if 'from "user"' in s.lower()
                  or "from area" in s.lower() and "area.code =" in s.lower()]
    assert user_reads == []  # neither the account nor its area read again
    # Another process changes the password: it rotates the session token and commits.
    conn = db.session.connection()
    conn.execute(sa.text('UPDATE "user" SET session_token = :t WHERE id = :i'),
                 {"t": "0" * 32, "i": officer_id})
    _bump(db, "user")
    db.session.expire_all()  # a request's session starts empty (the test's is shared)
    resp = client.get("/registry/workers")
    assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]


def test_a_deactivation_by_another_process_ends_the_session_at_once(client, db, login_as):
    officer = login_as("officer", area_code="520526")
    assert client.get("/").status_code == 200
    db.session.connection().execute(sa.text('UPDATE "user" SET active = false WHERE id = :i'),
                                    {"i": officer.id})
    _bump(db, "user")
    db.session.expire_all()
    assert client.get("/").status_code == 302


def test_a_login_or_a_language_switch_keeps_cached_accounts_but_a_role_change_not(
        client, db, login_as, factory):
    officer = login_as("officer", area_code="520526")
    other = factory.user("officer", area_code="520526")
    db.session.commit()
    before = _version(db, "user")
    other.last_login_at = other.created_at  # what a login writes
    other.locale = "en"  # what a language switch writes
    db.session.commit()
    assert _version(db, "user") == before  # no process drops its cached accounts
    client.get("/?lang=en")  # this account switches its language: the same
    assert _version(db, "user") == before
    assert db.session.get(User, officer.id).locale == "en"
    other.role = "admin"
    db.session.commit()
    assert _version(db, "user") == before + 1  # every process reads accounts afresh


def test_the_board_page_is_rendered_again_when_an_area_is_renamed(client, db, factory):
    from app.auth.models import Area

    factory.job(title="焊工")
    db.session.commit()
    area = db.session.get(Area, "441900")  # a city the board's filter names
    assert area.name in client.get("/jobs").text
    old = area.name
    area.name = "测试新区"
    db.session.commit()
    try:
        assert "测试新区" in client.get("/jobs").text
    finally:
        area.name = old
        db.session.commit()
