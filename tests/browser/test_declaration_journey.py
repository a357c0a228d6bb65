"""A person declares on a 390 px phone from a poster's QR page; the officer, at a 1366 px desk,
answers from the to-do list and reads the household's plan; the person sees the answer on
their receipt. In Chinese and in English: every page in the run's language (no Chinese
left on the English pages but the data), and nothing wider than the phone's screen."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.browser.conftest import LANGUAGES, PASSWORD, Journey

DESK = {"viewport": {"width": 1366, "height": 800}}
VILLAGE = "石门乡团结村"
NOTE = "厂里停工了想在县里找活"  # (a full-width comma would come back as ",": clean_text)
ANSWER = "已电话联系，推荐到县城扶贫车间，周一面试"


class Desk(Journey):
    """The officer's side: a 1366 × 800 office screen."""

    def open(self, path: str = "/"):
        context = self.browser.new_context(locale="zh-CN", reduced_motion="reduce", **DESK)
        self._contexts.append(context)
        page = context.new_page()
        sep = "&" if "?" in path else "?"
        page.goto(f"{self.base}{path}{sep}lang=en" if self.lang == "en" else self.base + path)
        return page


def _seed(live_app, j: Journey) -> dict:
    from app.auth.service import create_user
    from app.monitoring import declare
    from app.registry.demo import demo_id_number
    from app.registry.models import Household, Worker

    born = date(1988, 6, 6)
    with live_app.app_context():
        officer = create_user(f"decl_officer{j.n}", PASSWORD, "officer", area_code="520526")
        household = Household(number=f"520526-DECL{j.n:02d}", area_code="520526",
                              head_name="杨户主")
        db.session.add(household)
        db.session.flush()
        number = demo_id_number("520526", born, 4200 + j.n, "M")
        phone = f"1398500{4200 + j.n:04d}"
        db.session.add(Worker(name=j.unique("杨申报"), name_pinyin="yangshenbao",
                              name_initials="ysb", id_number=number, id_number_rev=number[::-1],
                              birth_date=born, sex="M", phone=phone, phone_rev=phone[::-1],
                              area_code="520526", household_id=household.id))
        point = declare.point_for(by=officer, area_code="520526", village=VILLAGE)
        db.session.commit()
        return {"code": point.code, "id_number": number, "officer": officer.username,
                "name": j.unique("杨申报"), "household": household.number}


def _sms_code(live_app) -> str:
    from app.notifications.models import Notification

    with live_app.app_context():
        text = db.session.scalar(sa.select(Notification.text).where(
            Notification.kind == "declare_code").order_by(Notification.id.desc()))
        db.session.remove()
    return re.search(r"\d{6}", text).group(0)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_declaration_on_a_phone_and_the_officer_answering(browser, live_server, live_app,
                                                            lang):
    person = Journey(browser, live_server, lang, "phone")
    desk = Desk(browser, live_server, lang, "desk")
    try:
        _walk(live_app, person, desk)
    finally:
        person.close()
        desk.close()


def _walk(live_app, p: Journey, d: Desk) -> None:
    seed = _seed(live_app, p)
    data = (VILLAGE, NOTE, ANSWER, seed["name"], seed["household"], "杨户主")

    # The person, from the poster's QR code: six pictured choices and the ID number.
    phone = p.open(f"/declare/{seed['code']}")
    assert phone.locator(".choice label").count() == 6
    heights = phone.eval_on_selector_all(".choice label", "ls => ls.map(l => l.offsetHeight)")
    assert heights[0::2] == heights[1::2], heights  # the two tiles of a row alike
    p.check(phone, *data)
    p.shot(phone, "declare", "1-choose")
    p.submit(phone)  # nothing chosen: the page says what is missing, still fits
    assert phone.locator(".invalid-feedback").count() >= 1
    p.check(phone, *data)
    phone.click("label[for=kind-lost_job]")
    phone.fill("#id_number", seed["id_number"])
    p.submit(phone)
    assert "/verify/" in phone.url
    p.check(phone, *data)
    phone.fill("#code", _sms_code(live_app))
    phone.fill("#note", NOTE)
    p.shot(phone, "declare", "2-code")
    p.submit(phone)
    assert "/declare/r/" in phone.url
    receipt = phone.url
    assert p.t("已收到", "Received") in phone.inner_text("main")
    main = phone.inner_text("main")
    assert seed["name"] not in main and seed["id_number"] not in phone.content()
    p.check(phone, *data)
    p.shot(phone, "declare", "3-received")

    # The officer at the desk: the to-do list, the declaration, the answer, the plan.
    office = d.open("/auth/login")
    d.login(office, seed["officer"])
    d.goto(office, "/todo/?kind=declaration&tab=upcoming")
    assert seed["name"] in office.inner_text("main")
    d.check(office, *data)
    d.shot(office, "declare", "4-officer-todo")
    with office.expect_navigation():
        office.locator("main a[href*='/monitoring/declarations/']").first.click()
    assert NOTE in office.inner_text("main")
    d.check(office, *data)
    office.fill("textarea#answer", ANSWER)
    d.submit(office, "main button.btn-primary")
    assert ANSWER in office.inner_text("#answer")
    d.check(office, *data)
    d.shot(office, "declare", "5-officer-answered")
    with office.expect_navigation():
        office.locator("main a[href*='/monitoring/households/']").first.click()
    plan = office.inner_text("#list-risks")
    assert p.t("失业", "Lost the job") in plan and seed["name"] in plan
    d.check(office, *data)
    d.shot(office, "declare", "6-officer-plan")

    # The person opens the receipt again and reads what was done.
    phone.goto(receipt)
    assert ANSWER in phone.inner_text("#answer")
    p.check(phone, *data)
    p.shot(phone, "declare", "7-answer-seen")
