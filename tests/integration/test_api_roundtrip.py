"""The whole story through the API only: employer and opening, worker, matches, referral,
placement, follow-up outcomes, retention figure. Every step is an HTTP call."""
from __future__ import annotations

from datetime import timedelta

from app import clock
from tests.conftest import PASSWORD
from tests.integration.test_api_support import Caller, error_of, ok


def _login(client, username: str, password: str = PASSWORD) -> Caller:
    body = ok(client.post("/api/v1/tokens", json={"username": username, "password": password,
                                                  "name": "roundtrip"}), 201)
    assert body["token_type"] == "Bearer"
    return Caller(client, body["token"])


def test_roundtrip_through_the_api(client, factory):
    today = clock.today()
    factory.user("officer", username="rt_officer", area_code="520526")
    factory.user("admin", username="rt_admin")
    officer, admin = _login(client, "rt_officer"), _login(client, "rt_admin")

    # employer (registered by the officer, with a login) and an opening
    employer = ok(officer.post("/employers", {
        "name": "东莞市测试电子有限公司", "credit_code": "91441900MA4W0BXX39",
        "area_code": "441900", "address": "长安镇", "contact_name": "李经理",
        "contact_phone": "13800138000", "username": "rt_employer", "password": "emp-pass-123"}),
        201)
    assert employer["status"] == "pending" and employer["region"] == "prd"
    company = _login(client, "rt_employer", "emp-pass-123")
    opening = {"title": "电焊工", "area_code": "441900", "required_skills": ["焊工:2"],
               "required_certificates": ["so_welding"], "headcount": 3, "wage_min": 5000,
               "wage_max": 7000, "housing": True, "meals": True,
               "start_date": (today + timedelta(days=7)).isoformat(),
               "closing_date": (today + timedelta(days=30)).isoformat()}
    refused = error_of(company.post("/jobs", {**opening, "publish": True}), 409)
    assert refused["code"] == "employer_not_verified"
    ok(officer.post(f"/employers/{employer['id']}/verify"))
    job = ok(company.post("/jobs", {**opening, "publish": True}), 201)
    assert job["status"] == "open" and job["employer_id"] == employer["id"]
    assert job["required_skills"] == [{"code": "welder", "text": "焊工", "level": 2}]

    # a worker whose typed skills are resolved
    worker = ok(officer.post("/workers", {
        "name": "王大山", "id_number": "520526199003150033", "phone": "13912345678",
        "area_code": "520526", "skills": ["会电焊", "叉车"], "category": "relocated",
        "regions_acceptable": ["prd", "guizhou"], "min_wage": 4000,
        "certificates": [{"kind": "so_welding", "number": "T520526199003150033",
                          "issued_on": (today - timedelta(days=400)).isoformat(),
                          "expires_on": (today + timedelta(days=1500)).isoformat()}]}), 201)
    resolved = {s["code"]: s for s in worker["skills_resolved"]}
    assert set(resolved) >= {"welder", "forklift_driver"}
    assert resolved["welder"]["method"] == "alias" and resolved["welder"]["confidence"] == 1.0
    assert worker["id_number"] == "5205**********0033"  # masked unless revealed

    # matches: the opening ranks, with its explanation
    matches = ok(officer.get(f"/workers/{worker['id']}/matches", limit=5))
    match = next(m for m in matches["matches"] if m["job"]["id"] == job["id"])
    assert match["score"] > 0 and {c["key"] for c in match["components"]} >= {"skill", "wage"}

    # referral → the employer sees the candidate → interview → hire
    referral = ok(officer.post("/referrals", {"worker_id": worker["id"], "job_id": job["id"],
                                              "note": "API"}), 201)
    assert referral["status"] == "referred" and referral["source"] == "api"
    candidates = ok(company.get(f"/jobs/{job['id']}/candidates"))
    assert candidates["pool"] == "referred"
    assert [c["worker_id"] for c in candidates["candidates"]] == [worker["id"]]
    assert "*" in candidates["candidates"][0]["id_number"]
    ok(company.post(f"/referrals/{referral['id']}/status", {"status": "interview"}))
    start = today - timedelta(days=40)
    hired = ok(company.post(f"/referrals/{referral['id']}/status", {
        "status": "hired", "start_date": start.isoformat(), "monthly_wage": 6000}))
    assert hired["status"] == "hired" and hired["placement_id"]
    placement = ok(officer.get(f"/placements/{hired['placement_id']}"))
    assert placement["status"] == "active" and placement["monthly_wage"] == 6000
    assert ok(officer.get(f"/jobs/{job['id']}"))["filled"] == 1

    # follow-ups scheduled at the hire: the overdue ones get their outcomes
    followups = ok(officer.get("/followups", placement_id=placement["id"], status="overdue"))
    first, second = [f for f in followups["items"] if f["kind"] == "day"][:2]
    assert (first["slot"], second["slot"]) == (7, 30)
    done = ok(officer.post(f"/followups/{first['id']}/outcome", {
        "method": "phone", "reached": True, "employment": "still", "current_wage": 6000,
        "satisfaction": 5}))
    assert done["status"] == "done"
    ok(officer.post(f"/followups/{second['id']}/outcome", {
        "method": "visit", "reached": True, "employment": "left",
        "left_date": (today - timedelta(days=5)).isoformat(), "left_reason": "家里老人生病"}))
    ended = ok(officer.get(f"/placements/{placement['id']}"))
    assert ended["status"] == "ended" and ended["end_kind"] == "left"
    assert ok(officer.get(f"/workers/{worker['id']}"))["status"] == "seeking"
    remaining = ok(officer.get("/followups", placement_id=placement["id"]))["items"]
    assert {f["status"] for f in remaining} == {"done", "cancelled"}

    # retention: the placement is counted, its loss too
    stats = ok(officer.get("/stats/retention", by="employer"))
    group = next(g for g in stats["groups"] if g["label"] == employer["name"])
    assert (group["n"], group["events"]) == (1, 1)
    figures = {f["day"]: f for f in group["figures"]}
    assert figures[30]["survival"] == 1.0 and figures[90]["survival"] == 0.0  # lost on day 35
    assert ok(admin.get("/stats/retention", by="region"))["overall"]["n"] >= 1
