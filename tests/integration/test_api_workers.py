"""/api/v1/workers, /households, /sites: happy paths, area scoping, privacy, validation."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.auth.models import AuditLog
from app.registry.demo import demo_id_number
from tests.support.api import error_of, ok


def _new_worker(**kw) -> dict:
    n = kw.pop("n", 7)
    return {"name": "张三", "id_number": demo_id_number("520526", date(1992, 5, 6), n, "M"),
            "phone": f"1391234{n:04d}", "area_code": "520526", **kw}


def test_create_resolves_skills_and_records_certificates(api, factory, db):
    officer = api.as_(factory.user("officer", area_code="520526"))
    body = ok(officer.post("/workers", _new_worker(
        skills=["电焊3年", "汗工", "星际导航"], min_wage=4500, care_duties=False,
        category="relocated", regions_acceptable=["prd", "local"],
        certificates=[{"kind": "so_welding", "number": "W-1"}])), 201)
    assert body["skills"] == ["电焊3年", "汗工", "星际导航"]
    welder = next(s for s in body["skills_resolved"] if s["code"] == "welder")
    assert welder["level"] == 3 and welder["method"] and 0 < welder["confidence"] <= 1
    assert body["skills_unresolved"] == ["星际导航"]
    assert [c["kind"] for c in body["certificates"]] == ["so_welding"]
    assert body["regions_acceptable"] == ["prd", "local"] and body["min_wage"] == 4500
    assert "*" in body["id_number"] and "*" in body["phone"] and not body["full_shown"]
    assert ok(officer.get("/workers", q="张三"))["meta"]["total"] == 1


def test_care_duties_keep_work_local_as_the_register_does(api, factory):
    officer = api.as_(factory.user("officer", area_code="520526"))
    body = ok(officer.post("/workers", _new_worker(care_duties=True,
                                                   regions_acceptable=["prd"])), 201)
    assert body["regions_acceptable"] == ["local"]


def test_validation_errors_name_their_fields(api, factory):
    officer = api.as_(factory.user("officer", area_code="520526"))
    err = error_of(officer.post("/workers", {"name": "", "min_wage": -1,
                                             "category": "nobody"}), 422)
    assert {"name", "id_number", "min_wage", "category"} <= set(err["fields"])
    err = error_of(officer.post("/workers", _new_worker(id_number="520526199001011234")), 422)
    assert set(err["fields"]) == {"id_number"}  # the register's check digit rule
    err = error_of(officer.post("/workers", _new_worker(area_code=None)), 422)
    assert "area_code" in err["fields"]
    resp = officer.client.post("/api/v1/workers", data="{not json",
                               content_type="application/json", headers=officer.headers)
    assert resp.status_code in (400, 422) and "error" in resp.get_json()


def test_duplicate_id_number_is_409(api, factory):
    officer = api.as_(factory.user("officer", area_code="520526"))
    ok(officer.post("/workers", _new_worker()), 201)
    err = error_of(officer.post("/workers", _new_worker(name="李四")), 409)
    assert err["code"] == "duplicate_id_number" and "id_number" in err["fields"]


def test_area_scoping(api, factory):
    inside, outside = factory.worker(area_code="520526"), factory.worker(area_code="520115")
    county = api.as_(factory.user("officer", area_code="520526"))
    ids = {w["id"] for w in ok(county.get("/workers", per_page=100))["items"]}
    assert inside.id in ids and outside.id not in ids
    assert error_of(county.get(f"/workers/{outside.id}"), 404)["code"] == "not_found"
    assert error_of(county.patch(f"/workers/{outside.id}", {"min_wage": 1}), 404)
    err = error_of(county.post("/workers", _new_worker(area_code="520115")), 422)
    assert "area_code" in err["fields"]  # cannot register outside the own area
    province = api.as_(factory.user("officer", area_code="520000"))
    assert ok(province.get(f"/workers/{outside.id}"))["id"] == outside.id


def test_reveal_is_allowed_only_in_scope_and_audit_logged(api, factory, db):
    worker = factory.worker(area_code="520526")
    officer_user = factory.user("officer", area_code="520526")
    officer = api.as_(officer_user)
    masked = ok(officer.get(f"/workers/{worker.id}"))
    assert masked["id_number"] != worker.id_number and not masked["full_shown"]
    full = ok(officer.get(f"/workers/{worker.id}", reveal="true"))
    assert full["id_number"] == worker.id_number and full["phone"] == worker.phone
    logged = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.action == "worker_reveal", AuditLog.target_id == str(worker.id))).all()
    assert [(a.user_id, a.detail) for a in logged] == [
        (officer_user.id, {"fields": ["id_number", "phone"]})]
    trainee = api.as_(factory.user("trainee", worker_id=worker.id))
    assert ok(trainee.get(f"/workers/{worker.id}", reveal="true"))["full_shown"]
    other = factory.worker(area_code="520526")
    assert error_of(trainee.get(f"/workers/{other.id}"), 404)


def test_patch_changes_fields_status_and_re_resolves_skills(api, factory):
    worker = factory.worker(area_code="520526", skills_text="")
    officer = api.as_(factory.user("officer", area_code="520526"))
    body = ok(officer.patch(f"/workers/{worker.id}", {
        "skills": ["叉车"], "status": "unavailable", "status_reason": "生病"}))
    assert [s["code"] for s in body["skills_resolved"]] == ["forklift_driver"]
    assert body["status"] == "unavailable"
    err = error_of(officer.patch(f"/workers/{worker.id}", {"regions_acceptable": ["mars"]}),
                   422)
    assert "regions_acceptable" in str(err["fields"])


def test_certificate_endpoint(api, factory):
    worker = factory.worker(area_code="520526")
    officer = api.as_(factory.user("officer", area_code="520526"))
    cert = ok(officer.post(f"/workers/{worker.id}/certificates", {
        "kind": "so_low_voltage", "issued_on": "2024-01-01", "expires_on": "2030-01-01"}), 201)
    assert cert["kind"] == "so_low_voltage"
    err = error_of(officer.post(f"/workers/{worker.id}/certificates", {
        "kind": "so_low_voltage", "issued_on": "2024-01-01", "expires_on": "2020-01-01"}), 422)
    assert "expires_on" in err["fields"]


# ---- households and sites ----------------------------------------------------------------


def test_household_create_list_patch_and_scoping(api, factory):
    officer = api.as_(factory.user("officer", area_code="520526"))
    site = ok(officer.post("/sites", {"name": "五里岗安置点", "county_code": "520526",
                                      "households_relocated": 120}), 201)
    household = ok(officer.post("/households", {
        "site_id": site["id"], "head_name": "王五", "monitored": True,
        "risk_causes": ["illness", "no_skills"], "per_capita_income": 6000}), 201)
    assert household["area_code"] == "520526" and household["number"].startswith("520526-")
    assert household["plan"] == [] and household["worker_ids"] == []
    ok(officer.post("/workers", _new_worker(household_id=household["id"], area_code=None)),
       201)
    listed = ok(officer.get("/households", monitored="true", zero="true"))
    assert [h["id"] for h in listed["items"]] == [household["id"]]
    changed = ok(officer.patch(f"/households/{household['id']}", {"village": "新村"}))
    assert changed["village"] == "新村" and changed["risk_causes"] == ["illness", "no_skills"]
    assert len(changed["worker_ids"]) == 1
    assert ok(officer.get(f"/households/{household['id']}"))["village"] == "新村"
    assert ok(officer.get(f"/sites/{site['id']}"))["name"] == "五里岗安置点"
    err = error_of(officer.patch(f"/households/{household['id']}", {"monitored": False}), 422)
    assert "monitored" in err["fields"]  # risk causes only for monitored households
    other = api.as_(factory.user("officer", area_code="520115"))
    assert error_of(other.get(f"/households/{household['id']}"), 404)
    assert error_of(other.get(f"/sites/{site['id']}"), 404)
    assert ok(other.get("/households"))["meta"]["total"] == 0


def test_site_validation_and_patch(api, factory):
    officer = api.as_(factory.user("officer", area_code="520526"))
    err = error_of(officer.post("/sites", {"name": "x", "county_code": "520115"}), 422)
    assert "county_code" in err["fields"]
    err = error_of(officer.post("/sites", {"county_code": "520526"}), 422)
    assert "name" in err["fields"]
    site = ok(officer.post("/sites", {"name": "A", "county_code": "520526"}), 201)
    assert ok(officer.patch(f"/sites/{site['id']}", {"people_relocated": 500}))[
        "people_relocated"] == 500
    ok(officer.post("/sites", {"name": "B", "county_code": "520526"}), 201)
    err = error_of(officer.patch(f"/sites/{site['id']}", {"name": "B"}), 422)
    assert "name" in err["fields"]
    assert ok(officer.get("/sites"))["meta"]["total"] == 2
