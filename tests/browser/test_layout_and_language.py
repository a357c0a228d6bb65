"""Bugs the journeys found (issue #9), kept as regression tests now that they are fixed:
the English navigation bar fits a desktop, a worker's referrals fit a phone, and the
employer's sign-up choices are in the visitor's language."""
from __future__ import annotations

import pytest

from app.auth.service import create_user
from app.extensions import db
from app.placements.service import refer
from tests.browser.conftest import CJK, PASSWORD, WIDTH
from tests.conftest import Factory


@pytest.mark.parametrize("journey", [("en", "desktop")], indirect=True, ids=["en-desktop"])
def test_officer_pages_fit_a_desktop_in_english(live_app, journey):
    with live_app.app_context():
        create_user(f"officer{journey.n}", PASSWORD, "officer", area_code="520526")
        db.session.commit()
    page = journey.open("/auth/login")
    journey.login(page, f"officer{journey.n}")
    assert journey.fits(page), page.evaluate(WIDTH)


@pytest.mark.parametrize("journey", [("zh", "phone")], indirect=True, ids=["zh-phone"])
def test_referrals_of_a_worker_fit_a_phone(live_app, journey):
    with live_app.app_context():
        officer = create_user(f"officer{journey.n}", PASSWORD, "officer",
                              area_code="520526")
        factory = Factory(db)
        worker = factory.worker(name=journey.unique("张德明"))
        refer(worker, factory.job(title=journey.unique("电子装配工")), by=officer)
        db.session.commit()
        path = f"/workers/{worker.id}/matches"
    page = journey.open("/auth/login")
    journey.login(page, f"officer{journey.n}")
    journey.goto(page, path)
    page.locator("#referrals summary").first.click()  # Record hire
    assert journey.fits(page), page.evaluate(WIDTH)


@pytest.mark.parametrize("journey", [("en", "desktop")], indirect=True, ids=["en-desktop"])
def test_employer_sign_up_choices_are_in_english(journey):
    page = journey.open("/employers/signup")
    options = page.locator("select[name=industry] option, select[name=area_code] option")
    chinese = [o for o in options.all_inner_texts() if CJK.search(o.replace("\u3000", ""))]
    assert not chinese, chinese[:5]
