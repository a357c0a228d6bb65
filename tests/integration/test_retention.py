"""Retention from the database: Kaplan–Meier against a hand-computed example with
censoring, job changes censored, breakdowns, the snapshot, the page and its export."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import AuditLog
from app.placements.followup_models import RetentionSnapshot
from app.placements.models import Placement
from app.placements.retention import breakdown, overall, snapshot
from app.registry.models import Household, RelocationSite

AS_OF = date(2025, 12, 31)

# The hand-computed example of tests/unit/test_survival.py, as placements:
#   durations  5  8  8  12  15  20  20  25   (days)
#   lost       1  1  0   1   0   1   1   0   (0 = still in work, observed that long: censored)
#   S(5)=7/8  S(8)=6/8  S(12)=0.6  S(20)=0.2 ; 95% log(-log) CI at day 12: 0.1955–0.85225
HAND = [(5, True), (8, True), (8, False), (12, True), (15, False), (20, True), (20, True),
        (25, False)]


def add_placement(db, worker, *, days, lost, region="prd", employer=None, kind="left"):
    """A placement observed ``days`` up to AS_OF: ended (lost) or still active (censored)."""
    start = AS_OF - timedelta(days=days)
    p = Placement(worker_id=worker.id, employer_id=employer.id if employer else None,
                  area_code=worker.area_code, region=region, start_date=start,
                  status="ended" if lost else "active",
                  end_date=AS_OF if lost else None, end_kind=kind if lost else "")
    db.session.add(p)
    db.session.flush()
    return p


def test_kaplan_meier_matches_the_hand_computed_example(db, factory):
    for days, lost in HAND:
        add_placement(db, factory.worker(), days=days, lost=lost)
    total = overall(None, AS_OF)
    assert total.n == 8 and total.events == 5
    assert total.curve.at(5).survival == pytest.approx(7 / 8)
    assert total.curve.at(8).survival == pytest.approx(0.75)
    s12 = total.curve.at(12)
    assert s12.survival == pytest.approx(0.6)
    assert s12.lower == pytest.approx(0.19550, abs=1e-4)
    assert s12.upper == pytest.approx(0.85225, abs=1e-4)
    assert total.curve.at(20).survival == pytest.approx(0.2)
    assert total.figures[30].survival is None  # nobody observed 30 days: unknown, not 0


def test_recent_placements_are_censored_and_job_changes_are_not_losses(db, factory):
    old = [add_placement(db, factory.worker(), days=200, lost=False) for _ in range(3)]
    add_placement(db, factory.worker(), days=40, lost=True)  # lost at day 40
    add_placement(db, factory.worker(), days=60, lost=True, kind="changed")  # still in work
    for _ in range(5):  # placed last week: must not drag the 90-day figure down
        add_placement(db, factory.worker(), days=7, lost=False)
    total = overall(None, AS_OF)
    assert total.events == 1
    # day 40: 5 at risk (3 old, the lost one, the changed one) -> 4/5
    assert total.figures[30].survival == pytest.approx(1.0)
    assert total.figures[90].survival == pytest.approx(4 / 5)
    assert total.figures[180].survival == pytest.approx(4 / 5)
    assert len(old) == 3


def test_breakdowns(db, factory):
    site = RelocationSite(name="易地扶贫搬迁安置点A", county_code="520526")
    db.session.add(site)
    db.session.flush()
    household = Household(number="H-RET-1", area_code="520526", site_id=site.id)
    db.session.add(household)
    db.session.flush()
    employer = factory.employer(name="长三角电子厂")
    for days, lost in HAND:
        add_placement(db, factory.worker(category="relocated", household_id=household.id),
                      days=days, lost=lost, region="yrd", employer=employer)
    add_placement(db, factory.worker(category="graduate"), days=100, lost=False,
                  region="guizhou")
    by_region = {g.key: g for g in breakdown(None, "region", AS_OF)}
    assert set(by_region) == {"yrd", "guizhou"}
    assert by_region["yrd"].curve.at(12).survival == pytest.approx(0.6)
    assert by_region["yrd"].label in ("长三角", "Yangtze River Delta")
    assert {g.label for g in breakdown(None, "employer", AS_OF)} >= {"长三角电子厂"}
    assert {g.label: g.n for g in breakdown(None, "site", AS_OF)}["易地扶贫搬迁安置点A"] == 8
    assert {g.key: g.n for g in breakdown(None, "category", AS_OF)} == {"relocated": 8,
                                                                        "graduate": 1}
    months = [g.key for g in breakdown(None, "month", AS_OF)]
    assert months == sorted(months)
    assert {g.key for g in breakdown(None, "course", AS_OF)} == {"none"}
    with pytest.raises(ValueError):
        breakdown(None, "colour", AS_OF)


def test_scope_limits_the_curve(db, factory):
    add_placement(db, factory.worker(area_code="520526"), days=50, lost=True)
    add_placement(db, factory.worker(area_code="520115"), days=50, lost=False)
    assert overall(factory.user("officer", area_code="520526"), AS_OF).n == 1
    assert overall(factory.user("officer", area_code="520000"), AS_OF).n == 2


def test_snapshot_is_idempotent(db, factory):
    for days, lost in HAND:
        add_placement(db, factory.worker(), days=days, lost=lost)
    first = snapshot(AS_OF)
    second = snapshot(AS_OF)
    assert first == second
    rows = db.session.scalars(sa.select(RetentionSnapshot).where(
        RetentionSnapshot.snapshot_date == AS_OF)).all()
    assert len(rows) == first
    whole = next(r for r in rows if r.group_kind == "all")
    assert (whole.n, whole.events, whole.s30) == (8, 5, None)


def test_retention_page_and_export(client, db, factory, login_as):
    login_as("officer", area_code="520526")
    employer = factory.employer(name="=HYPERLINK(\"http://x\")")
    for days, lost in HAND:
        add_placement(db, factory.worker(), days=days, lost=lost, employer=employer)
    resp = client.get("/followups/retention?by=employer")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.count("<svg") >= 3 and "<script" not in html.split("<main")[1].split(
        "</main>")[0]
    assert "retention-table" in html
    assert client.get("/followups/retention?by=colour").status_code == 404
    export = client.get("/followups/retention.xlsx?by=employer")
    assert export.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.data)).active
    values = [c.value for c in sheet["A"]]
    assert values[1] in ("全部上岗", "All placements")
    assert values[2].startswith("'=")  # formula neutralised
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "retention_export")) == 1


def test_dashboard_panel(client, db, factory, login_as):
    login_as("officer", area_code="520526")
    for days, lost in [(100, False), (120, True), (200, False)]:
        add_placement(db, factory.worker(), days=days, lost=lost)
    body = client.get("/").get_data(as_text=True)
    assert "就业与稳岗" in body and "90天稳岗率" in body and "欠薪" in body


def test_overall_counted_in_sql_agrees_with_the_per_placement_rule(db, factory):
    """The dashboard's figure is aggregated in the database; it must give the same curve as
    the per-placement rule the breakdowns use (ends after the date, unexplained ends…)."""
    from app.placements.retention import _observations
    from app.placements.survival import kaplan_meier

    for days, lost in HAND:
        add_placement(db, factory.worker(), days=days, lost=lost)
    add_placement(db, factory.worker(), days=33, lost=True, kind="")  # ended, no reason: lost
    add_placement(db, factory.worker(), days=45, lost=True, kind="changed")  # censored
    later = add_placement(db, factory.worker(), days=50, lost=False)
    later.end_date, later.end_kind, later.status = AS_OF + timedelta(days=3), "left", "ended"
    add_placement(db, factory.worker(), days=-5, lost=False)  # starts after AS_OF: not counted
    db.session.flush()
    obs = _observations(None, AS_OF)
    expected = kaplan_meier(obs.durations, obs.events)
    total = overall(None, AS_OF)
    assert total.n == expected.n == 11 and total.events == expected.n_events == 6
    for day in (5, 12, 33, 45, 50, 200):
        assert total.curve.at(day).survival == pytest.approx(expected.at(day).survival)


def test_the_snapshot_holds_each_scope_and_the_dashboard_reads_it(db, factory):
    """Every area an officer's scope can be gets the figures counting within the scope
    would give; the dashboard shows the latest snapshot's, not a recount."""
    from app.placements.panels import figures
    from app.placements.retention import snapshot_figure

    officers = [factory.user("officer", area_code=code)
                for code in ("520526", "520500", "520000", "520103")]
    admin = factory.user("admin")
    before = [snapshot_figure(u, 90) for u in (*officers, admin)]
    assert before == [None] * 5  # no snapshot yet: the dashboard counts for itself
    for county, days, lost in [("520526", 120, False), ("520526", 100, True),
                               ("520502", 200, False), ("520502", 95, False),
                               ("520103", 150, True), ("520103", 130, False)]:
        add_placement(db, factory.worker(area_code=county), days=days, lost=lost)
    snapshot(AS_OF)
    db.session.commit()
    for user in (*officers, admin):
        live = overall(user, AS_OF).figures[90]
        assert snapshot_figure(user, 90) == pytest.approx(
            (live.survival, live.lower, live.upper)), user.area_code
    # a placement lost after the snapshot shows on the dashboard with the next snapshot
    shown = figures(officers[0], AS_OF)["retention_90"]
    add_placement(db, factory.worker(area_code="520526"), days=60, lost=True)
    db.session.commit()
    assert figures(officers[0], AS_OF)["retention_90"] == shown
    snapshot(AS_OF)
    db.session.commit()
    assert figures(officers[0], AS_OF)["retention_90"] != shown


def test_small_groups_show_no_interval_but_a_note(client, db, factory, login_as):
    login_as("officer", area_code="520526")
    alone = factory.employer(name="独苗企业")
    add_placement(db, factory.worker(), days=200, lost=False, employer=alone)
    html = client.get("/followups/retention?by=employer").get_data(as_text=True)
    table = html.split('id="retention-table"', 1)[1]
    row = table.split("独苗企业", 1)[1].split("</tr>", 1)[0]
    assert "100%" in row and "100%–100%" not in row and "small-group" in row
    assert 'id="small-groups"' in html
