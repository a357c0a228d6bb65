"""Pages run a bounded number of queries however many rows they show (no N+1)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db as _db


@contextmanager
def count_queries():
    """Count the SQL statements executed inside the block."""
    counter = {"n": 0}

    def before(*_args, **_kwargs):
        counter["n"] += 1

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _openings(factory, n: int) -> None:
    counties = ["520526", "520115", "520102", "520302", "520402"]
    for i in range(n):
        employer = factory.employer()
        factory.job(employer=employer, title=f"普工{i}", county_code=counties[i % len(counties)])


def test_job_board_queries_do_not_grow_with_rows(client, factory, db):
    _openings(factory, 5)
    client.get("/jobs")
    with count_queries() as few:
        assert client.get("/jobs").status_code == 200
    _openings(factory, 20)
    client.get("/jobs")  # recounts: this process wrote openings
    with count_queries() as many:
        assert client.get("/jobs").status_code == 200
    assert many["n"] == few["n"]
    assert many["n"] <= 8


def test_board_total_is_reused_but_never_misses_this_processs_new_openings(
        app, client, factory, db):
    _openings(factory, 5)
    assert 'id="board-count">5 ' in client.get("/jobs?lang=en").text
    with count_queries() as again:
        assert 'id="board-count">5 ' in client.get("/jobs").text
    _openings(factory, 2)
    with count_queries() as after_write:
        assert 'id="board-count">7 ' in client.get("/jobs").text
    assert after_write["n"] == again["n"] + 1  # the count was reused, then recounted


def test_worker_matches_queries_do_not_grow_with_rows(client, factory, db, login_as):
    officer = login_as("officer", area_code="520526")
    assert officer
    worker = factory.worker(area_code="520526", skills_text="普工")
    _openings(factory, 3)
    client.get(f"/workers/{worker.id}/matches")
    with count_queries() as few:
        assert client.get(f"/workers/{worker.id}/matches").status_code == 200
    _openings(factory, 15)
    client.get(f"/workers/{worker.id}/matches")  # the openings cache takes in the new rows
    with count_queries() as many:
        assert client.get(f"/workers/{worker.id}/matches").status_code == 200
    assert many["n"] <= few["n"] + 2
