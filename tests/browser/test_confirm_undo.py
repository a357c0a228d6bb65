"""An employer declines a candidate by mistake and takes it back with 撤销 / Undo, then
confirms another candidate's hire through its second step (what will happen, the follow-up
dates) before anything is recorded: in Chinese and English, on a desktop and a phone."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.auth.service import create_user
from app.extensions import db
from app.placements.models import Placement, Referral
from app.placements.schedule import followup_due_dates
from app.placements.service import refer
from tests.browser.conftest import PASSWORD
from tests.conftest import Factory


def _seed(live_app, j) -> dict:
    with live_app.app_context():
        factory = Factory(db)
        employer = factory.employer(name=j.unique("遵义确认测试电子厂"))
        job = factory.job(employer=employer, title=j.unique("插件工"), headcount=5,
                          wage_min=4800, contract_months=12)
        keep = factory.worker(name=j.unique("刘强"), skills_text="电子厂2年")
        hire = factory.worker(name=j.unique("陈芳"), skills_text="手机组装")
        user = create_user(f"confirmer{j.n}", PASSWORD, "employer", employer_id=employer.id)
        referrals = {w.name: refer(w, job, by=None).id for w in (keep, hire)}
        db.session.commit()
        return {"username": user.username, "employer": employer.name, "job": job.title,
                "keep": keep.name, "hire": hire.name, "referrals": referrals,
                "hire_id": hire.id}


def _status(live_app, referral_id: int) -> str:
    with live_app.app_context():
        return db.session.get(Referral, referral_id).status


def test_decline_undo_and_confirm_hire(live_app, journey):
    j = journey
    data = _seed(live_app, j)
    names = (data["employer"], data["job"], data["keep"], data["hire"])
    page = j.open("/auth/login")
    j.login(page, data["username"])
    j.nav(page, "候选人", "Candidates")

    # 1. A decline by mistake: the message offers Undo, which puts the candidate back.
    card = page.locator("#referral-list .candidate-card", has_text=data["keep"])
    card.locator("summary", has_text=j.t("不录用", "Decline")).click()
    card.locator("input[name=reason]").fill("经验不足")
    j.submit(page, card.locator("form [type=submit]", has_text=j.t("不录用", "Decline")))
    alert = page.locator(".alert-success")
    assert j.t(f"{data['keep']} 未被录用", f"{data['keep']} was declined") in alert.inner_text()
    assert _status(live_app, data["referrals"][data["keep"]]) == "declined"
    undo = alert.get_by_role("button", name=j.t("撤销", "Undo"))
    assert undo.is_visible()
    j.check(page, *names)
    j.shot(page, "employer", "declined-with-undo")
    j.submit(page, undo)
    assert j.t(f"{data['keep']} 重新成为", f"{data['keep']} is a candidate for") in \
        page.locator(".alert-success").inner_text()
    assert _status(live_app, data["referrals"][data["keep"]]) == "referred"
    assert page.locator("#referral-list .candidate-card", has_text=data["keep"]).count() == 1
    j.check(page, *names)
    j.shot(page, "employer", "decline-undone")

    # 2. Confirm hire: the form, then a page saying what will happen; nothing before "Yes".
    start = clock.today() + timedelta(days=5)
    card = page.locator("#referral-list .candidate-card", has_text=data["hire"])
    card.locator("summary", has_text=j.t("确认录用", "Confirm hire")).click()
    form = card.locator("form.hire-form")
    form.locator("input[name=start_date]").fill(start.isoformat())
    form.locator("input[name=monthly_wage]").fill("5200")
    j.submit(page, form.locator("[type=submit]"))
    assert page.locator("h1").inner_text() == j.t(f"确认录用 {data['hire']}？",
                                                 f"Confirm the hire of {data['hire']}?")
    said = page.inner_text("main")
    assert "5,200" in said and start.isoformat() in said
    for offset, due in followup_due_dates(start, (7, 30, 90, 180)):
        assert j.t(f'第{offset}天', f'Day {offset}') in said, said
        assert due.isoformat() in said, said
    with live_app.app_context():
        assert db.session.scalar(sa.select(Placement.id).where(
            Placement.worker_id == data["hire_id"])) is None
    assert page.locator("#confirm-form button", has_text=j.t("取消", "Cancel")).count() == 0
    assert page.get_by_role("link", name=j.t("取消", "Cancel")).is_visible()
    if j.phone:  # the button is in reach without sideways scrolling
        box = page.locator("#confirm-form [type=submit]").bounding_box()
        assert box["x"] + box["width"] <= 390, box
    j.shot(page, "employer", "confirm-hire-step")
    j.confirm(page, *names)
    message = page.locator(".alert-success").inner_text()
    assert j.t(f"已确认录用：{data['hire']}", f"Hire confirmed: {data['hire']}") in message
    assert page.locator(".alert-success").get_by_role(
        "button", name=j.t("撤销", "Undo")).count() == 0  # a hire is not undone
    j.check(page, *names)
    j.shot(page, "employer", "hire-confirmed")
    with live_app.app_context():
        placement = db.session.scalar(sa.select(Placement).where(
            Placement.worker_id == data["hire_id"]))
        assert placement.monthly_wage == 5200 and placement.start_date == start
