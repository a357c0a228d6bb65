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

ANON, OFFICER, EMPLOYER, TRAINEE, ADMIN = "anon", "officer", "employer", "trainee", "admin"
ALL = {ANON, OFFICER, EMPLOYER, TRAINEE, ADMIN}
USERS = {OFFICER, EMPLOYER, TRAINEE, ADMIN}
STAFF = {OFFICER, ADMIN}

ACCESS: dict[str, set[str]] = {
    # public
    "static": ALL, "bootstrap.static": ALL, "dashboard.healthz": ALL, "auth.login": ALL,
    "board.index": ALL, "board.detail": ALL, "employers.signup": ALL,
    "trainee.activate": ALL, "imports.static": ALL,
    "api_docs.docs": ALL, "api_docs.static": ALL, "api_docs.ui_asset": ALL,
    # any logged-in user
    "dashboard.index": USERS, "auth.logout": USERS, "auth.password": USERS,
    "auth.tokens": USERS, "auth.reset_user_password": STAFF,
    # administration
    "admin.users": {ADMIN},
    # register
    "registry.workers": STAFF, "registry.worker": STAFF | {TRAINEE},
    "registry.worker_new": STAFF, "registry.worker_edit": STAFF,
    "registry.worker_status": STAFF, "registry.worker_certificate": STAFF,
    "registry.worker_history": STAFF, "registry.worker_reveal": STAFF | {TRAINEE},
    "registry.export_workers": STAFF, "registry.households": STAFF,
    "registry.household": STAFF, "registry.household_new": STAFF,
    "registry.household_edit": STAFF, "registry.household_plan": STAFF,
    "registry.household_dependant": STAFF, "registry.sites": STAFF, "registry.site": STAFF,
    "registry.site_new": STAFF, "registry.site_edit": STAFF, "registry.duplicates": STAFF,
    "registry.duplicate_resolve": STAFF, "registry.import_roster": STAFF,
    "registry.import_template": STAFF,
    "imports.run": STAFF | {EMPLOYER}, "imports.run_status": STAFF | {EMPLOYER},
    "imports.report": STAFF | {EMPLOYER},
    # employers and openings
    "employers.officer_list": STAFF, "employers.create": STAFF,
    "employers.detail": STAFF | {EMPLOYER}, "employers.edit": STAFF | {EMPLOYER},
    "employers.verify": STAFF, "employers.suspend": STAFF, "employers.reinstate": STAFF,
    "employers.import_jobs": STAFF, "employers.import_mapping": STAFF,
    "employers.my_jobs": {EMPLOYER}, "employers.new_job": STAFF | {EMPLOYER},
    "employers.job_detail": STAFF | {EMPLOYER}, "employers.edit_job": STAFF | {EMPLOYER},
    "employers.publish_job": STAFF | {EMPLOYER}, "employers.close_job": STAFF | {EMPLOYER},
    "employers.copy_job": STAFF | {EMPLOYER},
    # matching and referrals
    "matching.worker_matches": STAFF | {TRAINEE}, "matching.refer_from_worker": STAFF | {TRAINEE},
    "matching.record_worker_placement": STAFF, "matching.job_candidates": STAFF | {EMPLOYER},
    "matching.refer_from_job": STAFF, "matching.dispatch": STAFF,
    "matching.dispatch_accept": STAFF, "matching.employer_referrals": STAFF | {EMPLOYER},
    "matching.referral_respond": STAFF | {EMPLOYER}, "matching.referral_hire": STAFF | {EMPLOYER},
    "matching.referral_withdraw": STAFF | {TRAINEE},
    # training and trainee self-service
    "training.courses": STAFF | {TRAINEE}, "training.course": STAFF | {TRAINEE},
    "training.session": STAFF, "training.enrol_view": {OFFICER, TRAINEE},
    "training.withdraw": {OFFICER, TRAINEE}, "training.complete_view": {OFFICER},
    "training.invite": {OFFICER}, "training.issue_code": {OFFICER},
    "training.outcomes": STAFF, "training.outcomes_xlsx": STAFF, "training.reports": STAFF,
    "training.handle_report": {OFFICER},
    "trainee.me": {TRAINEE}, "trainee.report": {TRAINEE},
    # follow-ups, retention, notifications
    "placements.queue": STAFF, "placements.record": STAFF, "placements.arrears": STAFF,
    "placements.resolve": STAFF, "placements.retention_view": STAFF,
    "placements.retention_export": STAFF,
    "notifications.inbox": STAFF, "notifications.open_one": STAFF,
    "notifications.read_all": STAFF,
}


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
