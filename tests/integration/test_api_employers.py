"""/api/v1/employers and /jobs: officers register and verify, employers touch only their own."""
from __future__ import annotations

from datetime import timedelta

from stdnum.cn import uscc

from app import clock
from tests.support.api import error_of, ok


def _credit_code(n: int) -> str:
    body = f"91520100MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def _employer(n: int = 1, **kw) -> dict:
    return {"name": f"贵阳测试公司{n}", "credit_code": _credit_code(n), "area_code": "520115",
            "contact_name": "陈女士", "contact_phone": "0851-86812345", **kw}


def _opening(**kw) -> dict:
    today = clock.today()
    return {"title": "仓库叉车工", "area_code": "520115", "required_skills": ["叉车:2"],
            "required_certificates": ["se_forklift_n1"], "headcount": 2, "wage_min": 4000,
            "wage_max": 5500, "start_date": (today + timedelta(days=3)).isoformat(),
            "closing_date": (today + timedelta(days=20)).isoformat(), **kw}


def test_officer_registers_verifies_suspends_and_reinstates(api, factory):
    officer = api.as_(factory.user("officer", area_code="520526"))
    employer = ok(officer.post("/employers", _employer(labour_coop=True,
                                                       coop_county_code="520526")), 201)
    assert employer["status"] == "pending" and employer["region"] == "guizhou"
    assert employer["labour_coop"] and employer["coop_county_code"] == "520526"
    listed = ok(officer.get("/employers", status="pending"))
    assert employer["id"] in [e["id"] for e in listed["items"]]
    assert ok(officer.post(f"/employers/{employer['id']}/verify"))["status"] == "verified"
    err = error_of(officer.post(f"/employers/{employer['id']}/suspend", {"reason": ""}), 422)
    assert "reason" in err["fields"]
    suspended = ok(officer.post(f"/employers/{employer['id']}/suspend", {"reason": "欠薪"}))
    assert suspended["status"] == "suspended" and suspended["status_reason"] == "欠薪"
    assert error_of(officer.post(f"/employers/{employer['id']}/verify"), 409)["code"] == \
        "employer_suspended"
    assert ok(officer.post(f"/employers/{employer['id']}/reinstate", {}))["status"] == \
        "verified"
    assert error_of(officer.post(f"/employers/{employer['id']}/reinstate", {}), 409)[
        "code"] == "not_suspended"


def test_employer_validation_and_conflicts(api, factory):
    officer = api.as_(factory.user("officer"))
    err = error_of(officer.post("/employers", _employer(credit_code="123")), 422)
    assert err["code"] == "credit_code_invalid" and "credit_code" in err["fields"]
    err = error_of(officer.post("/employers", {"name": "x"}), 422)
    assert {"name", "credit_code", "area_code", "contact_name", "contact_phone"} <= set(
        err["fields"])
    err = error_of(officer.post("/employers", _employer(username="boss")), 422)
    assert "password" in err["fields"]
    ok(officer.post("/employers", _employer()), 201)
    err = error_of(officer.post("/employers", _employer(name="另一家")), 409)
    assert err["code"] == "credit_code_taken"


def test_employer_sees_and_changes_only_its_own(api, factory):
    own = factory.employer(contact_name="周先生", contact_phone="13800138000")
    other = factory.employer()
    company = api.as_(factory.user("employer", employer_id=own.id))
    assert [e["id"] for e in ok(company.get("/employers"))["items"]] == [own.id]
    assert ok(company.get(f"/employers/{own.id}"))["credit_code"] == own.credit_code
    assert error_of(company.get(f"/employers/{other.id}"), 404)
    assert error_of(company.patch(f"/employers/{other.id}", {"industry": "x"}), 404)
    changed = ok(company.patch(f"/employers/{own.id}", {"industry": "电子"}))
    assert changed["industry"] == "电子" and changed["name"] == own.name
    err = error_of(company.patch(f"/employers/{own.id}", {"credit_code": _credit_code(99)}),
                   422)
    assert "credit_code" in err["fields"]  # a verified employer's code: officers only
    own_job, other_job = factory.job(own), factory.job(other)
    ids = [j["id"] for j in ok(company.get("/jobs"))["items"]]
    assert ids == [own_job.id]
    for call in (company.get(f"/jobs/{other_job.id}"),
                 company.patch(f"/jobs/{other_job.id}", {"headcount": 9}),
                 company.post(f"/jobs/{other_job.id}/close"),
                 company.get(f"/jobs/{other_job.id}/candidates"),
                 company.post("/jobs", _opening(employer_id=other.id))):
        assert error_of(call, 404)["code"] == "not_found"


def test_opening_lifecycle_and_skill_parsing(api, factory):
    employer = factory.employer()
    company = api.as_(factory.user("employer", employer_id=employer.id))
    draft = ok(company.post("/jobs", _opening(preferred_skills=["电工"])), 201)
    assert draft["status"] == "draft" and draft["employer_id"] == employer.id
    assert draft["required_skills"] == [{"code": "forklift_driver", "text": "叉车",
                                         "level": 2}]
    assert [s["code"] for s in draft["preferred_skills"]] == ["electrician"]
    opened = ok(company.post(f"/jobs/{draft['id']}/publish"))
    assert opened["status"] == opened["status_shown"] == "open" and opened["published_at"]
    assert ok(company.get("/jobs", status="open"))["meta"]["total"] == 1
    patched = ok(company.patch(f"/jobs/{draft['id']}", {"headcount": 5, "housing": True}))
    assert (patched["headcount"], patched["housing"], patched["title"]) == (5, True, "仓库叉车工")
    assert ok(company.post(f"/jobs/{draft['id']}/close"))["status"] == "closed"


def test_opening_rules_answer_422_with_the_field(api, factory):
    employer = factory.employer()
    company = api.as_(factory.user("employer", employer_id=employer.id))
    cases = [
        ({"required_skills": ["星际导航"]}, "required_skills", "skill_unknown"),
        ({"required_certificates": ["no_such_cert"]}, "required_certificates", "invalid"),
        ({"wage_min": 6000, "wage_max": 5000}, "wage_max", "wage_order"),
        ({"age_min": 50, "age_max": 30}, "age_max", "age_order"),
        ({"kind": "public_welfare"}, "eligibility_county_code", "invalid"),
        ({"headcount": 0}, "headcount", "invalid"),
        ({"area_code": "999999"}, "area_code", "invalid"),
    ]
    for patch, field, code in cases:
        err = error_of(company.post("/jobs", _opening(**patch)), 422)
        assert field in err["fields"], (patch, err)
        if code != "invalid":
            assert err["code"] == code, (patch, err)


def test_pending_employer_cannot_publish_and_officer_must_name_the_employer(api, factory):
    pending = factory.employer(status="pending")
    company = api.as_(factory.user("employer", employer_id=pending.id))
    draft = ok(company.post("/jobs", _opening()), 201)
    assert error_of(company.post(f"/jobs/{draft['id']}/publish"), 409)["code"] == \
        "employer_not_verified"
    officer = api.as_(factory.user("officer"))
    assert "employer_id" in error_of(officer.post("/jobs", _opening()), 422)["fields"]
    job = ok(officer.post("/jobs", _opening(employer_id=factory.employer().id,
                                            publish=True)), 201)
    assert job["status"] == "open"
