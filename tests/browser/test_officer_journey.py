"""An employment officer's day, end to end, in Chinese and English, on a desktop and a phone:
log in, register a worker (a bad ID number first), import a roster with bad rows and
download the report, open the worker's recommended openings, refer, record the hire,
record the follow-up (the worker left the job), read the dashboard, the retention page and
the alert the job loss raised, and switch language from the navigation bar."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app import clock
from app.auth.service import create_user
from app.extensions import db
from app.placements.models import Placement
from app.placements.service import confirm_hire, refer
from app.registry.households import save_site
from app.registry.models import Worker
from app.registry.validation import name_keys
from tests.browser.conftest import PASSWORD
from tests.conftest import Factory

OFFICER = "吴专员"
GIVEN = ("建国", "德明", "海燕", "光明", "秀英", "永强", "春花", "志刚", "桂芳", "文华",
         "红梅", "国庆", "玉兰", "小军", "金凤", "家豪", "丽娟", "明辉", "翠萍", "天佑")


def _seed(live_app, journey) -> dict:
    """The officer, a relocation site, an employer with two openings (one needs a welding
    certificate) and two earlier placements of the area (for the retention figures)."""
    today = clock.today()
    with live_app.app_context():
        officer = create_user(f"officer{journey.n}", PASSWORD, "officer", area_code="520526",
                              display_name=OFFICER)
        save_site({"name": journey.unique("五里岗安置点"), "county_code": "520526"}, officer)
        factory = Factory(db)
        employer = factory.employer(name=journey.unique("贵阳智造电子有限公司"))
        job = factory.job(employer=employer, title=journey.unique("电子装配工"), headcount=5,
                          required_skills=[{"code": "electronics_assembly", "text": "电子装配",
                                            "level": 1}])
        factory.job(employer=employer, title=journey.unique("电焊工"),
                    required_certificates=["so_welding"])
        for days in (100, 200):
            worker = factory.worker(name=journey.unique(f"稳岗{days}天"))
            confirm_hire(refer(worker, job, by=officer), start_date=today - timedelta(days=days),
                         monthly_wage=5200, by=officer, today=today)
        db.session.commit()
        return {"username": officer.username, "employer": employer.name, "job_id": job.id,
                "job": job.title, "site": journey.unique("五里岗安置点")}


def _wrong_check_digit(id_number: str) -> str:
    return id_number[:-1] + ("0" if id_number[-1] != "0" else "1")


def _roster(path, journey, site: str, bad_id: str) -> None:
    """One good row, a bad ID number (row 3, refused) and a bad phone number (row 4: the
    worker is kept with the phone left empty)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "手机号", "安置点", "人员类别", "技能", "意向地区"])
    sheet.append(["杨秀英", journey.id_number(1, "F"), "13885002222", site, "易地搬迁",
                  "家政、月嫂", "本县"])
    sheet.append(["罗强", bad_id, "13885003333", site, "返乡", "电焊", "珠三角"])
    sheet.append(["何静", journey.id_number(2, "F"), "12345", site, "一般", "", "省内"])
    book.save(path)


def test_officer_journey(live_app, journey, tmp_path):
    j = journey
    seed = _seed(live_app, j)
    name = "张" + GIVEN[j.n % len(GIVEN)]
    page = j.open("/")

    # Log in (a wrong password first) and land on the dashboard.
    assert j.t("登录", "Log in") in page.title()
    page.fill("input[name=username]", seed["username"])
    page.fill("input[name=password]", "wrong-pass-1")
    j.submit(page)
    assert j.t("用户名或密码错误", "Wrong username or password") in page.inner_text("main")
    j.login(page, seed["username"])
    assert page.inner_text("h1") == j.t(f"欢迎，{OFFICER}", f"Welcome, {OFFICER}")
    assert j.t("威宁", "Weining") in page.inner_text("main")
    assert j.t("劳动力台账", "Labourer register") in page.inner_text("main")  # the register's panel
    j.check(page, OFFICER)

    # Register a worker: the ID number's check digit is wrong, then fixed.
    j.nav(page, "劳动力", "Workers")
    with page.expect_navigation():
        page.get_by_role("link", name=j.t("登记劳动力", "Register a worker")).click()
    good = j.id_number(0)
    bad = _wrong_check_digit(good)
    page.fill("input[name=name]", name)
    page.fill("input[name=id_number]", bad)
    page.fill("input[name=phone]", "13885001234")
    page.select_option("select[name=category]", "relocated")
    page.fill("textarea[name=skills_text]", "电子厂3年、手机组装、星际导航")
    page.check("input[name=regions_acceptable][value=prd]")
    page.fill("input[name=min_wage]", "4500")
    j.submit(page, "form.card [type=submit]")
    assert j.t("校验码", "check digit") in page.inner_text(".invalid-feedback")
    assert page.input_value("input[name=name]") == name  # what was typed is kept
    assert page.input_value("input[name=phone]") == "13885001234"
    j.check(page)
    j.shot(page, "officer", "bad-id")
    page.fill("input[name=id_number]", good)
    j.submit(page, "form.card [type=submit]")
    assert re.search(r"/registry/workers/\d+$", page.url), page.url
    worker_path = page.url.removeprefix(j.base)
    body = page.inner_text("main")
    assert j.t(f"已登记 {name}", f"{name} has been registered") in body
    assert "5205**********" in body and good not in body
    j.submit(page, page.get_by_role("button", name=j.t("显示完整身份证号和手机号",
                                                        "Show full ID number and phone")))
    assert good in page.inner_text("#id-number")
    j.check(page, name, "电子厂3年、手机组装、星际导航")
    j.shot(page, "officer", "worker")

    # Find the worker by the initials of the name's pinyin.
    j.nav(page, "劳动力", "Workers")
    page.fill("input[name=q]", name_keys(name)[1])
    j.submit(page, "main form[role=search] [type=submit]")
    assert name in page.inner_text("table")

    # Import a roster with a refused row and a row kept without its bad phone; download the
    # rows to fix.
    with page.expect_navigation():
        page.get_by_role("link", name=j.t("导入花名册", "Import a roster")).click()
    roster = tmp_path / "花名册.xlsx"
    bad_row = _wrong_check_digit(j.id_number(3))
    _roster(roster, j, seed["site"], bad_row)
    page.set_input_files("input[type=file]", str(roster))
    j.submit(page, "main form [type=submit]")
    result = page.inner_text("#import-result")
    assert j.t("新增 2", "2 added") in result, result
    assert j.t("有问题 1", "1 with problems") in result, result
    errors = page.inner_text("#import-errors")
    assert j.t("校验码", "check digit") in errors
    assert j.t("手机号", "mobile number") in errors
    assert j.t("该行已导入，此项留空", "The row was kept with this field left empty") in errors
    j.check(page, "花名册.xlsx")
    j.shot(page, "officer", "import-report")
    with page.expect_download() as download:
        page.get_by_role("link", name=j.t("下载待修改的行", "Download the rows to fix")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][-3:] == (j.t("原文件行号", "Row in the original file"), j.t("列", "Column"),
                            j.t("问题", "Problem"))
    assert len(rows) == 2  # the kept row is not among the rows to fix
    report = {row[-3]: row for row in rows[1:]}  # by the row number in the original file
    assert sorted(report) == [3]
    assert report[3][:2] == ("罗强", bad_row) and report[3][-2] == "身份证号"
    assert j.t("校验码", "check digit") in report[3][-1]

    # The worker's recommended openings, with the explanation; refer to the seeded one.
    j.goto(page, worker_path)
    with page.expect_navigation():
        page.get_by_role("link", name=j.t("推荐岗位", "Recommended openings")).click()
    assert j.t("推荐岗位", "Recommended openings") in page.inner_text("h1")
    row = page.locator(f"#matches tr[data-job='{seed['job_id']}']")
    assert row.count() == 1
    explain = page.locator(f"#matches tr[data-explain='{seed['job_id']}']")
    explain.locator("summary").first.click()  # open the explanation
    assert j.t("技能匹配", "Skill fit") in explain.inner_text()
    assert "星际导航" in page.inner_text("#unresolved")  # typed, not recognised
    assert j.t("焊工证", "welder certificate") in page.inner_text("#ruled-out")
    j.check(page, name, seed["job"])
    j.shot(page, "officer", "matches")
    j.submit(page, row.locator("button[type=submit]"))
    assert j.t(f"已将{name}推荐到", f"{name} was referred to") in page.inner_text("main")

    # Record the hire: the worker started twelve days ago, so the first follow-up is due.
    started = clock.today() - timedelta(days=12)
    referral = page.locator("#referrals tr", has_text=seed["job"])
    referral.locator("summary", has_text=j.t("登记上岗", "Record hire")).click()
    referral.locator("input[name=start_date]").fill(started.isoformat())
    referral.locator("input[name=monthly_wage]").fill("5200")
    referral.locator("input[name=contract_months]").fill("12")
    assert referral.get_by_role("button", name=j.t("确认录用", "Confirm hire")).is_visible()
    # Enter submits: on a phone the open form makes the table wider than the screen
    # (reported), and the button cannot always be tapped.
    with page.expect_navigation():
        referral.locator("input[name=contract_months]").press("Enter")
    said = j.confirm(page, name, seed["job"], seed["employer"])  # nothing recorded before
    assert j.t(f"确认录用 {name}？", f"Confirm the hire of {name}?") in said
    assert j.t(f"已确认录用：{name}", f"Hire confirmed: {name}") in page.inner_text("main")
    j.check(page, name, seed["job"])
    j.shot(page, "officer", "placement")
    with live_app.app_context():
        worker = db.session.scalar(sa.select(Worker).where(Worker.id_number == good))
        placement = db.session.scalar(sa.select(Placement).where(
            Placement.worker_id == worker.id))
        assert placement.monthly_wage == 5200 and placement.start_date == started
        assert worker.status == "employed"

    # The day-7 follow-up is overdue: record it (the worker left; the date is needed).
    j.nav(page, "回访", "Follow-ups")
    with page.expect_navigation():
        page.locator("main .nav-tabs a", has_text=j.t("已逾期", "Overdue")).click()
    with page.expect_navigation():
        page.locator("tr", has_text=name).first.get_by_role(
            "link", name=j.t("记录", "Record")).click()
    page.select_option("select[name=method]", "phone")
    page.check("input[name=reached][value=yes]")
    page.select_option("select[name=employment]", "left")
    j.submit(page, "main form [type=submit]")
    assert j.t("请填写离职日期", "Enter the date the worker left the job") in page.inner_text(
        "main")  # the form came back with the error
    assert page.input_value("select[name=employment]") == "left"  # input kept
    page.fill("input[name=left_date]", (clock.today() - timedelta(days=2)).isoformat())
    page.fill("input[name=left_reason]", "想家")
    page.check("input[name=issues][value=homesick]")
    j.check(page, name, seed["employer"])
    j.shot(page, "officer", "followup")
    j.submit(page, "main form [type=submit]")
    assert j.t("回访已记录", "Follow-up recorded") in page.inner_text("main")

    # The dashboard: retention at 90 days, and its page with the curves.
    j.nav(page, "工作台", "Dashboard")
    tile = page.locator(".figure-tile", has_text=j.t("90天稳岗率", "Retention at 90 days"))
    assert "%" in tile.inner_text()
    overdue = page.locator(".figure-tile", has_text=j.t("逾期回访", "Follow-ups overdue"))
    assert int(overdue.locator(".figure-value").inner_text()) >= 6  # the seeded placements'
    j.check(page, OFFICER)
    j.shot(page, "officer", "dashboard")
    with page.expect_navigation():
        tile.locator("a").click()
    assert page.url.endswith("/followups/retention")
    assert page.locator("svg").count() >= 3
    assert page.locator("#retention-table").is_visible()
    j.check(page)
    j.shot(page, "officer", "retention")

    # The job loss raised an alert for the area's officers.
    j.nav(page, "通知", "Notifications")
    alert = page.locator(".list-group-item", has_text=name).first.inner_text()
    assert seed["employer"] in alert and "想家" in alert, alert
    if j.lang == "zh":  # alerts are written in the account's language, never set by ?lang=
        assert f"{name} 已从{seed['employer']}离职（想家）" in alert, alert
    j.check(page)
    j.shot(page, "officer", "notifications")

    # The other language is one click away in the navigation bar.
    j.open_menu(page)
    with page.expect_navigation():
        page.locator("#mainnav a[lang]").click()
    assert page.get_attribute("html", "lang") == j.t("en", "zh-CN")
    assert page.inner_text("h1") == j.t("Notifications", "通知")
