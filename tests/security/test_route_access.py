"""Every route in the URL map, for every role and anonymous, against an explicit table.

A new route fails this test until it is added to ACCESS: nothing becomes reachable by
accident. "Refused" means 403/404 for a logged-in user and a redirect to the login page
(or 401) for anonymous; "allowed" means anything else (a 404 for a missing record is fine).
API routes are swept by tests/integration/test_api_roles.py (bearer tokens, JSON).
"""
from __future__ import annotations

import re

import pytest

from app.auth.service import create_user
from tests.conftest import PASSWORD
from tests.support.routes import ACCESS, ADMIN, ALL, ANON, EMPLOYER, OFFICER, PARTNER, TRAINEE


def _is_api(endpoint: str, rule: str) -> bool:
    return rule.startswith("/api/v1/") and not endpoint.startswith("api_docs.")


def test_every_route_is_in_the_access_table(app):
    missing = sorted(
        r.endpoint for r in app.url_map.iter_rules()
        if not _is_api(r.endpoint, r.rule) and r.endpoint not in ACCESS
    )
    assert missing == [], f"add these endpoints to ACCESS with the roles allowed: {missing}"
    stale = sorted(set(ACCESS) - {r.endpoint for r in app.url_map.iter_rules()})
    assert stale == [], f"ACCESS lists endpoints that no longer exist: {stale}"


@pytest.fixture
def world(db, factory):
    """A worker, an employer with an opening and logins for every role, all related."""
    employer = factory.employer()
    job = factory.job(employer=employer)
    worker = factory.worker(area_code="520526")
    users = {
        OFFICER: factory.user(OFFICER, area_code="520526"),
        ADMIN: factory.user(ADMIN),
        EMPLOYER: create_user(f"emp{employer.id}", PASSWORD, EMPLOYER, employer_id=employer.id),
        TRAINEE: create_user(f"tr{worker.id}", PASSWORD, TRAINEE, worker_id=worker.id),
        PARTNER: create_user(f"pa{worker.id}", PASSWORD, PARTNER),
    }
    ids = {"worker_id": worker.id, "employer_id": employer.id, "job_id": job.id}
    return users, ids


def _url(rule, ids: dict) -> str:
    url = rule.rule
    for name in rule.arguments:
        value = ids.get(name, "app.css" if name == "filename" else 999999)
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url)
    return url


def _refused(resp, role: str) -> bool:
    if role == ANON:
        return resp.status_code == 401 or (
            resp.status_code == 302 and "/auth/login" in resp.headers.get("Location", ""))
    return resp.status_code in (403, 404)


@pytest.mark.slow
@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_reaches_exactly_what_the_table_allows(app, client, world, role):
    users, ids = world
    if role != ANON:
        resp = client.post("/auth/login", data={"username": users[role].username,
                                                "password": PASSWORD})
        assert resp.status_code == 302
    wrong = []
    for rule in app.url_map.iter_rules():
        if _is_api(rule.endpoint, rule.rule) or rule.endpoint in {"auth.logout"}:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        resp = client.open(_url(rule, ids), method=method)
        assert resp.status_code < 500, (rule.endpoint, role, resp.status_code)
        allowed = role in ACCESS[rule.endpoint]
        refused = _refused(resp, role)
        if allowed and refused and resp.status_code != 404:
            wrong.append((rule.endpoint, "refused", resp.status_code))
        if not allowed and not refused:
            wrong.append((rule.endpoint, "reachable", resp.status_code))
    assert wrong == []
