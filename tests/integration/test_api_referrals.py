"""/api/v1 matches, candidates, referrals and placements: ranked and explained, the same
hard rules as the pages, each party touching only what is theirs."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.placements.followup_models import FollowUp
from app.placements.schedule import followup_due_dates
from app.placements.service import refer
from tests.support.api import error_of, ok


def test_matches_rank_and_explain_and_rule_out_with_reasons(api, factory):
    worker = factory.worker(area_code="520526", skills_text="叉车、电焊")
    good = factory.job(title="普工")
    needs_cert = factory.job(title="电工", required_certificates=["so_low_voltage"])
    officer = api.as_(factory.user("officer", area_code="520526"))
    body = ok(officer.get(f"/workers/{worker.id}/matches", limit=50))
    match = next(m for m in body["matches"] if m["job"]["id"] == good.id)
    assert match["referral"] is None and match["components"]
    assert all(set(c) == {"key", "label", "value", "weight", "points", "text"}
               for c in match["components"])
    ruled = next(r for r in body["ruled_out"] if r["job"]["id"] == needs_cert.id)
    assert ruled["reasons"][0]["code"] == "cert_missing"
    assert ruled["reasons"][0]["subject"] == "so_low_voltage" and ruled["fixable_by_training"]
    assert {s["code"] for s in body["skills"]} >= {"forklift_driver", "welder"}
    assert body["unresolved"] == []
    assert error_of(officer.get(f"/workers/{worker.id}/matches", limit=0), 422)
    trainee = api.as_(factory.user("trainee", worker_id=worker.id))
    assert ok(trainee.get(f"/workers/{worker.id}/matches"))["worker_id"] == worker.id
    stranger = factory.worker(area_code="520115")
    assert error_of(officer.get(f"/workers/{stranger.id}/matches"), 404)
    assert error_of(trainee.get(f"/workers/{stranger.id}/matches"), 404)


def test_candidates_scoped_to_officer_area_and_to_referred_for_the_employer(api, factory):
    job = factory.job()
    inside, outside = factory.worker(area_code="520526"), factory.worker(area_code="520115")
    officer = api.as_(factory.user("officer", area_code="520526"))
    body = ok(officer.get(f"/jobs/{job.id}/candidates", limit=100))
    ids = {c["worker_id"] for c in body["candidates"]}
    assert inside.id in ids and outside.id not in ids and body["pool"] == "area"
    refer(outside, job, by=None)
    company = api.as_(factory.user("employer", employer_id=job.employer_id))
    body = ok(company.get(f"/jobs/{job.id}/candidates"))
    assert [c["worker_id"] for c in body["candidates"]] == [outside.id]
    assert outside.id_number not in body["candidates"][0]["id_number"]
    assert body["candidates"][0]["referral"]["status"] == "referred"


def test_referral_rules_and_status_changes_by_role(api, factory):
    worker = factory.worker(area_code="520526")
    job = factory.job(headcount=1)
    officer = api.as_(factory.user("officer", area_code="520526"))
    company = api.as_(factory.user("employer", employer_id=job.employer_id))
    other_company = api.as_(factory.user("employer", employer_id=factory.employer().id))
    referral = ok(officer.post("/referrals", {"worker_id": worker.id, "job_id": job.id}), 201)
    assert error_of(officer.post("/referrals", {"worker_id": worker.id, "job_id": job.id}),
                    409)["code"] == "already_referred"
    assert error_of(other_company.get(f"/referrals/{referral['id']}"), 404)
    seen = ok(company.get(f"/referrals/{referral['id']}"))
    assert (seen["worker_name"], seen["job_title"]) == (worker.name, job.title)
    assert error_of(company.post(f"/referrals/{referral['id']}/status",
                                 {"status": "withdrawn"}), 403)
    err = error_of(company.post(f"/referrals/{referral['id']}/status",
                                {"status": "declined"}), 422)
    assert "reason" in err["fields"]
    err = error_of(company.post(f"/referrals/{referral['id']}/status", {"status": "hired"}),
                   422)
    assert "start_date" in err["fields"]
    assert error_of(company.post(f"/referrals/{referral['id']}/status", {"status": "lost"}),
                    422)
    hired = ok(company.post(f"/referrals/{referral['id']}/status", {
        "status": "hired", "start_date": clock.today().isoformat()}))
    assert hired["status"] == "hired" and hired["placement_id"]
    assert error_of(company.post(f"/referrals/{referral['id']}/status",
                                 {"status": "interview"}), 409)["code"] == "referral_decided"
    listed = ok(company.get("/referrals", status="hired"))
    assert [r["id"] for r in listed["items"]] == [referral["id"]]
    assert ok(other_company.get("/referrals"))["meta"]["total"] == 0
    placements = ok(company.get("/placements"))["items"]
    assert [p["id"] for p in placements] == [hired["placement_id"]]
    assert ok(other_company.get("/placements"))["meta"]["total"] == 0
    # the only place is taken: the opening is filled and refers no one else
    second = factory.worker(area_code="520526")
    assert error_of(officer.post("/referrals", {"worker_id": second.id, "job_id": job.id}),
                    422)["code"] == "ruled_out"


def test_hard_rules_refuse_a_referral_with_422(api, factory):
    worker = factory.worker(area_code="520526")
    job = factory.job(required_certificates=["so_low_voltage"])
    officer = api.as_(factory.user("officer", area_code="520526"))
    err = error_of(officer.post("/referrals", {"worker_id": worker.id, "job_id": job.id}), 422)
    assert err["code"] == "ruled_out"
    outsider = factory.worker(area_code="520115")
    assert error_of(officer.post("/referrals", {"worker_id": outsider.id, "job_id": job.id}),
                    404)


def test_trainee_asks_for_a_referral_and_withdraws_it(api, factory):
    worker = factory.worker(area_code="520526")
    job = factory.job()
    trainee = api.as_(factory.user("trainee", worker_id=worker.id))
    referral = ok(trainee.post("/referrals", {"worker_id": worker.id, "job_id": job.id}), 201)
    assert referral["source"] == "trainee"
    other = factory.worker(area_code="520526")
    assert error_of(trainee.post("/referrals", {"worker_id": other.id, "job_id": job.id}), 404)
    assert error_of(trainee.post(f"/referrals/{referral['id']}/status",
                                 {"status": "interview"}), 403)
    withdrawn = ok(trainee.post(f"/referrals/{referral['id']}/status",
                                {"status": "withdrawn", "reason": "找到本地工作"}))
    assert withdrawn["status"] == "withdrawn"
    assert [r["id"] for r in ok(trainee.get("/referrals"))["items"]] == [referral["id"]]


def test_officer_records_a_placement_directly(api, factory):
    worker = factory.worker(area_code="520526")
    job = factory.job()
    officer = api.as_(factory.user("officer", area_code="520526"))
    start = clock.today() - timedelta(days=3)
    placement = ok(officer.post("/placements", {"worker_id": worker.id, "job_id": job.id,
                                                "start_date": start.isoformat(),
                                                "monthly_wage": 5200}), 201)
    assert placement["start_date"] == start.isoformat() and placement["referral_id"]
    assert placement["employer_name"] == job.employer.name and placement["status"] == "active"
    assert ok(officer.get("/placements", worker_id=worker.id))["meta"]["total"] == 1
    err = error_of(officer.post("/placements", {"worker_id": worker.id, "job_id": job.id}), 422)
    assert "start_date" in err["fields"]
    other = api.as_(factory.user("officer", area_code="520115"))
    assert error_of(other.get(f"/placements/{placement['id']}"), 404)


def _scheduled(db, placement_id):
    return [(f.id, f.kind, f.slot, f.due_date.isoformat()) for f in db.session.scalars(
        sa.select(FollowUp).where(FollowUp.placement_id == placement_id)
        .order_by(FollowUp.due_date, FollowUp.id))]


def test_a_hire_answers_with_its_placement_and_the_followups_it_scheduled(api, factory, db):
    job = factory.job(headcount=2)
    worker, other = factory.worker(area_code="520526"), factory.worker(area_code="520526")
    company = api.as_(factory.user("employer", employer_id=job.employer_id))
    officer = api.as_(factory.user("officer", area_code="520526"))
    referral = refer(worker, job, by=None)
    start = clock.today() + timedelta(days=2)
    invited = ok(company.post(f"/referrals/{referral.id}/status",
                               {"status": "interview"}))
    assert invited["placement"] is None  # no placement before the hire
    hired = ok(company.post(f"/referrals/{referral.id}/status", {
        "status": "hired", "start_date": start.isoformat(), "monthly_wage": 5000}))
    placement = hired["placement"]
    assert placement["id"] == hired["placement_id"] and placement["monthly_wage"] == 5000
    assert placement["start_date"] == start.isoformat() and placement["worker_id"] == worker.id
    listed = [(f["id"], f["kind"], f["slot"], f["due_date"]) for f in placement["follow_ups"]]
    assert listed == _scheduled(db, placement["id"])
    days = [f for f in placement["follow_ups"] if f["kind"] == "day"]
    assert [f["day_offset"] for f in days] == [7, 30, 90, 180]
    assert [f["due_date"] for f in days] == [
        d.isoformat() for _n, d in followup_due_dates(start, (7, 30, 90, 180))]
    assert {f["status"] for f in days} == {"due"}
    # An officer's direct hire answers the same way (201), and the placement keeps them.
    made = ok(officer.post("/placements", {"worker_id": other.id, "job_id": job.id,
                                           "start_date": start.isoformat()}), 201)
    assert [f["day_offset"] for f in made["follow_ups"] if f["kind"] == "day"] == [
        7, 30, 90, 180]
    assert [(f["id"], f["kind"], f["slot"], f["due_date"]) for f in made["follow_ups"]] == \
        _scheduled(db, made["id"])
    assert ok(officer.get(f"/placements/{made['id']}"))["follow_ups"] == made["follow_ups"]


def test_the_openapi_document_describes_the_hire_answer(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    assert {"id", "kind", "slot", "day_offset", "due_date", "status"} <= set(
        schemas["FollowUpBrief"]["properties"])
    assert schemas["PlacementDetailOut"]["properties"]["follow_ups"]["items"] == {
        "$ref": "#/components/schemas/FollowUpBrief"}
    placement = schemas["ReferralChangeOut"]["properties"]["placement"]
    assert {"$ref": "#/components/schemas/PlacementDetailOut"} in placement["anyOf"]
    paths = doc["paths"]
    assert paths["/api/v1/placements"]["post"]["responses"]["201"]["content"][
        "application/json"]["schema"]["$ref"].endswith("/PlacementDetailOut")
    status = paths["/api/v1/referrals/{referral_id}/status"]["post"]
    assert status["responses"]["200"]["content"]["application/json"]["schema"][
        "$ref"].endswith("/ReferralChangeOut")
