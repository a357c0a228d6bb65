"""Issue #15 on an officer's phone: the lists used in the field (workers, households,
zero-employment households, employers and their openings) are stacked cards below 576 px,
with the name linked, the facts labelled, a tap-to-call phone and the row's action in
reach; a desktop keeps the tables. The worker form filled badly once shows every problem,
the form's and the register's, after that one submit. Desktop 1366 x 800 and phone
390 x 844, Chinese and English; screenshots in test-output/screenshots/."""
from __future__ import annotations

from urllib.parse import quote

from app.auth.service import create_user
from app.extensions import db
from app.registry.models import Household
from app.registry.privacy import mask_phone
from tests.browser.conftest import CJK, PASSWORD, WIDTH
from tests.browser.test_officer_followups import _records
from tests.conftest import Factory

PHONE_WIDTH = 390


def _seed(live_app, j) -> dict:
    with live_app.app_context():
        officer = create_user(f"cofficer{j.n}", PASSWORD, "officer", area_code="520526")
        factory = Factory(db)
        household = Household(number=f"520526-C{j.n:05d}", area_code="520526",
                              head_name=j.unique("杨光荣"), village="团结村")
        db.session.add(household)
        db.session.flush()
        # the household's only member is looking for work: a zero-employment household
        worker = factory.worker(name=j.unique("杨小明"), household_id=household.id)
        employer = factory.employer(name=j.unique("毕节卡片电子"))
        job = factory.job(employer=employer, title=j.unique("贴片操作工"))
        db.session.commit()
        return {"username": officer.username, "worker_id": worker.id, "worker": worker.name,
                "id_number": worker.id_number, "phone": worker.phone,
                "household": household.number, "household_id": household.id,
                "head": household.head_name, "employer": employer.name,
                "employer_id": employer.id, "job": job.title}


def _is_card(j, page, row) -> None:
    """On a phone the row is a card (no table header, every link and button inside the
    screen); on a desktop it stays a table row."""
    display = row.evaluate("e => getComputedStyle(e).display")
    header = row.locator("xpath=ancestor::table[1]/thead")
    if not j.phone:
        assert display == "table-row" and header.is_visible()
        return
    assert display == "block" and header.is_hidden()
    for item in row.locator("a:visible, button:visible").all():
        box = item.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, box
    assert j.fits(page), page.evaluate(WIDTH)


def test_officer_lists_are_cards_on_a_phone(live_app, journey):
    j = journey
    data = _seed(live_app, j)
    names = _records(live_app)
    page = j.open("/auth/login")
    j.login(page, data["username"])

    # Workers: the name linked, the masked phone with "Call", the status.
    j.goto(page, f"/registry/workers?q={quote(data['worker'])}")
    row = page.locator(f'#worker-list tr[data-worker="{data["worker_id"]}"]')
    _is_card(j, page, row)
    assert row.locator(f'a[href$="/workers/{data["worker_id"]}"]', has_text=data["worker"]) \
        .is_visible()
    assert data["phone"] not in row.inner_text()  # masked, as the list always was
    call = row.locator("button.call-worker")
    if j.phone:
        assert mask_phone(data["phone"]) in row.inner_text()
        assert data["household"] in row.inner_text()  # a fact the narrow table leaves out
        assert call.is_visible()
    else:
        assert call.is_hidden()
    j.check(page, *names)
    j.shot(page, "cards15", "workers")
    if j.phone:  # Call: the full number (audit-logged) as a tap-to-call link
        j.submit(page, call)
        assert page.locator(f'#call-worker[href="tel:{data["phone"]}"]').is_visible()
        j.shot(page, "cards15", "worker-call")

    # Households: the number linked, head and counts labelled.
    j.goto(page, f"/registry/households?q={quote(data['household'])}")
    row = page.locator(f'#household-list tr[data-household="{data["household_id"]}"]')
    _is_card(j, page, row)
    assert row.locator("a", has_text=data["household"]).is_visible()
    assert data["head"] in row.inner_text()
    j.check(page, *names)
    j.shot(page, "cards15", "households")

    # The zero-employment queue: the household linked, "I am responsible" in reach.
    j.goto(page, "/monitoring/zero-employment")
    row = page.locator("#zero-queue tbody tr", has_text=data["household"])
    _is_card(j, page, row)
    take = row.locator("button", has_text=j.t("由我负责", "I am responsible"))
    assert take.is_visible()
    j.check(page, *names)
    j.shot(page, "cards15", "zero-employment")

    # Employers, and an employer's openings.
    j.goto(page, f"/employers/?q={quote(data['employer'])}")
    row = page.locator("#employer-list tbody tr", has_text=data["employer"])
    _is_card(j, page, row)
    j.check(page, *names)
    j.shot(page, "cards15", "employers")
    j.goto(page, f"/employers/{data['employer_id']}")
    row = page.locator("#job-list tbody tr", has_text=data["job"])
    _is_card(j, page, row)
    assert row.locator("a", has_text=data["job"]).is_visible()
    j.check(page, *names)
    j.shot(page, "cards15", "employer-openings")


def test_the_worker_form_shows_every_problem_after_one_submit(live_app, journey):
    j = journey
    data = _seed(live_app, j)
    page = j.open("/auth/login")
    j.login(page, data["username"])
    j.goto(page, "/registry/workers/new")
    # No name, an ID number already registered, a phone too short, a household nobody
    # registered and a negative wage: the form's checks and the register's at once.
    page.fill("#name", "")
    page.fill("#id_number", data["id_number"])
    page.fill("#phone", "12345")
    page.fill("#household_number", f"NOPE-{j.n}")
    page.fill("#min_wage", "-5")
    j.submit(page)
    summary = page.locator("#form-summary")
    assert summary.is_visible()
    links = summary.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert set(links) == {"#name", "#id_number", "#phone", "#household_number", "#min_wage"}, \
        links
    text = summary.inner_text()
    assert j.t("该身份证号已登记", "This ID number is already registered") in text, text
    assert j.t("没有这个户编号", "No household with this number") in text, text
    if j.lang == "en":
        assert not CJK.search(text), text
    for field in ("name", "id_number", "phone", "household_number", "min_wage"):
        assert page.locator(f"#{field}.is-invalid").count() == 1, field
    # the registered holder is named, with a link to their record
    assert page.locator(f'a[href$="/workers/{data["worker_id"]}"]',
                        has_text=data["worker"]).count() == 1
    j.check(page, data["worker"])
    assert j.fits(page) or not j.phone, page.evaluate(WIDTH)
    j.shot(page, "cards15", "worker-form-errors")

    # Put right, the same form registers the worker.
    page.fill("#name", j.unique("杨新"))
    page.fill("#id_number", j.id_number(5))
    page.fill("#phone", f"1398511{j.n:04d}")
    page.fill("#household_number", data["household"])
    page.fill("#min_wage", "4000")
    j.submit(page)
    assert "/registry/workers/" in page.url and page.locator("#form-summary").count() == 0
    assert page.locator("h1", has_text=j.unique("杨新")).count() == 1
