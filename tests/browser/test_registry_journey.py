"""An officer registers a worker (a bad ID number first), then imports a roster with bad rows."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook, load_workbook

from app.auth.service import create_user
from app.extensions import db
from app.registry.demo import demo_id_number
from app.registry.households import save_site
from tests.browser.conftest import shot

PASSWORD = "browser-pass-1"


def _login(page, server, username):
    page.goto(f"{server}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{server}/")


def _roster(path, good_id, bad_id):
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "手机号", "安置点", "人员类别", "技能", "意向地区"])
    sheet.append(["杨秀英", good_id, "13885002222", "五里岗安置点", "易地搬迁", "家政、月嫂",
                  "本县"])
    sheet.append(["罗强", bad_id, "13885003333", "五里岗安置点", "返乡", "电焊", "珠三角"])
    sheet.append(["何静", demo_id_number("520526", date(1992, 7, 7), 40, "F"), "12345",
                  "五里岗安置点", "一般", "", "省内"])
    book.save(path)


def test_officer_registers_a_worker_and_imports_a_roster(live_app, live_server, page,
                                                        tmp_path):
    with live_app.app_context():
        officer = create_user("b_reg_officer", PASSWORD, "officer", area_code="520526",
                              display_name="吴专员")
        save_site({"name": "五里岗安置点", "county_code": "520526"}, officer)
        db.session.commit()
    _login(page, live_server, "b_reg_officer")
    assert "劳动力台账" in page.content()  # the dashboard panel

    page.click("nav >> text=劳动力")
    page.click("text=登记劳动力")
    good = demo_id_number("520526", date(1988, 4, 12), 12, "M")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    page.fill("input[name=name]", "张三")
    page.fill("input[name=id_number]", bad)
    page.fill("input[name=phone]", "13885001234")
    page.select_option("select[name=category]", "relocated")
    page.fill("textarea[name=skills_text]", "电焊、开叉车")
    page.check("input[name=regions_acceptable][value=prd]")
    page.fill("input[name=min_wage]", "4500")
    page.click("form.card button[type=submit], form.card input[type=submit]")
    feedback = page.inner_text(".invalid-feedback")
    assert "校验码" in feedback
    assert page.input_value("input[name=name]") == "张三"  # what was typed is kept
    assert page.input_value("input[name=phone]") == "13885001234"
    shot(page, "registry-worker-bad-id-zh")
    page.fill("input[name=id_number]", good)
    page.click("form.card button[type=submit], form.card input[type=submit]")
    page.wait_for_url("**/registry/workers/*")
    body = page.content()
    assert "已登记 张三" in body and "5205**********" in body and good not in body
    page.click("text=显示完整身份证号和手机号")
    assert good in page.inner_text("#id-number")
    shot(page, "registry-worker-page-zh")

    page.goto(f"{live_server}/registry/workers?q=zs")
    assert "张三" in page.inner_text("table")
    shot(page, "registry-worker-list-zh")

    roster = tmp_path / "花名册.xlsx"
    _roster(roster, demo_id_number("520526", date(1990, 1, 2), 20, "F"), bad[:-2] + "99")
    page.goto(f"{live_server}/registry/import")
    page.set_input_files("input[type=file]", str(roster))
    page.click("main form [type=submit]")
    page.wait_for_selector("#import-result")
    result = page.inner_text("#import-result")
    assert "新增 1" in result and "有问题 2" in result
    errors = page.inner_text("#import-errors")
    assert "校验码" in errors and "手机号" in errors
    shot(page, "registry-import-report-zh")
    with page.expect_download() as download_info:
        page.click("text=下载待修改的行")
    download = download_info.value
    data = io.BytesIO(open(download.path(), "rb").read())
    rows = list(load_workbook(data).active.iter_rows(values_only=True))
    assert rows[0][-3:] == ("原文件行号", "列", "问题") and len(rows) == 3
