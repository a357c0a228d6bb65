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
