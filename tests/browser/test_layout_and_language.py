"""Bugs the journeys found (issue #9), kept as regression tests now that they are fixed:
the English navigation bar fits a desktop, a worker's referrals fit a phone, and the
employer's sign-up choices are in the visitor's language."""
from __future__ import annotations

from urllib.parse import quote

import pytest
import sqlalchemy as sa

from app.auth.service import create_user
from app.employers.search import refresh_search_text
from app.employment.models import LabourPartner
from app.extensions import db
from app.placements.service import refer
from tests.browser.conftest import CJK, PASSWORD, WIDTH
from tests.browser.test_officer_followups import _records
from tests.conftest import Factory


def _partners(live_app) -> list[str]:
    with live_app.app_context():
        return list(db.session.scalars(sa.select(LabourPartner.name)))


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


# ---- issue #15 review: every role's main pages, in English, on a laptop and a phone ------

ROLE_PAGES = {
    "admin": ("/", "/admin/users", "/registry/workers", "/todo/", "/partners/", "/jobs"),
    "officer": ("/", "/registry/workers", "/referrals", "/followups/", "/todo/",
                "/destinations", "/notifications/", "/jobs", "/training/"),
    "employer": ("/", "/employers/jobs", "/referrals", "/notifications/", "/jobs"),
    "trainee": ("/me/", "/training/", "/notifications/", "/jobs"),
    "partner": ("/", "/layoffs/"),
}


@pytest.mark.parametrize("journey", [("en", "laptop"), ("en", "phone")], indirect=True,
                         ids=["en-laptop", "en-phone"])
def test_every_roles_english_pages_fit_on_one_line_and_on_a_phone(live_app, journey):
    """Each role's main pages in English: the navigation bar is one line at 1366 px, nothing
    is wider than a 390 px phone (an English board card with a long piece-rate wage
    included), the page's own words are English, and a to-do item a visitor opened reads
    in English too."""
    j = journey
    with live_app.app_context():
        factory = Factory(db)
        employer = factory.employer(name=j.unique("计件电子厂"), coop_county_code="520526",
                                    labour_coop=True)
        job = factory.job(employer=employer, title=j.unique("计件装配工"), piece_rate=True,
                          wage_min=4700, wage_max=8500)
        refresh_search_text(job)  # found by the board's search box
        worker = factory.worker(name=j.unique("计件学员"))
        partner = LabourPartner(name=j.unique("东莞站"), area_code="441900")
        db.session.add(partner)
        db.session.flush()
        users = {
            "admin": create_user(f"admin{j.n}", PASSWORD, "admin"),
            "officer": create_user(f"officer{j.n}", PASSWORD, "officer", area_code="520526"),
            "employer": create_user(f"employer{j.n}", PASSWORD, "employer",
                                    employer_id=employer.id),
            "trainee": create_user(f"trainee{j.n}", PASSWORD, "trainee", worker_id=worker.id),
            "partner": create_user(f"partner{j.n}", PASSWORD, "partner",
                                   partner_id=partner.id),
        }
        db.session.commit()
        usernames = {role: u.username for role, u in users.items()}
        job_id, title = job.id, job.title
    # A visitor asks to be called about the opening (their detail is written once).
    visitor = j.open(f"/jobs/{job_id}")
    visitor.fill("#call-phone", f"1398600{j.n:04d}")
    j.submit(visitor, "#call-me [type=submit]")
    assert visitor.locator(".alert-success").count() == 1

    # the records of every run (the live database is shared): data, not the page's words
    names = [*_records(live_app), *_partners(live_app)]
    for role, pages in ROLE_PAGES.items():
        page = j.open("/auth/login")
        j.login(page, usernames[role], home="/me/" if role == "trainee" else "/")
        for path in pages:
            j.goto(page, path)
            j.check(page, *names)
            assert j.fits(page), (role, path, page.evaluate(WIDTH))
            if not j.phone:
                tops = page.evaluate("""Array.from(document.querySelectorAll(
                    '#mainnav .nav-link')).filter(e => e.offsetParent)
                    .map(e => e.getBoundingClientRect().top)""")
                assert max(tops) - min(tops) < 8, (role, path, tops)
        j.shot(page, "review15", f"{role}-home")
        if role == "officer":
            j.goto(page, "/todo/")
            item = page.locator("main", has_text=f"1398600{j.n:04d}").inner_text()
            assert f"Asked to be called about the opening {title}" in item
            j.shot(page, "review15", "officer-todo")
    board = j.open("/jobs?q=" + quote("计件装配工"))
    card = board.locator(".job-card", has_text=title)
    assert "Piece rate (about 4,700–8,500 CNY a month)" in card.inner_text()
    assert j.fits(board), board.evaluate(WIDTH)
    j.shot(board, "review15", "board-piece-rate")
