"""Every API operation: no token → 401; each role refused → 403; each role allowed → no 403
and never a 5xx. The allowed roles are read from the ``api_roles`` decorator of each view,
and the expected ones are listed here, so a change to either shows up."""
from __future__ import annotations

import re

import pytest

from tests.support.api import error_of

ROLES = ("officer", "admin", "employer", "trainee", "partner")
ALL = {"officer", "admin", "employer", "trainee"}  # the roles these operations name
EVERYONE = set(ROLES)  # an operation naming no role: any token
OFFICE = {"officer", "admin"}

EXPECTED = {
    ("GET", "/workers"): OFFICE, ("POST", "/workers"): OFFICE,
    ("GET", "/workers/<id>"): OFFICE | {"trainee"}, ("PATCH", "/workers/<id>"): OFFICE,
    ("POST", "/workers/<id>/certificates"): OFFICE,
    ("GET", "/workers/<id>/matches"): OFFICE | {"trainee"},
    ("GET", "/workers/<id>/courses"): OFFICE | {"trainee"},
    ("GET", "/households"): OFFICE, ("POST", "/households"): OFFICE,
    ("GET", "/households/<id>"): OFFICE, ("PATCH", "/households/<id>"): OFFICE,
    ("GET", "/sites"): OFFICE, ("POST", "/sites"): OFFICE,
    ("GET", "/sites/<id>"): OFFICE, ("PATCH", "/sites/<id>"): OFFICE,
    ("GET", "/employers"): OFFICE | {"employer"}, ("POST", "/employers"): OFFICE,
    ("GET", "/employers/<id>"): OFFICE | {"employer"},
    ("PATCH", "/employers/<id>"): OFFICE | {"employer"},
    ("POST", "/employers/<id>/verify"): OFFICE, ("POST", "/employers/<id>/suspend"): OFFICE,
    ("POST", "/employers/<id>/reinstate"): OFFICE,
    ("GET", "/jobs"): OFFICE | {"employer"}, ("POST", "/jobs"): OFFICE | {"employer"},
    ("GET", "/jobs/<id>"): OFFICE | {"employer"}, ("PATCH", "/jobs/<id>"): OFFICE | {"employer"},
    ("POST", "/jobs/<id>/publish"): OFFICE | {"employer"},
    ("POST", "/jobs/<id>/close"): OFFICE | {"employer"},
    ("GET", "/jobs/<id>/candidates"): OFFICE | {"employer"},
    ("GET", "/referrals"): ALL, ("POST", "/referrals"): OFFICE | {"trainee"},
    ("GET", "/referrals/<id>"): ALL, ("POST", "/referrals/<id>/status"): ALL,
    ("GET", "/placements"): ALL, ("POST", "/placements"): OFFICE,
    ("GET", "/placements/<id>"): ALL,
    ("GET", "/courses"): OFFICE | {"trainee"}, ("GET", "/courses/<id>"): OFFICE | {"trainee"},
    ("GET", "/sessions"): OFFICE | {"trainee"}, ("GET", "/sessions/<id>"): OFFICE | {"trainee"},
    ("GET", "/enrolments"): OFFICE | {"trainee"},
    ("POST", "/enrolments"): {"officer", "trainee"},
    ("GET", "/enrolments/<id>"): OFFICE | {"trainee"},
    ("POST", "/enrolments/<id>/withdraw"): {"officer", "trainee"},
    ("POST", "/enrolments/<id>/complete"): {"officer"},
    ("GET", "/followups"): OFFICE, ("GET", "/followups/<id>"): OFFICE,
    ("POST", "/followups/<id>/outcome"): OFFICE,
    ("GET", "/stats/retention"): OFFICE,
    ("GET", "/me"): EVERYONE,
    ("GET", "/employment-records"): OFFICE | {"partner"}, ("POST", "/employment-records"): OFFICE,
    ("GET", "/employment-records/<id>"): OFFICE | {"partner"},
    ("PATCH", "/employment-records/<id>"): OFFICE,
    ("GET", "/zero-employment"): OFFICE, ("GET", "/comparisons"): OFFICE,
    ("GET", "/comparisons/<id>"): OFFICE, ("GET", "/declarations"): OFFICE,
    ("GET", "/declarations/<id>"): OFFICE,
    ("GET", "/checkins"): OFFICE, ("POST", "/checkins/<id>/answer"): OFFICE,
    ("GET", "/layoff-alerts"): OFFICE | {"partner"},
    ("POST", "/layoff-alerts"): OFFICE | {"partner"},
    ("GET", "/layoff-alerts/<id>"): OFFICE | {"partner"},
}


def _operations(app) -> list[tuple[str, str, set[str]]]:
    ops = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith(("api_docs",
                                                                             "api-docs")):
            continue
        view_class = getattr(app.view_functions[rule.endpoint], "view_class", None)
        if view_class is None:
            continue
        path = re.sub(r"<[^>]+>", "<id>", rule.rule[len("/api/v1"):])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            fn = getattr(view_class, method.lower())
            if hasattr(fn, "allowed_roles"):
                ops.append((method, path, set(fn.allowed_roles) or EVERYONE))
    return ops


def test_every_operation_has_the_expected_roles(app):
    found = {(m, p): roles for m, p, roles in _operations(app)}
    assert found == EXPECTED


@pytest.mark.parametrize("role", ROLES)
def test_roles_refused_with_403_and_allowed_without_5xx(app, api, factory, role):
    user = factory.user(role)
    caller = api.as_(user)
    for method, path, allowed in _operations(app):
        url = path.replace("<id>", "999999")
        resp = {"GET": caller.get, "POST": caller.post,
                "PATCH": lambda u: caller.patch(u, {})}[method](url)
        if role in allowed:
            assert resp.status_code != 403 and resp.status_code < 500, (method, path,
                                                                        resp.status_code)
        else:
            assert error_of(resp, 403)["code"] == "forbidden", (method, path)


def test_no_token_is_401_everywhere(app, api):
    for method, path, _allowed in _operations(app):
        url = path.replace("<id>", "1")
        resp = {"GET": api.anonymous.get, "POST": api.anonymous.post,
                "PATCH": lambda u: api.anonymous.patch(u, {})}[method](url)
        assert error_of(resp, 401)["code"] == "unauthorized", (method, path)
