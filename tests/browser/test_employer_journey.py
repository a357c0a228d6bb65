"""An employer signs up and waits for verification, an officer verifies it, the employer
posts an opening, invites a referred candidate and confirms the hire, and the public finds
the opening on the job board: in Chinese and English, on a desktop and a phone."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from stdnum.cn import uscc

from app import clock
from app.auth.models import User
from app.auth.service import create_user
from app.employers.models import Job
from app.extensions import db
from app.placements.models import Placement
from app.placements.service import refer
from app.registry.models import Worker
from tests.browser.conftest import PASSWORD
from tests.conftest import Factory


def _credit_code(n: int) -> str:
    body = f"9144190{n:03d}MA4UJ1X"[:17]
    return body + uscc.calc_check_digit(body)


def test_employer_journey(live_app, journey):
    j = journey
    company = j.unique("东莞浏览器测试电子厂")
    title = j.unique("手机装配工")
    candidate = j.unique("杨光明")
    with live_app.app_context():
        officer = create_user(f"verifier{j.n}", PASSWORD, "officer", area_code="520000",
                              display_name="审核专员")
        worker = Factory(db).worker(name=candidate, skills_text="电子厂3年、手机组装",
                                    area_code="520526")
        db.session.commit()
        officer_id, worker_id = officer.id, worker.id

    # 1. The employer signs up on the public page and waits for verification.
    emp = j.open("/employers/signup")
    assert j.t("用人单位注册", "Register your company") in emp.inner_text("h1")
    emp.fill("input[name=name]", company)
    emp.fill("input[name=credit_code]", _credit_code(j.n))
    emp.select_option("select[name=industry]", "电子制造")
    emp.select_option("select[name=area_code]", "441900")
    emp.fill("input[name=address]", "长安镇")
    emp.fill("input[name=contact_name]", "陈经理")
    emp.fill("input[name=contact_phone]", "13800138000")
    emp.fill("input[name=username]", f"employer{j.n}")
    emp.fill("input[name=password]", PASSWORD)
    emp.fill("input[name=confirm]", PASSWORD)
    j.check(emp)
    j.shot(emp, "employer", "signup")
    j.submit(emp, "main form [type=submit]")
    body = emp.inner_text("main")
    assert j.t("注册成功", "Registered.") in body
    assert j.t("等待就业专员审核", "Waiting for verification by an employment officer") in body
    assert emp.inner_text("main .badge") == j.t("待审核", "Pending verification")
    j.check(emp, company)
    j.shot(emp, "employer", "pending")

    # 2. An officer verifies it.
    off = j.open("/auth/login")
    j.login(off, f"verifier{j.n}")
    j.nav(off, "用人单位", "Employers")
    with off.expect_navigation():
        off.get_by_role("link", name=company).click()
    j.submit(off, "form[action$='/verify'] button")
    assert j.t(f"{company}已通过认证", f"{company} is verified") in off.inner_text("main")
    j.check(off, company, "审核专员")
    j.shot(off, "employer", "verified-by-officer")

    # 3. The employer, verified now, posts and publishes an opening.
    j.nav(emp, "我的岗位", "My openings")
    assert j.t("等待就业专员审核", "Waiting for verification") not in emp.inner_text("main")
    assert emp.inner_text("main .badge") == j.t("已认证", "Verified")
    with emp.expect_navigation():
        emp.get_by_role("link", name=j.t("新建岗位", "New opening")).click()
    emp.fill("input[name=title]", title)
    emp.select_option("select[name=occupation_code]", "electronics_assembly")
    emp.fill("input[name=required_skills]", "电子装配:2")
    emp.fill("input[name=headcount]", "20")
    emp.fill("input[name=wage_min]", "5200")
    emp.fill("input[name=wage_max]", "6800")
    emp.fill("input[name=age_min]", "18")
    emp.fill("input[name=age_max]", "45")
    emp.select_option("select[name=area_code]", "441900")
    emp.check("input[name=housing]")
    emp.check("input[name=meals]")
    emp.fill("input[name=closing_date]", (clock.today() + timedelta(days=30)).isoformat())
    j.check(emp, company)
    j.shot(emp, "employer", "job-form")
    j.submit(emp, "button[name=publish]")
    assert j.t("岗位已发布", "The opening is on the job board") in emp.inner_text("main")
    j.check(emp, company, title)
    j.shot(emp, "employer", "job")

    # 4. The officer refers a candidate; the employer invites them and confirms the hire.
    with live_app.app_context():
        job = db.session.scalar(sa.select(Job).where(Job.title == title))
        refer(db.session.get(Worker, worker_id), job, by=db.session.get(User, officer_id))
        db.session.commit()
    j.nav(emp, "候选人", "Candidates")
    listing = emp.locator("#referral-list tr", has_text=candidate)
    assert title in listing.inner_text()
    assert "139****" in listing.inner_text()  # the phone is masked for the employer
    j.check(emp, candidate, title)
    j.shot(emp, "employer", "candidates")
    j.submit(emp, listing.get_by_role("button", name=j.t("邀请面试", "Invite to interview")))
    assert j.t("已邀请面试", "Invited to interview") in emp.inner_text("main")
    listing.locator("summary", has_text=j.t("确认录用", "Confirm hire")).click()
    hire = listing.locator("form.hire-form")
    hire.locator("input[name=monthly_wage]").fill("5200")
    hire.locator("input[name=contract_months]").fill("12")
    j.submit(emp, hire.locator("button[type=submit]"))
    assert j.t(f"已确认录用：{candidate}", f"Hire confirmed: {candidate}") in emp.inner_text(
        "main")
    j.check(emp, candidate, title)
    j.shot(emp, "employer", "hired")
    with live_app.app_context():
        placement = db.session.scalar(sa.select(Placement).where(
            Placement.worker_id == worker_id))
        assert placement.monthly_wage == 5200 and placement.contract_months == 12
        assert db.session.get(Worker, worker_id).status == "employed"

    # 5. Anyone finds the opening on the job board, by pinyin too.
    pub = j.open("/jobs?q=zhuangpei")
    card = pub.locator(".job-card", has_text=title)
    assert card.count() == 1
    wage = j.t("5,200–6,800 元/月", "5,200–6,800 CNY/month")
    assert wage in card.inner_text() and company in card.inner_text()
    j.check(pub, "手机装配工", company)  # the other runs' openings are on the board too
    j.shot(pub, "board", "search")
    if j.phone:  # cards use the whole width
        assert card.bounding_box()["width"] > 300
    with pub.expect_navigation():
        card.click()
    assert j.t("如何报名", "How to apply") in pub.inner_text("main")
    assert company in pub.inner_text("main")
    j.check(pub, title, company)
    j.shot(pub, "board", "opening")
