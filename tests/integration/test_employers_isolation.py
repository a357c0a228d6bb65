"""Isolation: employer B can neither see nor change employer A's records, on every route.

The route list is read from the app's URL map, so a route added later to the employers
or board blueprint is tried too. No employer page shows a labourer's full ID number or
phone (candidates shown by the matching feature must keep to this: masks until a hire).
"""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.auth.models import AuditLog
from app.employers.models import Employer, Job
from app.registry.models import Worker
from tests.factories.employers import make_employer, make_job

# Keyword values used to fill URL rules: every id points at employer A's records.
PUBLIC = {"board.index", "board.detail", "board.call_me", "employers.signup"}


def _urls(app, a_employer: Employer, a_jobs: dict[str, Job]):
    """(endpoint, method, url, kind) for every employers/board route, aimed at A."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("employers", "board"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if "job_id" in rule.arguments:
                for kind, job in a_jobs.items():
                    out.append((rule.endpoint, method,
                                rule.build({"job_id": job.id})[1], kind))
            elif "employer_id" in rule.arguments:
                out.append((rule.endpoint, method,
                            rule.build({"employer_id": a_employer.id})[1], "employer"))
            else:
                out.append((rule.endpoint, method, rule.build({})[1], "none"))
    return out


def _snapshot(db, employer_id: int):
    emp = db.session.execute(sa.select(Employer.__table__).where(
        Employer.id == employer_id)).one()
    jobs = db.session.execute(sa.select(Job.__table__).where(
        Job.employer_id == employer_id).order_by(Job.id)).all()
    return emp, jobs


def test_employer_b_cannot_reach_employer_a_on_any_route(app, client, db, factory, login):
    a, _ = make_employer(factory, name="甲公司东莞电子厂")
    b, b_user = make_employer(factory, name="乙公司苏州物流")
    a_jobs = {
        "open": make_job(a, title="甲公司在招岗位"),
        "draft": make_job(a, title="甲公司草稿岗位", publish=False),
    }
    a_jobs["closed"] = make_job(a, title="甲公司已关闭岗位")
    a_jobs["closed"].status = "closed"
    db.session.flush()
    before = _snapshot(db, a.id)
    b_jobs_before = db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(
        Job.employer_id == b.id))
    login(b_user)

    tried = 0
    for endpoint, method, url, kind in _urls(app, a, a_jobs):
        if endpoint in PUBLIC:
            continue
        form = {"title": "乙篡改", "reason": "x", "name": "乙篡改", "headcount": "99",
                "credit_code": a.credit_code, "area_code": "441900", "publish": "1",
                "wage_basis": "month", "age_min": "18", "age_max": "40",
                "min_education": "none", "kind": "market", "contact_name": "乙",
                "contact_phone": "13800000000", "industry": "其他"}
        resp = client.open(url, method=method, data=form if method == "POST" else None)
        tried += 1
        body = resp.get_data(as_text=True)
        assert resp.status_code in (403, 404) or (
            endpoint == "employers.my_jobs" and resp.status_code == 200), (endpoint, url)
        for title in ("甲公司草稿岗位", "甲公司已关闭岗位", "甲公司东莞电子厂", a.credit_code):
            assert title not in body, (endpoint, url, title)
    assert tried >= 12
    assert _snapshot(db, a.id) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(
        Job.employer_id == b.id)) == b_jobs_before  # no copy of A's opening landed with B
    assert not db.session.scalar(sa.select(AuditLog.id).where(
        AuditLog.user_id == b_user.id, AuditLog.action.like("job_%")))


def test_employer_b_sees_only_its_own_openings_in_lists(client, db, factory, login):
    a, _ = make_employer(factory, name="甲公司")
    b, b_user = make_employer(factory, name="乙公司")
    make_job(a, title="甲的草稿", publish=False)
    make_job(b, title="乙的草稿", publish=False)
    login(b_user)
    page = client.get("/employers/jobs").get_data(as_text=True)
    assert "乙的草稿" in page and "甲的草稿" not in page
    assert client.get(f"/employers/{b.id}").status_code == 200
    assert client.get("/employers/").status_code == 403  # the officers' list


def test_public_board_shows_a_open_opening_but_not_its_draft(client, db, factory):
    a, _ = make_employer(factory, name="甲公司")
    open_job = make_job(a, title="甲的公开岗位")
    draft = make_job(a, title="甲的未发布岗位", publish=False)
    assert client.get(f"/jobs/{open_job.id}").status_code == 200
    assert client.get(f"/jobs/{draft.id}").status_code == 404


@pytest.mark.parametrize("role", ["trainee", "officer"])
def test_other_roles_cannot_use_employer_only_pages(client, factory, login, role):
    login(factory.user(role))
    assert client.get("/employers/jobs").status_code == 403


def test_no_employer_page_shows_a_labourers_id_number_or_phone(app, client, db, factory,
                                                               login):
    worker = Worker(name="王小芳", name_pinyin="wangxiaofang", name_initials="wxf",
                    id_number="52242719900101002X", id_number_rev="X2001010991724225",
                    birth_date=date(1990, 1, 1), sex="F", phone="13912345678",
                    phone_rev="87654321931", area_code="520526")
    db.session.add(worker)
    db.session.flush()
    employer, user = make_employer(factory)
    job = make_job(employer, title="员工岗位")
    login(user)
    for endpoint, method, url, _ in _urls(app, employer, {"open": job}):
        if method != "GET":
            continue
        body = client.get(url).get_data(as_text=True)
        assert worker.id_number not in body and worker.phone not in body, endpoint
