"""/api/v1/followups and /stats/retention: due/overdue/done by due date, outcomes through the
placements service, retention as the page computes it, officers' areas only."""
from __future__ import annotations

from datetime import timedelta

from app import clock
from app.placements.service import confirm_hire, refer
from tests.integration import test_api_support
from tests.integration.test_api_support import error_of, ok

api = test_api_support.api  # the fixture


def _placement(factory, area_code: str = "520526", days_ago: int = 40):
    worker = factory.worker(area_code=area_code)
    job = factory.job()
    referral = refer(worker, job, by=None)
    return confirm_hire(referral, start_date=clock.today() - timedelta(days=days_ago),
                        monthly_wage=5000, by=None)


def test_status_filters_follow_the_due_dates(api, factory):
    placement = _placement(factory)
    officer = api.as_(factory.user("officer", area_code="520526"))
    every = ok(officer.get("/followups", placement_id=placement.id, per_page=50))["items"]
    assert [f["slot"] for f in every if f["kind"] == "day"] == [7, 30, 90, 180]
    overdue = ok(officer.get("/followups", placement_id=placement.id, status="overdue"))
    assert [f["slot"] for f in overdue["items"] if f["kind"] == "day"] == [7, 30]
    assert all(f["status"] == "overdue" for f in overdue["items"])
    due = ok(officer.get("/followups", placement_id=placement.id, status="due"))["items"]
    assert {f["slot"] for f in due if f["kind"] == "day"} == {90, 180}
    cutoff = clock.today().isoformat()
    assert ok(officer.get("/followups", placement_id=placement.id, due_by=cutoff))[
        "meta"]["total"] == overdue["meta"]["total"]
    assert error_of(officer.get("/followups", status="later"), 422)


def test_outcome_validation_conflict_and_attempts(api, factory):
    placement = _placement(factory)
    officer = api.as_(factory.user("officer", area_code="520526"))
    first = ok(officer.get("/followups", placement_id=placement.id, status="overdue"))[
        "items"][0]
    url = f"/followups/{first['id']}/outcome"
    assert error_of(officer.post(url, {"method": "fax", "reached": True}), 422)
    err = error_of(officer.post(url, {"method": "phone", "reached": True}), 422)
    assert "employment" in err["fields"]  # the service's rule: say whether still in the job
    err = error_of(officer.post(url, {"method": "phone", "reached": True,
                                      "employment": "left"}), 422)
    assert "left_date" in err["fields"]
    missed = ok(officer.post(url, {"method": "phone", "reached": False, "note": "关机"}))
    assert missed["status"] == "overdue" and missed["failed_attempts"] == 1
    assert [a["reached"] for a in missed["attempts"]] == [False]
    done = ok(officer.post(url, {"method": "wechat", "reached": True, "employment": "still",
                                 "issues": ["wage_arrears"], "satisfaction": 2}))
    assert done["status"] == "done" and done["issues"] == ["wage_arrears"]
    again = ok(officer.get(f"/followups/{first['id']}"))
    assert again["satisfaction"] == 2 and len(again["attempts"]) == 2
    assert error_of(officer.post(url, {"method": "phone", "reached": True,
                                       "employment": "still"}), 409)["code"] == "followup_done"
    assert ok(officer.get("/followups", placement_id=placement.id, status="done"))[
        "meta"]["total"] == 1


def test_followups_are_scoped_to_the_officer_area(api, factory):
    mine, theirs = _placement(factory, "520526"), _placement(factory, "520115")
    officer = api.as_(factory.user("officer", area_code="520526"))
    placement_ids = {f["placement_id"] for f in ok(officer.get("/followups",
                                                               per_page=100))["items"]}
    assert mine.id in placement_ids and theirs.id not in placement_ids
    other = ok(api.as_(factory.user("officer", area_code="520115")).get(
        "/followups", placement_id=theirs.id))["items"][0]
    assert error_of(officer.get(f"/followups/{other['id']}"), 404)
    assert error_of(officer.post(f"/followups/{other['id']}/outcome",
                                 {"method": "phone", "reached": False}), 404)


def test_retention_figures_by_breakdown(api, factory):
    kept = _placement(factory, days_ago=100)
    lost = _placement(factory, days_ago=100)
    officer = api.as_(factory.user("officer", area_code="520526"))
    fu = ok(officer.get("/followups", placement_id=lost.id, status="overdue"))["items"][0]
    ok(officer.post(f"/followups/{fu['id']}/outcome", {
        "method": "visit", "reached": True, "employment": "left",
        "left_date": (clock.today() - timedelta(days=80)).isoformat(), "left_reason": "回家"}))
    body = ok(officer.get("/stats/retention", by="region"))
    assert body["by"] == "region" and (body["overall"]["n"], body["overall"]["events"]) == (2, 1)
    figures = {f["day"]: f for f in body["overall"]["figures"]}
    assert figures[30]["survival"] == 0.5 and figures[90]["survival"] == 0.5
    assert figures[180]["survival"] is None  # nobody observed that long: not a guess
    assert [g["key"] for g in body["groups"]] == ["prd"]
    for by in ("employer", "course", "site", "category", "month"):
        assert ok(officer.get("/stats/retention", by=by))["overall"]["n"] == 2
    assert error_of(officer.get("/stats/retention", by="colour"), 422)
    elsewhere = api.as_(factory.user("officer", area_code="520115"))
    assert ok(elsewhere.get("/stats/retention"))["overall"]["n"] == 0
    assert kept.status == "active"
