"""Hostile text is rendered escaped everywhere; forms without a CSRF token are refused."""
from __future__ import annotations

import re

import pytest

from app.placements.service import refer
from app.registry.models import Household, RelocationSite
from tests.conftest import PASSWORD, make_app
from tests.support.routes import ACCESS, ANON

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _raw(html: str) -> bool:
    return "<script>alert" in html or "<img src=x onerror" in html


@pytest.mark.slow
def test_hostile_text_is_escaped_on_every_page(client, db, factory, login):
    site = RelocationSite(name=PAYLOAD, county_code="520526", address=PAYLOAD)
    db.session.add(site)
    db.session.flush()
    household = Household(number="HX-1", area_code="520526", site_id=site.id, village=PAYLOAD,
                          head_name=PAYLOAD)
    db.session.add(household)
    db.session.flush()
    employer = factory.employer(name=PAYLOAD, address=PAYLOAD, contact_name=PAYLOAD)
    job = factory.job(employer=employer, title=PAYLOAD, description=PAYLOAD, shifts=PAYLOAD)
    worker = factory.worker(name=PAYLOAD, skills_text=PAYLOAD, health_notes=PAYLOAD,
                            household_id=household.id)
    referral = refer(worker, job, by=None, note=PAYLOAD)
    referral.decline_reason = PAYLOAD
    db.session.flush()
    officer = factory.user("officer", area_code="520526", display_name=PAYLOAD)
    pages = [
        "/", "/registry/workers", f"/registry/workers/{worker.id}", "/registry/households",
        f"/registry/households/{household.id}", "/registry/sites", f"/registry/sites/{site.id}",
        "/employers/", f"/employers/{employer.id}", f"/employers/jobs/{job.id}",
        f"/workers/{worker.id}/matches", f"/jobs/{job.id}/candidates", "/referrals",
        "/jobs", f"/jobs/{job.id}", "/followups/", "/followups/retention?by=employer",
    ]
    login(officer)
    checked = 0
    for url in pages:
        resp = client.get(url)
        assert resp.status_code in (200, 404), (url, resp.status_code)
        if resp.status_code == 200:
            checked += 1
            html = resp.get_data(as_text=True)
            assert not _raw(html), url
    assert checked >= 12
    # The payload is shown to the user as text, not dropped.
    html = client.get(f"/registry/workers/{worker.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert" in html


def _posts(app):
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/v1/"):
            continue
        yield rule


@pytest.mark.slow
def test_every_form_post_without_csrf_token_is_refused(app, tmp_path):
    csrf_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    checked = []
    for rule in _posts(csrf_app):
        url = re.sub(r"<(?:[^:<>]+:)?[a-z_]+>", "1", rule.rule)
        resp = client.post(url, data={"username": "admin", "password": PASSWORD})
        assert resp.status_code == 400, (rule.endpoint, resp.status_code)
        checked.append(rule.endpoint)
    public_forms = {e for e, roles in ACCESS.items() if ANON in roles} & set(checked)
    assert {"auth.login", "employers.signup", "trainee.activate"} <= public_forms
    assert len(checked) > 40
