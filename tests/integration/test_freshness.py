"""Per-process caches of headline figures (app.freshness): reused between requests, but
never across a write this process made, a rolled-back transaction or their max age."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.registry.models import Worker
from app.registry.queries import household_counts, status_counts
from tests.integration.test_query_counts import count_queries


def test_figures_are_reused_until_this_process_writes_the_register(app, db, factory):
    officer = factory.user("officer", area_code="520526")
    factory.worker(area_code="520526", status="seeking")
    first = status_counts(officer)["seeking"]
    with count_queries() as reused:
        assert status_counts(officer)["seeking"] == first
        household_counts(officer)
        household_counts(officer)
    assert reused["n"] == 3  # the status counts came from the cache; households once
    factory.worker(area_code="520526", status="seeking")  # a flush: recounted at once
    assert status_counts(officer)["seeking"] == first + 1


def test_a_bulk_update_and_the_max_age_both_invalidate(app, db, factory):
    officer = factory.user("officer", area_code="520526")
    worker = factory.worker(area_code="520526", status="seeking")
    before = status_counts(officer)
    db.session.execute(sa.update(Worker).where(Worker.id == worker.id).values(
        status="unavailable"))
    after = status_counts(officer)
    assert after["seeking"] == before["seeking"] - 1
    # a change this process cannot see (another process, raw SQL) shows after the max age
    db.session.connection().execute(sa.text("UPDATE worker SET status = 'seeking' WHERE id = :i"),
                                    {"i": worker.id})
    assert status_counts(officer)["seeking"] == after["seeking"]
    app.config["FIGURES_CACHE_SECONDS"] = 0
    try:
        assert status_counts(officer)["seeking"] == before["seeking"]
    finally:
        app.config["FIGURES_CACHE_SECONDS"] = 60


def test_counts_seen_inside_a_rolled_back_transaction_are_not_kept(app, db, factory):
    officer = factory.user("officer", area_code="520526")
    base = status_counts(officer)["seeking"]
    nested = db.session.begin_nested()
    factory.worker(area_code="520526", status="seeking")
    assert status_counts(officer)["seeking"] == base + 1
    nested.rollback()
    # The count was taken after the last write, so the write counter alone cannot tell it
    # holds a row that is gone: the end of the session's transaction (here the commit; in
    # a request, its teardown) counts the tables it wrote once more.
    db.session.commit()
    assert status_counts(officer)["seeking"] == base


def _seeking_figure(html: str) -> int:
    """The register panel's "Seeking work" tile (its link filters status=seeking)."""
    match = re.search(r'status=seeking">(\d+)</a></div>\s*<div class="figure-label">Seeking',
                      html)
    assert match, "no seeking figure on the dashboard"
    return int(match.group(1))


def test_dashboard_reflects_a_worker_registered_in_the_same_process(client, db, login_as,
                                                                     factory):
    login_as("officer", area_code="520526")
    before = _seeking_figure(client.get("/?lang=en").text)
    factory.worker(area_code="520526", status="seeking", name="新登记")
    assert _seeking_figure(client.get("/").text) == before + 1


# --- shared tables: a commit by any process is seen by every process's caches --------------

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
    factory.worker()  # not a shared table: no write to data_version
    db.session.commit()
    assert _version(db, "job") == before + 1


def test_another_process_commit_to_a_shared_table_invalidates_at_once(app, db, factory):
    from app.freshness import RecentCache

    computed = []
    cache: RecentCache[int] = RecentCache(("job",), lambda: 3600.0, shared=True)
    local: RecentCache[int] = RecentCache(("job",), lambda: 3600.0)

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert cache.get("k", compute) == 1 and cache.get("k", compute) == 1
    assert local.get("k", compute) == 2
    # Another process commits a change to openings: its transaction adds 1 to the row.
    db.session.connection().execute(sa.text(
        "INSERT INTO data_version (name, version) VALUES ('job', 1) "
        "ON CONFLICT (name) DO UPDATE SET version = data_version.version + 1"))
    assert cache.get("k", compute) == 3  # recomputed at once
    assert local.get("k", compute) == 2  # a per-process cache only sees its own writes


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
