"""An employer signs up (every mistake shown after one submit) and waits for verification,
an officer verifies it (the employer is told), the employer posts an opening with the skill
picker, sees a referred candidate as a card, invites them and confirms the hire, and the
public finds the opening on the job board: in Chinese and English, on a desktop and a
phone."""
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
    # A first try with four mistakes: all four are listed at once, the rest is kept.
    emp.fill("input[name=credit_code]", "91441900MA4UJ1XK3A")
    emp.select_option("select[name=area_code]", "441900")
    emp.fill("input[name=contact_name]", "陈经理")
    emp.fill("input[name=contact_phone]", "1380013")
    emp.fill("input[name=username]", f"employer{j.n}")
    emp.fill("input[name=password]", PASSWORD)
    emp.fill("input[name=confirm]", PASSWORD + "x")
    j.submit(emp, "main form [type=submit]")
    summary = emp.locator("#form-summary")
    assert summary.locator("li").count() == 4, summary.inner_text()
    for field in ("name", "credit_code", "contact_phone", "confirm"):
        assert summary.locator(f"a[href='#{field}']").count() == 1, (field, summary.inner_text())
    assert emp.input_value("input[name=contact_name]") == "陈经理"
    j.check(emp)
    j.shot(emp, "employer", "signup-all-errors")
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
    assert emp.locator("#form-summary").count() == 0
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

    # 3. The employer is told (a badge on Notifications), then posts and publishes an
    #    opening, picking its skill from the suggestions and adding one of its own.
    j.nav(emp, "我的岗位", "My openings")
    j.open_menu(emp)
    bell = emp.locator("#mainnav a.nav-link[href='/notifications/']")
    assert bell.locator(".nav-unread").inner_text().startswith("1"), bell.inner_text()
    with emp.expect_navigation():
        bell.click()
    assert j.t(f"{company} 已通过认证", f"{company} is verified") in emp.inner_text("main")
    j.check(emp, company)
    j.shot(emp, "employer", "notifications")
    j.nav(emp, "我的岗位", "My openings")
    assert j.t("等待就业专员审核", "Waiting for verification") not in emp.inner_text("main")
    assert emp.inner_text("main .badge") == j.t("已认证", "Verified")
    with emp.expect_navigation():
        emp.get_by_role("link", name=j.t("新建岗位", "New opening")).click()
    emp.fill("input[name=title]", title)
    emp.select_option("select[name=occupation_code]", "electronics_assembly")
    skills = emp.locator("input[name=required_skills]")
    skills.click()
    skills.press_sequentially("dianzi", delay=30)  # pinyin of 电子
    suggestion = emp.locator("#required_skills-suggestions [role=option]",
                             has_text=j.t("电子装配工", "Electronics assembler"))
    suggestion.first.wait_for()
    j.shot(emp, "employer", "skill-picker")
    suggestion.first.click()
    skills.press_sequentially("SMT贴片", delay=10)  # not in the list: kept as typed
    picked = skills.input_value()
    assert picked.startswith(j.t("电子装配工", "Electronics assembler")) and "SMT贴片" in picked
    emp.fill("input[name=headcount]", "20")
    emp.fill("input[name=wage_min]", "5200")
    emp.fill("input[name=wage_max]", "6800")
    emp.fill("input[name=age_min]", "18")
    emp.fill("input[name=age_max]", "45")
    emp.select_option("select[name=area_code]", "441900")
    emp.check("input[name=housing]")
    emp.check("input[name=meals]")
    # applications close before the work starts: the usual case, accepted
    emp.fill("input[name=start_date]", (clock.today() + timedelta(days=40)).isoformat())
    emp.fill("input[name=closing_date]", (clock.today() + timedelta(days=30)).isoformat())
    j.check(emp, company)
    j.shot(emp, "employer", "job-form")
    j.submit(emp, "button[name=publish]")
    assert j.t("岗位已发布", "The opening is on the job board") in emp.inner_text("main")
    j.check(emp, company, title)
    j.shot(emp, "employer", "job")
    tiles = emp.locator(".job-figures").bounding_box()
    footer = emp.locator("footer").bounding_box()
    assert tiles["y"] + tiles["height"] <= footer["y"], (tiles, footer)  # 剩余名额 in place
    with live_app.app_context():
        job = db.session.scalar(sa.select(Job).where(Job.title == title))
        assert {"code": None, "text": "SMT贴片", "level": 1} in job.required_skills

    # 4. The officer refers a candidate; the employer invites them and confirms the hire.
    with live_app.app_context():
        job = db.session.scalar(sa.select(Job).where(Job.title == title))
        refer(db.session.get(Worker, worker_id), job, by=db.session.get(User, officer_id))
        db.session.commit()
    j.nav(emp, "候选人", "Candidates")
    listing = emp.locator("#referral-list .candidate-card", has_text=candidate)
    card = listing.inner_text()
    assert title in card
    assert "139****" in card  # the phone is masked for the employer
    for label in (j.t("技能", "Skills"), j.t("工作经历", "Experience"),
                  j.t("意向地区", "Will work in"), j.t("推荐理由", "Why this candidate")):
        assert label in card, card
    j.check(emp, candidate, title)
    j.shot(emp, "employer", "candidates")
    j.submit(emp, listing.get_by_role("button", name=j.t("邀请面试", "Invite to interview")))
    assert j.t("已邀请面试", "Invited to interview") in emp.inner_text("main")
    listing.locator("summary", has_text=j.t("确认录用", "Confirm hire")).click()
    hire = listing.locator("form.hire-form")
    hire.locator("input[name=monthly_wage]").fill("5200")
    hire.locator("input[name=contract_months]").fill("12")
    j.submit(emp, hire.locator("button[type=submit]"))
    said = j.confirm(emp, candidate, title, company)
    assert "5,200" in said and j.t("第7天", "Day 7") in said  # the terms and follow-ups
    assert j.t(f"已确认录用：{candidate}", f"Hire confirmed: {candidate}") in emp.inner_text(
        "main")
    j.check(emp, candidate, title)
    j.shot(emp, "employer", "hired")
    j.goto(emp, "/notifications/")  # the referral was announced too
    assert candidate in emp.inner_text("main") and title in emp.inner_text("main")
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
