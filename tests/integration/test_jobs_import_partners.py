"""Partner sheets with several employers (issue #14): each row filed under the employer it
names — found by credit code, else by normalised name, else registered from the sheet as
pending with the partner as its source and verified in bulk; the same sheet twice creates
nothing; the same import from ``flask jobs import``."""
from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa
from stdnum.cn import uscc

from app.auth.models import AuditLog
from app.employers.models import Employer, Job, PartnerMapping
from app.extensions import db
from app.imports.models import ImportRun
from tests.support.imports import map_and_run


def code(n: int, area: str = "320583") -> str:
    body = f"91{area}MA{n:07d}"
    return body + uscc.calc_check_digit(body)


HEADER = ["序号", "用人单位", "统一社会信用代码", "岗位名称", "招聘人数", "薪资待遇", "工作地点"]


def rows(registered_code: str) -> list[list[str]]:
    """Rows as a 劳务协作站's list has them: a different company on every row."""
    return [
        # 2: registered, found by its credit code (the sheet spells the name its own way)
        ["1", "立讯精密（昆山）", registered_code, "电子厂普工", "50", "4500-6000元/月",
         "苏州市"],
        # 3: registered without a code in the sheet: found by name, full-width brackets
        #    and a space against the registered half-width spelling
        ["2", "东莞市长安（精密） 电子有限公司", "", "SMT操作员", "若干", "6000一9000元",
         "东莞市"],
        # 4, 5: not registered: registered once from the sheet, pending, source = partner
        ["3", "昆山鸿运模具有限公司", "", "冲压工", "招3人", "1小时28元", "苏州市"],
        ["4", "昆山鸿运模具有限公司", "", "模具工", "3名", "可达6500元以上", "苏州市"],
        # 6: not registered, with its credit code
        ["5", "常熟市虞山服装厂", code(42), "缝纫工", "", "保底+计件", "苏州市"],
        # 7: a credit code that is not one (check digit wrong)
        ["6", "张家港市港城物流有限公司", code(43)[:-1] + "0", "配送员", "10", "多劳多得",
         "苏州市"],
        # 8: no employer named, and the upload has no default employer
        ["7", "", "", "保安", "2", "4000", "苏州市"],
    ]


def csv_bytes(data: list[list[str]]) -> bytes:
    return ("\r\n".join(",".join(r) for r in [HEADER, *data]) + "\r\n").encode("utf-8")


@pytest.fixture
def officer(factory, login):
    return login(factory.user("officer", area_code="520000"))


@pytest.fixture
def registered(factory):
    by_code = factory.employer(name="立讯精密工业（昆山）有限公司")
    by_name = factory.employer(name="东莞市长安(精密)电子有限公司")
    return by_code, by_name


def upload_sheet(client, data: bytes, **form):
    resp = client.post("/employers/import", data={
        "file": (io.BytesIO(data), "苏州协作站岗位.csv"), **form},
        content_type="multipart/form-data")
    assert resp.status_code == 302 and "/mapping" in resp.headers["Location"]
    assert map_and_run(client, resp.headers["Location"]).status_code == 302
    return db_last_job()


def db_last_job():
    return db.session.scalar(sa.select(ImportRun).order_by(ImportRun.id.desc()))


def employers_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Employer))


def test_a_partner_sheet_files_each_row_under_its_own_employer(client, db, officer,
                                                              registered):
    by_code, by_name = registered
    before = employers_count(db)
    job = upload_sheet(client, csv_bytes(rows(by_code.credit_code)), partner="苏州市劳务协作站",
                       publish="y")
    assert job.status == "done", job.message
    assert (job.added, job.bad) == (5, 2)
    assert "2" in job.message.split("。", 1)[1]  # two employers registered from the sheet
    errors = {e["row"]: e for e in job.errors}
    assert set(errors) == {7, 8}
    assert errors[7]["column"] == "统一社会信用代码" and errors[7]["value"] == code(43)[:-1] + "0"
    assert errors[8]["column"] == "用人单位" and errors[8]["reason"]

    def openings(employer_id):
        return {j.title: j for j in db.session.scalars(
            sa.select(Job).where(Job.employer_id == employer_id))}

    # found by credit code, and by normalised name; verified, so published
    assert openings(by_code.id)["电子厂普工"].status == "open"
    smt = openings(by_name.id)["SMT操作员"]
    assert smt.status == "open" and smt.headcount is None and (smt.wage_min, smt.wage_max) == (
        6000, 9000)
    # registered from the sheet: once each, pending, the partner as source, drafts
    assert employers_count(db) == before + 2
    hongyun = db.session.scalar(sa.select(Employer).where(Employer.name == "昆山鸿运模具有限公司"))
    assert (hongyun.status, hongyun.source, hongyun.credit_code) == (
        "pending", "苏州市劳务协作站", None)
    made = openings(hongyun.id)
    assert {t: j.status for t, j in made.items()} == {"冲压工": "draft", "模具工": "draft"}
    assert (made["冲压工"].headcount, made["冲压工"].wage_min, made["冲压工"].wage_unit) == (
        3, 4872, "hour")
    assert (made["模具工"].headcount, made["模具工"].wage_min, made["模具工"].wage_max) == (
        3, None, 6500)
    yushan = db.session.scalar(sa.select(Employer).where(Employer.credit_code == code(42)))
    assert yushan.name == "常熟市虞山服装厂" and yushan.status == "pending"
    sewing = openings(yushan.id)["缝纫工"]
    assert sewing.headcount is None and sewing.piece_rate and sewing.wage_note == "保底+计件"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "employer_create",
        AuditLog.target_id.in_([str(hongyun.id), str(yushan.id)]))) == 2
    # the mapping is remembered for the partner
    assert db.session.scalar(sa.select(PartnerMapping.mapping).where(
        PartnerMapping.name == "苏州市劳务协作站"))["用人单位"] == "employer"
    # the report lists the rows to fix with row, column and reason
    report = client.get(f"/imports/{job.id}/report.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(report.data)).worksheets[0]
    assert sheet.max_row == 3

    # the same sheet again: no new employer, no new opening
    jobs_before = db.session.scalar(sa.select(sa.func.count()).select_from(Job))
    again = upload_sheet(client, csv_bytes(rows(by_code.credit_code)),
                         partner="苏州市劳务协作站", publish="y")
    assert (again.added, again.unchanged, again.bad) == (0, 5, 2)
    assert employers_count(db) == before + 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == jobs_before


def test_a_later_sheet_gives_the_code_an_employer_was_registered_without(client, db, officer):
    upload_sheet(client, csv_bytes([["1", "昆山鸿运模具有限公司", "", "冲压工", "5", "5000",
                                     "苏州市"]]), partner="甲")
    upload_sheet(client, csv_bytes([["1", "昆山鸿运模具有限公司", code(7), "模具工", "5",
                                     "5000", "苏州市"]]), partner="乙")
    found = db.session.scalars(sa.select(Employer).where(
        Employer.name == "昆山鸿运模具有限公司")).all()
    assert len(found) == 1 and found[0].credit_code == code(7) and found[0].source == "甲"


def test_mapping_needs_the_employer_column_without_a_picked_employer(client, db, officer):
    data = "岗位名称,招聘人数,薪资,工作地点\r\n普工,5,5000,苏州市\r\n".encode()
    resp = client.post("/employers/import", data={"file": (io.BytesIO(data), "x.csv")},
                       content_type="multipart/form-data")
    page = map_and_run(client, resp.headers["Location"])
    assert page.status_code == 422 and "用人单位" in page.get_data(as_text=True)


def test_a_sheet_for_one_employer_still_works_without_the_column(client, db, officer, factory):
    employer = factory.employer(name="贵州遵义茶业有限公司")
    data = "岗位名称,招聘人数,薪资,工作地点\r\n采茶工,若干,每天200元,遵义市\r\n".encode()
    resp = client.post(f"/employers/{employer.id}/import",
                       data={"file": (io.BytesIO(data), "x.csv")},
                       content_type="multipart/form-data")
    map_and_run(client, resp.headers["Location"])
    job = db.session.scalar(sa.select(Job).where(Job.employer_id == employer.id))
    assert (job.title, job.headcount, job.wage_min, job.wage_unit) == ("采茶工", None, 4350,
                                                                      "day")


def test_officer_verifies_sheet_employers_in_bulk(client, db, officer):
    upload_sheet(client, csv_bytes([
        ["1", "昆山鸿运模具有限公司", "", "冲压工", "5", "5000", "苏州市"],
        ["2", "常熟市虞山服装厂", code(42), "缝纫工", "5", "计件", "苏州市"],
        ["3", "太仓港城物流有限公司", "", "配送员", "5", "5000", "苏州市"],
    ]), partner="苏州市劳务协作站")
    page = client.get("/employers/to-verify").get_data(as_text=True)
    assert "昆山鸿运模具有限公司" in page and "苏州市劳务协作站" in page
    ids = dict(db.session.execute(sa.select(Employer.name, Employer.id).where(
        Employer.source == "苏州市劳务协作站")).all())
    resp = client.post("/employers/to-verify", data={
        "submit": "1",
        "employer": [ids["昆山鸿运模具有限公司"], ids["常熟市虞山服装厂"]]})
    assert resp.status_code == 302
    status = dict(db.session.execute(sa.select(Employer.name, Employer.status).where(
        Employer.source == "苏州市劳务协作站")).all())
    assert status == {"昆山鸿运模具有限公司": "verified", "常熟市虞山服装厂": "verified",
                      "太仓港城物流有限公司": "pending"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "employer_verify")) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "employer_verify_bulk")) == 1
    page = client.get("/employers/to-verify").get_data(as_text=True)
    assert "太仓港城物流有限公司" in page and "昆山鸿运模具有限公司" not in page


def test_flask_jobs_import_command(app, db, runner, factory, tmp_path, registered):
    by_code, _by_name = registered
    officer = factory.user("officer", area_code="520000")
    db.session.commit()
    path = tmp_path / "协作岗位.csv"
    path.write_bytes(csv_bytes(rows(by_code.credit_code)))
    args = ["jobs", "import", str(path), "--user", officer.username, "--partner",
            "苏州市劳务协作站", "--publish"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "共 7 行：新增 5，更新 0，未变 0，有问题 2。" in result.output
    assert "import #" in result.output  # the progress bar
    report = tmp_path / "协作岗位.csv.report.xlsx"
    assert report.exists()
    sheet = openpyxl.load_workbook(report).worksheets[0]
    assert [c.value for c in sheet[1]][-3:] == ["原文件行号", "列", "问题"]
    assert sheet.max_row == 3
    # the same file again creates nothing
    count = employers_count(db), db.session.scalar(sa.select(sa.func.count()).select_from(Job))
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "新增 0，更新 0，未变 5" in result.output
    assert (employers_count(db), db.session.scalar(
        sa.select(sa.func.count()).select_from(Job))) == count
    assert runner.invoke(args=["jobs", "import", str(path), "--user", "nobody"]).exit_code != 0


def test_hourly_rates_show_as_estimates_and_words_as_written(client, db, officer, registered):
    by_code, _by_name = registered
    job = upload_sheet(client, csv_bytes([
        ["1", "立讯精密", by_code.credit_code, "小时工", "10", "每小时19.5元", "苏州市"],
        ["2", "立讯精密", by_code.credit_code, "配送员", "10", "多劳多得", "苏州市"],
    ]), publish="y")
    assert job.added == 2, job.errors
    jobs = {j.title: j for j in db.session.scalars(sa.select(Job).where(
        Job.employer_id == by_code.id))}
    hourly = client.get(f"/jobs/{jobs['小时工'].id}").get_data(as_text=True)
    assert "约 3,393 元/月" in hourly and "每小时19.5元" in hourly  # estimate and the original
    words = client.get(f"/jobs/{jobs['配送员'].id}").get_data(as_text=True)
    assert "多劳多得" in words and "面议" not in words
