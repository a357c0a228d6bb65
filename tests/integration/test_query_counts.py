"""Pages run a bounded number of queries however many rows they show (no N+1)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from app import clock
from app.extensions import db as _db
from tests.support.queries import count_queries


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


def _placements(factory, officer, n: int) -> None:
    """Placements started ten days ago: their day-7 follow-ups are overdue today."""
    from datetime import timedelta

    from tests.factories.placements import place

    for _ in range(n):
        place(factory, officer=officer, start=clock.today() - timedelta(days=10),
              area_code="520526", household_id=None)


def _grows(client, url: str, add_rows) -> tuple[int, int]:
    """Queries for ``url`` before and after ``add_rows()`` (each measured warm)."""
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add_rows()
    client.get(url)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    return few["n"], many["n"]


def test_worker_list_queries_do_not_grow_with_rows(client, factory, db, login_as):
    from app.registry.households import create_household, save_site

    officer = login_as("officer", area_code="520526")
    site = save_site({"name": "五里岗安置点", "county_code": "520526"}, officer)
    households = [create_household({"site_id": site.id, "head_name": f"王{n}"}, officer)
                  for n in ("一", "二", "三")]
    for h in households:
        factory.worker(area_code="520526", household_id=h.id)
    few, many = _grows(client, "/registry/workers", lambda: [
        factory.worker(area_code="520526", household_id=households[i % 3].id)
        for i in range(30)])
    # the write counts, the page with its households and sites joined in, the capped
    # count, the site choices
    assert many == few and many <= 4
    assert "五里岗安置点" in client.get("/registry/workers").text


def test_followup_queue_and_record_page_queries_do_not_grow(client, factory, db, login_as):
    officer = login_as("officer", area_code="520526")
    _placements(factory, officer, 2)
    few, many = _grows(client, "/followups/?tab=overdue",
                       lambda: _placements(factory, officer, 12))
    # the write counts, the tab counts, the page with its employers joined in
    assert many == few and many <= 3
    from app.placements.followup_models import FollowUp

    fid = db.session.scalar(sa.select(sa.func.max(FollowUp.id)))
    client.get(f"/followups/{fid}")
    with count_queries() as record:
        assert client.get(f"/followups/{fid}").status_code == 200
    # the write counts, the follow-up, then its worker, household, employer and placement
    # in one query, its attempts
    assert record["n"] <= 4
    client.post("/auth/logout")
    login_as("officer", area_code="520115")  # an area without follow-ups
    client.get("/followups/?tab=overdue")
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", note)
    try:
        assert client.get("/followups/?tab=overdue").status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", note)
    # the tab counts say the tab is empty: no page query
    assert sum("follow_up" in s for s in statements) == 1
    assert client.get("/followups/?tab=overdue&page=2").status_code == 404


def test_dashboard_queries_are_bounded(app, client, factory, db, login_as, monkeypatch):
    officer = login_as("officer", area_code="520526")
    monkeypatch.setitem(app.config, "FIGURES_CACHE_SECONDS", 0)  # every figure counted
    few, many = _grows(client, "/", lambda: _placements(factory, officer, 10))
    assert many == few and many <= 16


def test_board_total_is_capped_with_more_than(client, factory, db, monkeypatch):
    from app.board import views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    _openings(factory, 5)
    page = client.get("/jobs?lang=en").text
    assert 'id="board-count">More than 3 open openings' in page
    from app.board.views import BoardFilters, board_query, board_total

    assert board_total(BoardFilters(), board_query(BoardFilters())) == 4  # stopped at 3 + 1
    assert board_total(BoardFilters(), board_query(BoardFilters()), capped=False) == 5
