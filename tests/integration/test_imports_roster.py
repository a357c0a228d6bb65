"""Roster import: real .xlsx/.csv files with every kind of bad row and bad file."""
from __future__ import annotations

import csv
import io
import time
import zipfile
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from app.areas.service import load_areas
from app.auth.models import AuditLog
from app.auth.service import create_user
from app.extensions import db as _db
from app.imports.models import ImportRun
from app.registry.households import save_site
from app.registry.models import DuplicateFlag, Household, Worker, WorkerEvent
from tests.conftest import PASSWORD, backend_url, make_app, text_of
from tests.factories.roster import HEAD, good_rows, pid


def xlsx_bytes(rows: list[list], head: list | None = None, merge: str | None = None,
               title_row: str | None = None, as_number_col: int | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title_row:
        sheet.append([title_row])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    sheet.append(head or HEAD)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig", head: list | None = None) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(head or HEAD)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


@pytest.fixture
def officer(factory, db):
    user = factory.user("officer", area_code="520526")
    save_site({"name": "五里岗安置点", "county_code": "520526"}, user)
    save_site({"name": "观山湖安置点", "county_code": "520115"}, None)
    return user


def upload(client, content: bytes, name: str = "roster.xlsx"):
    resp = client.post("/registry/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")
    return resp


def run_of(db) -> ImportRun:
    return db.session.scalars(sa.select(ImportRun).order_by(ImportRun.id.desc())).first()


def test_template_has_chinese_headers_and_imports_empty(client, login, officer):
    login(officer)
    resp = client.get("/registry/import/template.xlsx")
    assert resp.status_code == 200
    book = load_workbook(io.BytesIO(resp.data))
    headers = [c.value for c in book.worksheets[0][1]]
    assert headers[:3] == ["姓名*", "身份证号*", "手机号"] and "照顾家庭" in headers
    assert book.worksheets[1].title == "填写说明"


def test_good_xlsx_is_imported_and_reimport_changes_nothing(client, login, officer, db):
    login(officer)
    content = xlsx_bytes(good_rows(4))
    resp = upload(client, content)
    assert resp.status_code == 302
    run = run_of(db)
    assert (run.status, run.total, run.added, run.bad) == ("done", 4, 4, 0), run.errors
    worker = db.session.scalar(sa.select(Worker).where(Worker.name == "测试1"))
    assert worker.area_code == "520526" and worker.category == "relocated"
    assert worker.regions_acceptable == ["guizhou", "prd"] and worker.min_wage == 4500
    assert worker.available_from == date(2025, 3, 1) and worker.name_initials == "cs1"
    assert worker.household.number == "WN-0000" and worker.household.site.name == "五里岗安置点"
    assert db.session.scalar(sa.select(sa.func.count(Household.id))) == 3
    page = text_of(client.get(resp.headers["Location"]))
    assert "新增 4" in page
    counts = db.session.scalar(sa.select(sa.func.count(WorkerEvent.id)))

    upload(client, content)
    again = run_of(db)
    assert (again.added, again.updated, again.unchanged, again.bad) == (0, 0, 4, 0)
    assert db.session.scalar(sa.select(sa.func.count(Worker.id))) == 4
    assert db.session.scalar(sa.select(sa.func.count(WorkerEvent.id))) == counts

    changed = good_rows(4)
    changed[0][2] = "13900009999"
    changed[1][13] = "已就业"
    upload(client, xlsx_bytes(changed))
    third = run_of(db)
    assert (third.added, third.updated, third.unchanged) == (0, 2, 2)
    db.session.refresh(worker)
    assert worker.phone == "13900009999"
    assert db.session.scalar(sa.select(Worker.status).where(Worker.name == "测试2")) == "employed"


def test_gbk_and_utf8_csv_with_english_headers(client, login, officer, db):
    login(officer)
    upload(client, csv_bytes(good_rows(2), "gbk"), "花名册.csv")
    assert (run_of(db).added, run_of(db).bad) == (2, 0)
    english = ["Name", "ID number", "Mobile", "County", "Category", "Education", "Regions"]
    rows = [["Li Lei", pid(50), "13885009999", "威宁县", "returnee", "senior", "prd, yrd"]]
    upload(client, csv_bytes(rows, "utf-8", head=english), "english.csv")
    run = run_of(db)
    assert (run.added, run.bad) == (1, 0), run.errors
    worker = db.session.scalar(sa.select(Worker).where(Worker.name == "Li Lei"))
    assert worker.category == "returnee"
    assert worker.regions_acceptable == ["prd", "yrd"]  # the order written is kept


# Optional cells a bad value does not cost the row: it is imported with the cell left empty.
KEPT_COLUMNS = {"手机号", "人员类别", "可到岗日期", "最低月薪"}


def bad_rows() -> list[tuple[list, str, str]]:
    """(row, column header at fault, fragment of the Chinese reason)."""
    ok = good_rows(1, start=90)[0]

    def row(**changes):
        r = list(ok)
        for index, value in changes.items():
            r[int(index[1:])] = value
        return r

    checksum = pid(91)[:-1] + ("0" if pid(91)[-1] != "0" else "1")
    feb30 = "52052619900230001"

    return [
        (row(c1=checksum), "身份证号", "校验码"),
        (row(c1=feb30 + ric.calc_check_digit(feb30 + "0")), "身份证号", "不是有效日期"),
        (row(c1="520526900301001"), "身份证号", "15 位"),
        (row(c1=pid(92), c2="12345"), "手机号", "11 位"),
        (row(c0="", c1=pid(93)), "姓名", "请输入姓名"),
        (row(c1=pid(94), c6="外星人"), "人员类别", "不是有效的填写内容"),
        (row(c1=pid(95), c11="下个月"), "可到岗日期", "不是日期"),
        (row(c1=pid(96), c10="面议"), "最低月薪", "不是金额"),
        (row(c1=pid(97), c4="不存在安置点"), "安置点", "没有名为"),
        (row(c1=pid(98), c4="", c3="", c5="观山湖区"), "所在县", "不在您的辖区"),
        (row(c1=pid(99), c4="观山湖安置点", c3=""), "安置点", "没有名为"),
        (row(c1=pid(90)), "身份证号", "第"),  # same ID as the good row above it
    ]


def test_every_kind_of_bad_row_is_reported_and_good_rows_imported(client, login, officer, db):
    login(officer)
    cases = bad_rows()
    rows = good_rows(1, start=90) + [c[0] for c in cases] + [[None] * len(HEAD)] + good_rows(
        1, start=80)
    upload(client, xlsx_bytes(rows))
    run = run_of(db)
    assert run.status == "done", run.message
    kept = sum(1 for c in cases if c[1] in KEPT_COLUMNS)
    refused = len(cases) - kept
    assert (run.added, run.bad, run.blank) == (2 + kept, refused, 1)
    by_row = {e["row"]: e for e in run.errors}
    for index, (_row, column, fragment) in enumerate(cases):
        line = index + 3  # header is line 1, the good row line 2
        assert line in by_row, (line, column)
        assert by_row[line]["column"] == column, by_row[line]
        assert fragment in by_row[line]["reason"], by_row[line]
        assert bool(by_row[line].get("kept")) == (column in KEPT_COLUMNS), by_row[line]
    assert db.session.scalar(sa.select(sa.func.count(Worker.id))) == 2 + kept
    page = text_of(client.get(f"/imports/{run.id}"))
    assert "校验码" in page and f"有问题 {refused}" in page

    report = client.get(f"/imports/{run.id}/report.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.data)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert list(lines[0][:len(HEAD)]) == HEAD and lines[0][-3:] == ("原文件行号", "列", "问题")
    assert len(lines) == refused + 1  # the kept rows are not among the rows to fix
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "import_report_download")) == 1

    # Fix two rows in the downloaded report and import it as it is.
    fixed = []
    for line in lines[1:]:
        cells = list(line[:len(HEAD)])
        if line[-2] == "姓名":
            cells[0] = "补上姓名"
        if cells[4] == "不存在安置点":
            cells[4] = "五里岗安置点"
        fixed.append(cells)
    again = upload(client, xlsx_bytes(fixed, head=list(lines[0])[:len(HEAD)]))
    assert again.status_code == 302
    second = run_of(db)
    # Two rows fixed; the repeated ID number now matches the worker imported the first time.
    assert (second.added, second.bad) == (2, refused - 3), second.errors
    assert second.updated + second.unchanged == 1


def test_id_number_stored_as_a_number_is_explained(client, login, officer, db):
    login(officer)
    row = good_rows(1)[0]
    row[1] = 520526199003010011
    upload(client, xlsx_bytes([row]))
    assert "文本" in run_of(db).errors[0]["reason"]


def test_rows_outside_the_officer_area_and_existing_elsewhere(client, login, officer, db,
                                                               factory):
    elsewhere = factory.worker(area_code="520115", name="外县人")
    login(officer)
    rows = good_rows(1)
    rows.append(["外县人", elsewhere.id_number, "", "", "", "威宁县", "", "", "", "", "", "",
                 "", ""])
    upload(client, xlsx_bytes(rows))
    run = run_of(db)
    assert (run.added, run.bad) == (1, 1)
    assert "其他地区" in run.errors[0]["reason"]
    db.session.refresh(elsewhere)
    assert elsewhere.area_code == "520115"


def test_duplicates_are_flagged_after_import(client, login, officer, db, factory):
    same = factory.worker(name="张三", birth_date=date(1990, 3, 1), sex="M")
    login(officer)
    upload(client, xlsx_bytes([["张三", pid(201), "", "", "", "威宁县", "", "", "", "", "",
                                "", "", ""]]))
    flag = db.session.scalar(sa.select(DuplicateFlag))
    assert flag is not None and flag.reason == "same_name_birth"
    assert {flag.worker_a_id, flag.worker_b_id} >= {same.id}


@pytest.mark.parametrize("kind", ["wrong_headers", "empty", "header_only_blank", "merged",
                                  "huge", "zip_bomb", "xls_renamed", "text_as_xlsx",
                                  "binary_csv", "pdf_name"])
def test_bad_files_get_a_clear_error_and_import_nothing(client, login, officer, db, app,
                                                        kind):
    login(officer)
    name = "roster.xlsx"
    expected = ""
    if kind == "wrong_headers":
        content = xlsx_bytes(good_rows(2), head=["名字X", "号码", "电话"] + HEAD[3:])
        expected = "缺少必填列"
    elif kind == "empty":
        content, name, expected = b"", "roster.csv", "文件是空的"
    elif kind == "header_only_blank":
        content, expected = xlsx_bytes([], head=[None] * 3), "文件是空的"
    elif kind == "merged":
        content, expected = xlsx_bytes(good_rows(3), merge="A3:A4"), "合并单元格"
    elif kind == "huge":
        app.config["IMPORT_MAX_ROWS"] = 5
        content, expected = xlsx_bytes(good_rows(8)), "超过 5 行"
    elif kind == "zip_bomb":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
        content, expected = buffer.getvalue(), "解压后的数据量"
    elif kind == "xls_renamed":
        content, expected = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 Excel"
    elif kind == "text_as_xlsx":
        content, expected = "姓名,身份证号\n张三,1\n".encode(), "不是真正的 .xlsx"
    elif kind == "binary_csv":
        content, name, expected = b"\x00\x01\x02" * 100, "roster.csv", "不是文本"
    else:
        content, name, expected = b"%PDF-1.4", "roster.pdf", "只能导入"
    try:
        resp = upload(client, content, name)
    finally:
        app.config.pop("IMPORT_MAX_ROWS", None)
    assert resp.status_code in (302, 422)
    body = text_of(client.get(resp.headers["Location"]) if resp.status_code == 302 else resp)
    assert expected in body, body[:2000]
    assert db.session.scalar(sa.select(sa.func.count(Worker.id))) == 0
    run = run_of(db)
    if run is not None:
        assert run.status == "failed" and run.stored_path is None


def test_title_row_above_the_header_is_fine(client, login, officer, db):
    login(officer)
    upload(client, xlsx_bytes(good_rows(2), title_row="威宁县2025年劳动力花名册"))
    run = run_of(db)
    assert (run.status, run.added) == ("done", 2), run.message


def test_other_county_cannot_see_the_job(client, login, officer, factory, db):
    login(officer)
    upload(client, xlsx_bytes(good_rows(1)))
    run = run_of(db)
    other = factory.user("officer", area_code="520115")
    client.post("/auth/logout")
    login(other)
    assert client.get(f"/imports/{run.id}").status_code == 404
    assert client.get(f"/imports/{run.id}/report.xlsx").status_code == 404


def test_cli_import_with_report(runner, officer, db, tmp_path):
    path = tmp_path / "roster.xlsx"
    rows = good_rows(3) + [["坏", "123", "", "", "", "威宁县", "", "", "", "", "", "", "", ""]]
    path.write_bytes(xlsx_bytes(rows))
    report = tmp_path / "bad.xlsx"
    result = runner.invoke(args=["registry", "import", str(path), "--user", officer.username,
                                 "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "新增 3" in result.output and report.exists()
    again = runner.invoke(args=["registry", "import", str(path)])
    assert "未变 3" in again.output
    bad = tmp_path / "x.txt"
    bad.write_text("x")
    assert runner.invoke(args=["registry", "import", str(bad)]).exit_code != 0


@pytest.mark.slow
def test_large_upload_runs_in_the_background(tmp_path):
    # Its own database: the import thread needs real commits and its own connection.
    app = make_app(backend_url("sqlite", tmp_path, "bg"), tmp_path, IMPORT_BACKGROUND_BYTES=0)
    with app.app_context():
        _db.create_all()
        load_areas()
        officer = create_user("bg_officer", PASSWORD, "officer", area_code="520526")
        save_site({"name": "五里岗安置点", "county_code": "520526"}, officer)
        _db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"username": "bg_officer", "password": PASSWORD})
    resp = upload(client, xlsx_bytes(good_rows(300)))
    assert resp.status_code == 302
    status_url = resp.headers["Location"] + "/status.json"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "progress.js" in page or "新增 300" in page
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.get(status_url).get_json()
        if status["finished"]:
            break
        time.sleep(0.2)
    assert status["status"] == "done"
    assert "新增 300" in text_of(client.get(resp.headers["Location"]))
    with app.app_context():
        assert _db.session.scalar(sa.select(sa.func.count(Worker.id))) == 300
        _db.session.remove()
        _db.engine.dispose()


def test_dates_and_numbers_from_excel_cells(client, login, officer, db):
    login(officer)
    row = good_rows(1)[0]
    row[2] = 13885001234  # a number cell
    row[10] = 4500.0
    row[11] = datetime(2025, 4, 1)
    upload(client, xlsx_bytes([row]))
    run = run_of(db)
    assert run.added == 1, run.errors
    worker = db.session.scalar(sa.select(Worker))
    assert worker.phone == "13885001234" and worker.available_from == date(2025, 4, 1)


def test_upload_over_the_size_limit_is_refused_clearly(client, login, officer, app, db):
    login(officer)
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    try:
        resp = upload(client, xlsx_bytes(good_rows(1)) + b"\0" * 20_000)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert resp.status_code == 413 and "文件太大" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ImportRun.id))) == 0


def test_a_bad_optional_cell_keeps_the_worker_and_is_reported(client, db, login, officer):
    login(officer)
    rows = good_rows(2)
    rows[0][2] = "12345678901"  # a phone outside the allocated ranges
    rows[1][10] = "很多"  # a wage that is no amount
    upload(client, xlsx_bytes(rows))
    run = run_of(db)
    assert (run.added, run.bad) == (2, 0)  # both workers are in the register
    first = db.session.scalar(sa.select(Worker).where(Worker.id_number == pid(1)))
    second = db.session.scalar(sa.select(Worker).where(Worker.id_number == pid(2)))
    assert first.phone is None and second.min_wage is None
    kept = {(e["row"], e["column"]) for e in run.errors if e.get("kept")}
    assert kept == {(2, "手机号"), (3, "最低月薪")}
    page = text_of(client.get(f"/imports/{run.id}"))
    assert "该行已导入，此项留空" in page


def test_template_examples_pass_and_no_phantom_blank_rows(client, login, officer, db):
    login(officer)
    book = load_workbook(io.BytesIO(client.get("/registry/import/template.xlsx").data))
    examples = book.worksheets[2]
    rows = [[c.value for c in row] for row in examples.iter_rows(min_row=2, max_row=3)]
    # The template itself, as downloaded, imports nothing and reports no blank rows.
    buffer = io.BytesIO()
    book.save(buffer)
    upload(client, buffer.getvalue())
    job = run_of(db)
    assert (job.added, job.bad, job.blank) == (0, 0, 0)
    # Its example rows, copied to the first sheet, pass.
    sheet = book.worksheets[0]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    upload(client, buffer.getvalue())
    job = run_of(db)
    assert (job.added, job.bad, job.blank) == (2, 0, 0), job.errors


def test_a_value_changed_by_a_rule_is_reported_on_the_row(client, db, login, officer):
    login(officer)
    rows = good_rows(1)
    rows[0][HEAD.index("意向地区")] = "省内"
    rows[0][HEAD.index("照顾家庭")] = "是"
    upload(client, xlsx_bytes(rows))
    job = run_of(db)
    assert (job.added, job.bad) == (1, 0)
    worker = db.session.scalar(sa.select(Worker).where(Worker.id_number == pid(1)))
    assert worker.regions_acceptable == ["local"]
    [entry] = [e for e in job.errors if e.get("kept")]
    assert entry["row"] == 2 and entry["column"] == "意向地区" and entry["value"] == "省内"
    # stored in every language (app.i18n.each_language), with what was done with the row
    assert entry["words"]["en"].startswith("Children or elders to care for"), entry
    assert entry["words"]["en"].endswith("Imported as “本县”."), entry
    assert "本县" in entry["words"]["zh"] and "msg" not in entry
    page = text_of(client.get(f"/imports/{job.id}"))
    assert "本县" in page and "省内" in page
    # Read in English, the report and the summary are in English.
    page = text_of(client.get(f"/imports/{job.id}?lang=en"))
    assert "local work only" in page and "Imported as" in page and "1 added" in page
