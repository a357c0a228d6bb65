"""A monthly check-in answered on a 390×844 phone through the SMS's link ``/c/<token>``, in
Chinese and English: one worker is still at the same job (with a wage), one changed job
(the second step asks where), one is not working (the second step asks why) after the
officer had been asked to call. The officer then sees the effect: the call item closed with
the answer, an "out of work" item in the queue, the worker seeking again and the new job
recorded. And the destinations page at 1366×800."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.auth.service import create_user
from app.employment import checkins
from app.employment import destinations as dest
from app.employment.models import CheckIn
from app.employment.records import clean_record, record_job
from app.extensions import db
from tests.browser.conftest import (
    LANGUAGES,
    PASSWORD,
    STEP_TIMEOUT_MS,
    WIDTH,
    Journey,
    shot,
)
from tests.conftest import Factory

OFFICER = "龙专员"


def _seed(live_app, j: Journey) -> dict:
    """The officer; three workers of Weining with jobs in Dongguan since June 2025 and this
    month's check-ins (as the sweep sends them); the third unanswered after two reminders,
    so the officer has been asked to call."""

    today = clock.today()
    month = today.replace(day=1)
    with live_app.app_context():
        officer = create_user(f"ckofficer{j.n}", PASSWORD, "officer", area_code="520526",
                              display_name=OFFICER)
        factory = Factory(db)
        out = {"officer": officer.username}
        for key, given in (("same", "安"), ("changed", "平"), ("idle", "康")):
            worker = factory.worker(name=j.unique("杨" + given))
            record = record_job(worker, clean_record({
                "employer_name": "长安电子厂", "place": "东莞长安", "start_month": "2025-06",
                "monthly_wage": 5200}, today=today), by=None)
            late = key == "idle"
            ci = CheckIn(worker_id=worker.id, area_code=worker.area_code, month=month,
                         record_id=record.id, reminders=2 if late else 0,
                         last_sent_on=today - timedelta(days=10) if late else today)
            db.session.add(ci)
            db.session.flush()
            out[key] = {"id": worker.id, "name": worker.name, "checkin": ci.id,
                        "token": checkins.token_for(ci.id)}
        assert checkins.open_calls(today) >= 1  # the unanswered one
        db.session.commit()
    return out


def _todo_card(page, name: str):
    return page.locator("div.card[id^=todo-]", has_text=name)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_checkins_answered_on_a_phone(live_app, live_server, browser, lang):
    j = Journey(browser, live_server, lang, "phone")
    try:
        _answer_all(live_app, j)
    finally:
        j.close()


def _answer_all(live_app, j: Journey) -> None:
    seed = _seed(live_app, j)
    same, changed, idle = seed["same"], seed["changed"], seed["idle"]

    # Still at the same job, with this month's wage.
    page = j.open(f"/c/{same['token']}")
    assert page.inner_text("h1") == j.t("这个月工作怎么样？", "How is your work this month?")
    assert "长安电子厂" in page.inner_text("main")
    assert same["name"] not in page.inner_text("main")  # only the family name is shown
    buttons = page.locator("main button[name=answer]")
    assert buttons.all_inner_texts() == [j.t("还在原单位", "Same job"),
                                         j.t("已换工作", "Changed job"),
                                         j.t("没有工作", "Not working")]
    for button in buttons.all():  # big enough for a thumb, and the full width
        box = button.bounding_box()
        assert box["height"] >= 56 and box["width"] >= 300, box
    j.check(page, "长安电子厂")
    j.shot(page, "checkin", "question")
    page.fill("input[name=wage]", "5800")
    j.submit(page, page.get_by_role("button", name=j.t("还在原单位", "Same job")))
    assert page.inner_text("h1") == j.t("谢谢！", "Thank you!")
    j.check(page)
    j.shot(page, "checkin", "thanks")
    page.reload()  # the link again: already answered, no second answer
    assert page.locator("#checkin-done").is_visible()

    # Changed job: the second step asks where.
    page = j.open(f"/c/{changed['token']}")
    j.submit(page, page.get_by_role("button", name=j.t("已换工作", "Changed job")))
    assert page.inner_text("#step-question") == j.t("您现在在哪里工作？", "Where do you work now?")
    j.check(page)
    j.submit(page, "main [type=submit]")  # nothing filled in: asked again, with a reason
    assert page.locator("main .alert-danger").count() == 1
    assert page.locator("input[name=employer_name]").is_visible()
    j.check(page)
    page.fill("input[name=employer_name]", "佛山家具厂")
    page.fill("input[name=place]", "佛山顺德")
    page.fill("input[name=wage]", "6100")
    j.shot(page, "checkin", "changed-step")
    j.submit(page, "main [type=submit]")
    assert page.locator("#checkin-done").is_visible()

    # Not working, after the officer had been asked to call: the second step asks why.
    page = j.open(f"/c/{idle['token']}")
    j.submit(page, page.get_by_role("button", name=j.t("没有工作", "Not working")))
    j.submit(page, "#back")  # a slip of the thumb: back to the three answers, nothing saved
    assert page.locator("main button[name=answer]").count() == 3
    j.submit(page, page.get_by_role("button", name=j.t("没有工作", "Not working")))
    assert page.inner_text("#step-question") == j.t("为什么没有工作？", "Why are you not working?")
    j.check(page)
    j.shot(page, "checkin", "not-working-step")
    j.submit(page, page.get_by_role("button", name=j.t("被裁员 / 工厂关停",
                                                       "Laid off / the workplace closed")))
    assert page.locator("#checkin-done").is_visible()
    assert j.fits(page)

    # The officer sees what the answers changed.
    officer = Journey(j.browser, j.base, j.lang, "desktop")
    officer.n = j.n
    try:
        page = officer.open("/auth/login")
        officer.login(page, seed["officer"])
        officer.goto(page, "/todo/?tab=done&kind=checkin_no_answer")
        card = _todo_card(page, idle["name"])
        assert card.count() == 1
        closed = card.inner_text()
        assert j.t("没有工作", "Not working") in closed, closed
        assert j.t("被裁员", "Laid off") in closed, closed
        officer.check(page, idle["name"])
        officer.shot(page, "officer", "checkin-call-closed")
        officer.goto(page, "/todo/?tab=upcoming&kind=checkin_not_working")
        assert _todo_card(page, idle["name"]).count() == 1  # find them work: at once
        officer.goto(page, f"/registry/workers/{idle['id']}")
        assert j.t("求职中", "Seeking work") in page.inner_text("main")
        officer.goto(page, f"/employment/workers/{changed['id']}/jobs")
        rows = page.inner_text("#records")
        assert "佛山家具厂" in rows and "6100" in rows, rows
        officer.shot(page, "officer", "checkin-changed-job")
        officer.goto(page, f"/checkins/{same['checkin']}")
        assert j.t("已答复", "Answered") in page.inner_text("#checkin-status")
    finally:
        officer.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_destinations_page_on_a_laptop(live_app, live_server, browser, lang):
    """/destinations at 1366×800: the figures the service computes, the province map and the
    tables, nothing wider than the screen."""

    county = {"zh": "520402", "en": "520424"}[lang]
    j = Journey(browser, live_server, lang, "desktop")
    today = clock.today()
    with live_app.app_context():
        officer = create_user(f"destofficer{j.n}", PASSWORD, "officer", area_code=county,
                              display_name=OFFICER)
        factory = Factory(db)
        for place, employer in (("东莞长安", "长安电子厂"), ("东莞长安", "长安电子厂"),
                                ("苏州昆山", "昆山精密"), ("贵阳观山湖", "观山湖物流")):
            record_job(factory.worker(area_code=county), clean_record({
                "employer_name": employer, "place": place, "start_month": "2025-06",
                "sector": "电子制造"}, today=today), by=None)
        db.session.commit()
        figures = dest.destinations(officer, today)
        username = officer.username
    assert figures.self_found == 3  # Guizhou's own city is not "outside"
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 800})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/auth/login" + ("?lang=en" if lang == "en" else ""))
        j.login(page, username)
        j.goto(page, "/destinations")
        assert page.inner_text("h1") == j.t("我县务工人员去向", "Where our people work")
        assert page.inner_text("#total") == str(figures.total)
        assert page.inner_text("#self-found") == str(figures.self_found)
        provinces = page.locator("#by-province tbody tr").all_inner_texts()
        assert provinces[0].split("\t")[0].strip() == j.t("广东省", "Guangdong")
        assert provinces[0].endswith("2") and len(provinces) == 2
        assert page.locator("#province-map").is_visible()
        guangdong = page.locator("#province-map path[data-code='440000']")
        assert "shade-0" not in guangdong.get_attribute("class")
        assert page.locator("#province-map path.shade-0").count() == 34 - 2
        assert page.locator("#province-map text").all_text_contents() == ["1", "2"]
        assert page.evaluate(WIDTH) <= 1366
        j.check(page, "长安电子厂", "昆山精密", "电子制造")
        shot(page, f"officer-destinations-{lang}-laptop")
    finally:
        context.close()
