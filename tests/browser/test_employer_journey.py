"""An employer signs up, an officer verifies it, the employer posts an opening and the
public finds it on the job board: on a desktop and on a phone-sized screen."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from stdnum.cn import uscc

from app.auth.service import create_user
from app.extensions import db
from tests.browser.conftest import shot

VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}
_serial = itertools.count(1)


def _credit_code(n: int) -> str:
    body = f"9144190{n:02d}MA4UJ1XK"[:17].ljust(17, "0")
    return body + uscc.calc_check_digit(body)


def _submit(page, selector: str = "button[type=submit], input[type=submit]") -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_sign_up_verify_post_and_find_on_the_board(live_app, live_server, browser, device):
    n = next(_serial)
    company = f"东莞浏览器测试电子厂{n}号"
    title = f"手机装配工{device}"
    with live_app.app_context():
        create_user(f"b_verifier{n}", "browser-pass-1", "officer", area_code="520000",
                    display_name="审核专员")
        db.session.commit()

    def context():
        ctx = browser.new_context(viewport=VIEWPORTS[device], locale="zh-CN",
                                  is_mobile=device == "phone")
        return ctx, ctx.new_page()

    # 1. The employer signs up on the public page.
    emp_ctx, emp = context()
    emp.goto(f"{live_server}/employers/signup")
    emp.fill("input[name=name]", company)
    emp.fill("input[name=credit_code]", _credit_code(n))
    emp.select_option("select[name=industry]", "电子制造")
    emp.select_option("select[name=area_code]", "441900")
    emp.fill("input[name=address]", "长安镇")
    emp.fill("input[name=contact_name]", "陈经理")
    emp.fill("input[name=contact_phone]", "13800138000")
    emp.fill("input[name=username]", f"b_employer{n}")
    emp.fill("input[name=password]", "browser-pass-1")
    emp.fill("input[name=confirm]", "browser-pass-1")
    shot(emp, f"employer-signup-{device}")
    _submit(emp, "input[type=submit][name=submit], button[type=submit]")
    assert "注册成功" in emp.content() and "待审核" in emp.content()

    # 2. An officer verifies it.
    off_ctx, off = context()
    off.goto(f"{live_server}/auth/login")
    off.fill("input[name=username]", f"b_verifier{n}")
    off.fill("input[name=password]", "browser-pass-1")
    _submit(off)
    off.goto(f"{live_server}/employers/?status=pending")
    with off.expect_navigation():
        off.get_by_role("link", name=company).click()
    _submit(off, "form[action$='/verify'] button")
    assert "已通过认证" in off.content()
    shot(off, f"officer-verified-{device}")
    off_ctx.close()

    # 3. The employer posts and publishes an opening.
    emp.goto(f"{live_server}/employers/jobs")
    with emp.expect_navigation():
        emp.get_by_role("link", name="新建岗位").click()
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
    emp.fill("input[name=closing_date]", (date.today() + timedelta(days=30)).isoformat())
    shot(emp, f"employer-job-form-{device}")
    _submit(emp, "button[name=publish]")
    assert "岗位已发布" in emp.content()
    shot(emp, f"employer-job-{device}")
    emp_ctx.close()

    # 4. Anyone finds it on the board, by pinyin too.
    pub_ctx, pub = context()
    pub.goto(f"{live_server}/jobs?q=zhuangpei")
    card = pub.locator(".job-card", has_text=title)
    assert card.count() == 1
    assert "5,200–6,800 元/月" in card.inner_text() and company in card.inner_text()
    shot(pub, f"board-search-{device}")
    if device == "phone":  # cards use the whole width, nothing scrolls sideways
        box = card.bounding_box()
        assert box["width"] > 300
        assert pub.evaluate("document.documentElement.scrollWidth") <= 390
    with pub.expect_navigation():
        card.click()
    assert "如何报名" in pub.content() and company in pub.content()
    shot(pub, f"board-opening-{device}")
    pub_ctx.close()
