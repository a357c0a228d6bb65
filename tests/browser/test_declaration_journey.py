"""A person declares on a 390 px phone from a poster's QR page; the officer answers from the
to-do list; the person sees the answer on their receipt."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from tests.browser.conftest import DEVICES, PASSWORD, WIDTH, shot


def _seed(live_app):
    from app.auth.service import create_user
    from app.monitoring import declare
    from app.registry.demo import demo_id_number
    from app.registry.models import Household, Worker

    with live_app.app_context():
        officer = create_user("decl_officer", PASSWORD, "officer", area_code="520526")
        household = Household(number="520526-DECL01", area_code="520526", head_name="杨户主")
        db.session.add(household)
        db.session.flush()
        number = demo_id_number("520526", __import__("datetime").date(1988, 6, 6), 4242, "M")
        db.session.add(Worker(name="杨申报", name_pinyin="yangshenbao", name_initials="ysb",
                              id_number=number, id_number_rev=number[::-1],
                              birth_date=__import__("datetime").date(1988, 6, 6), sex="M",
                              phone="13985004242", phone_rev="13985004242"[::-1],
                              area_code="520526", household_id=household.id))
        point = declare.point_for(by=officer, area_code="520526", village="石门乡团结村")
        db.session.commit()
        return point.code, number


def _sms_code(live_app) -> str:
    from app.notifications.models import Notification

    with live_app.app_context():
        text = db.session.scalar(sa.select(Notification.text).where(
            Notification.kind == "declare_code").order_by(Notification.id.desc()))
        db.session.remove()
    return re.search(r"\d{6}", text).group(0)


def test_a_declaration_on_a_phone_and_the_officer_answering(browser, live_server, live_app):
    code, id_number = _seed(live_app)
    phone = browser.new_context(locale="zh-CN", **DEVICES["phone"]).new_page()
    phone.goto(f"{live_server}/declare/{code}")
    assert phone.evaluate(WIDTH) <= 390  # fits the phone, no sideways scrolling
    assert phone.locator(".choice label").count() == 6
    shot(phone, "declare-1-choose")
    phone.click("label[for=kind-lost_job]")
    phone.fill("#id_number", id_number)
    with phone.expect_navigation():
        phone.click("main [type=submit]")
    assert "/verify/" in phone.url
    phone.fill("#code", _sms_code(live_app))
    phone.fill("#note", "厂里停工了，想在县里找活")
    shot(phone, "declare-2-code")
    with phone.expect_navigation():
        phone.click("main [type=submit]")
    assert "/declare/r/" in phone.url
    receipt = phone.url
    assert "已收到" in phone.inner_text("main")
    assert "杨申报" not in phone.inner_text("main") and id_number not in phone.content()
    shot(phone, "declare-3-received")

    officer = browser.new_context(locale="zh-CN", **DEVICES["phone"]).new_page()
    officer.goto(f"{live_server}/auth/login")
    officer.fill("input[name=username]", "decl_officer")
    officer.fill("input[name=password]", PASSWORD)
    with officer.expect_navigation():
        officer.click("main [type=submit]")
    officer.goto(f"{live_server}/todo/?kind=declaration&tab=upcoming")
    assert "杨申报" in officer.inner_text("main")
    shot(officer, "declare-4-officer-todo")
    with officer.expect_navigation():
        officer.locator("main a[href*='/monitoring/declarations/']").first.click()
    assert "厂里停工了" in officer.inner_text("main")
    officer.fill("textarea#answer", "已电话联系，推荐到县城扶贫车间，周一面试")
    with officer.expect_navigation():
        officer.click("main button.btn-primary")
    assert "推荐到县城扶贫车间" in officer.inner_text("main")
    shot(officer, "declare-5-officer-answered")

    phone.goto(receipt)
    assert "推荐到县城扶贫车间" in phone.inner_text("#answer")
    shot(phone, "declare-6-answer-seen")
