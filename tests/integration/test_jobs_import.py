"""Labour-cooperation import: column mapping (remembered), real-world wages and places,
the row-level report, GBK .csv and .xlsx, no duplicates on re-import."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from app.employers.importer import JobsImporter, read_age, read_benefits, read_headcount
from app.employers.models import Employer, Job, PartnerMapping
from app.imports.base import RowErrors
from app.imports.models import ImportRun
from tests.factories.employers import make_employer
from tests.support.imports import map_and_run

HEADER = ["序号", "岗位", "人数", "工资待遇", "工作地址", "年龄", "学历", "福利", "备注"]
ROWS = [
    ["1", "电子厂普工", "50", "4000-6000元/月", "东莞市长安镇", "18-45岁", "初中及以上", "包吃住",
     ""],
    ["2", "SMT操作员", "20", "6-8千/月", "深圳-南山区", "18-40岁", "高中", "包住", ""],
    ["3", "仓库主管", "2", "0.8-1.3万/月", "上海-松江区", "25-45岁", "大专", "", "有经验优先"],
    ["4", "电气工程师", "3", "12-30k·13薪", "苏州", "不限", "本科", "", ""],
    ["5", "项目经理", "1", "20-50万/年", "杭州市", "30-50岁", "本科", "", ""],
    ["6", "建筑小工", "30", "150元/天", "贵阳观山湖", "18-55岁", "不限", "包吃", ""],
    ["7", "缝纫工", "40", "计件", "宁波", "18-50岁", "", "包吃住", ""],
    ["8", "销售代表", "5", "面议", "广州天河", "", "", "", ""],
    ["9", "远程岗位", "5", "5000元/月", "异地招聘", "", "", "", ""],
    ["10", "看能力岗位", "5", "看能力", "东莞", "", "", "", ""],
    ["11", "若干人岗位", "若干", "5000", "东莞", "", "", "", ""],
    ["12", "年龄写错", "5", "5000", "火星市", "十八岁", "博士后", "", ""],
]


def csv_bytes(header=HEADER, rows=ROWS, encoding="gbk") -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(client, employer, data: bytes, name: str = "协作岗位.csv", **form):
    return client.post(f"/employers/{employer.id}/import", data={
        "file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data")


@pytest.fixture
def officer(factory, login):
    return login(factory.user("officer", area_code="520000"))


def test_gbk_csv_with_automatic_mapping_and_a_row_report(client, db, factory, officer):
    employer, _ = make_employer(factory, name="苏州协作劳务公司")
    resp = upload(client, employer, csv_bytes(), partner="苏州市人社局", publish="y")
    assert resp.status_code == 302 and "/mapping" in resp.headers["Location"]
    resp = map_and_run(client, resp.headers["Location"])
    assert resp.status_code == 302
    job = db.session.scalar(sa.select(ImportRun).order_by(ImportRun.id.desc()))
    assert job.status == "done", job.message
    # 看能力 (a wage with no amount), 若干 (no fixed head-count) and 异地招聘 (the place to be
    # confirmed) go in as written
    assert (job.added, job.bad) == (11, 1), job.errors
    by_row = {}
    for e in job.errors:
        by_row.setdefault(e["row"], []).append(e)
    assert set(by_row) == {13}  # file lines (the header is line 1)
    assert {e["column"] for e in by_row[13]} == {"工作地址", "年龄", "学历"}
    jobs = {j.title: j for j in db.session.scalars(sa.select(Job).where(
        Job.employer_id == employer.id))}
    assert set(jobs) == {"电子厂普工", "SMT操作员", "仓库主管", "电气工程师", "项目经理",
                         "建筑小工", "缝纫工", "销售代表", "看能力岗位", "若干人岗位",
                         "远程岗位"}
    assert (jobs["看能力岗位"].wage_min, jobs["看能力岗位"].wage_note) == (None, "看能力")
    assert jobs["若干人岗位"].headcount is None and jobs["若干人岗位"].remaining is None
    assert jobs["建筑小工"].wage_unit == "day" and jobs["建筑小工"].wage_estimated
    expected = {
        "电子厂普工": (4000, 6000, False, "441900", "prd"),
        "SMT操作员": (6000, 8000, False, "440305", "prd"),
        "仓库主管": (8000, 13000, False, "310117", "yrd"),
        "电气工程师": (12000, 30000, False, "320500", "yrd"),
        "项目经理": (16667, 41667, False, "330100", "yrd"),
        "建筑小工": (3263, 3263, False, "520115", "guizhou"),
        "缝纫工": (None, None, True, "330200", "yrd"),
        "销售代表": (None, None, False, "440106", "prd"),
        "远程岗位": (5000, 5000, False, None, "other"),  # place to be confirmed
    }
    for title, (lo, hi, piece, place, region) in expected.items():
        j = jobs[title]
        assert (j.wage_min, j.wage_max, j.piece_rate) == (lo, hi, piece), title
        assert (j.county_code or j.city_code) == place and j.region == region, title
        assert j.status == "open"  # published: the employer is verified
    assert (jobs["电子厂普工"].place_detail, jobs["电子厂普工"].description) == ("长安镇", "")
    assert jobs["仓库主管"].description == "有经验优先"
    assert jobs["电子厂普工"].housing and jobs["电子厂普工"].meals
    # A workplace and a trade resolve to the trade (issue 14); titles naming no trade are
    # left unclassified for an officer's queue.
    assert jobs["电子厂普工"].occupation_code == "general_worker"
    assert jobs["电气工程师"].unclassified and jobs["项目经理"].unclassified
    assert jobs["仓库主管"].unclassified
    assert jobs["缝纫工"].occupation_code == "sewing"
    assert (jobs["电子厂普工"].age_min, jobs["电子厂普工"].age_max) == (18, 45)
    assert jobs["SMT操作员"].min_education == "senior" and jobs["电气工程师"].wage_note == \
        "12-30k·13薪"
    # the mapping is remembered for the employer and for the partner
    assert db.session.get(Employer, employer.id).import_mapping["工资待遇"] == "wage"
    assert db.session.scalar(sa.select(PartnerMapping.mapping).where(
        PartnerMapping.name == "苏州市人社局"))["工作地址"] == "place"
    # the result page and the report of the rows to fix
    page = client.get(f"/imports/{job.id}").get_data(as_text=True)
    assert "火星市" in page
    report = client.get(f"/imports/{job.id}/report.xlsx")
    assert report.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(report.data)).worksheets[0]
    assert sheet.max_row == 2  # the header and the row to fix

    # the same list again: nothing is duplicated
    resp = upload(client, employer, csv_bytes(), partner="苏州市人社局")
    map_and_run(client, resp.headers["Location"])
    again = db.session.scalar(sa.select(ImportRun).order_by(ImportRun.id.desc()))
    assert (again.added, again.unchanged, again.bad) == (0, 11, 1)


def _xlsx(header, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2026年春风行动东莞专场岗位表"])  # a title row above the header
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_xlsx_with_unknown_headers_needs_the_mapping_step(client, db, factory, officer):
    employer, _ = make_employer(factory, name="东莞外资电子厂", status="pending")
    data = _xlsx(["Post", "Qty", "Pay", "Where", "Note"],
                 [["装配工", 30, "5500-6500元/月", "东莞市塘厦镇", "两班倒"],
                  ["质检员", 4, "6-7千", "东莞松山湖", ""]])
    resp = upload(client, employer, data, name="dongguan.xlsx", partner="东莞市人社局",
                  publish="y")
    location = resp.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Post" in page and "5500-6500元/月" in page  # headers and a sample row shown
    resp = client.post(location, data={"map_0": "title", "map_1": "headcount"})
    assert resp.status_code == 422 and "薪资" in resp.get_data(as_text=True)
    resp = client.post(location, data={"map_0": "title", "map_1": "headcount", "map_2": "wage",
                                       "map_3": "place", "map_4": "wage"})
    assert resp.status_code == 422  # one field from two columns
    resp = client.post(location, data={"map_0": "title", "map_1": "headcount", "map_2": "wage",
                                       "map_3": "place", "map_4": "shifts"})
    assert resp.status_code == 302
    job = db.session.scalar(sa.select(ImportRun).order_by(ImportRun.id.desc()))
    assert job.status == "done" and (job.added, job.bad) == (2, 0), job.errors
    jobs = db.session.scalars(sa.select(Job).where(Job.employer_id == employer.id)).all()
    assert {j.status for j in jobs} == {"draft"}  # a pending employer cannot publish
    assert {j.shifts for j in jobs} == {"两班倒", ""}
    # next time the partner's mapping is offered first, for another employer too
    other, _ = make_employer(factory, name="东莞另一家厂")
    resp = upload(client, other, data, name="dongguan2.xlsx", partner="东莞市人社局")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert re.search(r'name="map_2".*?<option value="wage" selected', page, re.S)


def test_a_bad_file_is_refused_with_a_reason(client, db, factory, officer):
    employer, _ = make_employer(factory)
    resp = upload(client, employer, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", name="old.xls")
    assert resp.status_code == 200 and ".xlsx" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportRun)) == 0


def test_employers_cannot_import_for_anyone(client, factory, login):
    a, _ = make_employer(factory)
    b, b_user = make_employer(factory)
    login(b_user)
    assert upload(client, a, csv_bytes()).status_code == 403
    assert upload(client, b, csv_bytes()).status_code == 403


@pytest.mark.parametrize("value,expected", [
    ("20", 20), (20, 20), (20.0, 20), ("20人", 20), (" 5 名", 5), ("招3人", 3), ("3名", 3),
    # unspecified (若干 was 17 % of one real partner list): stored as None, no fixed limit
    ("若干", None), ("若干名", None), ("招若干人", None), ("", None), (None, None),
])
def test_headcount_reader(value, expected):
    assert read_headcount(value) == expected


@pytest.mark.parametrize("value", ["0", "很多", "-3", "3-5人"])
def test_headcount_reader_refuses(app, value):
    with app.test_request_context(), pytest.raises(ValueError):
        read_headcount(value)


@pytest.mark.parametrize("value,expected", [
    ("18-45岁", (18, 45)), ("18～45周岁", (18, 45)), ("45岁以下", (16, 45)),
    ("18周岁以上", (18, 60)), ("不限", (16, 60)), ("", (16, 60)),
])
def test_age_reader(value, expected):
    assert read_age(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("包吃住", (True, True)), ("包食宿，五险一金", (True, True)), ("包住不包吃", (True, False)),
    ("提供工作餐", (False, True)), ("不包吃住", (False, False)), ("", (False, False)),
])
def test_benefits_reader(value, expected):
    assert read_benefits(value) == expected


def test_importer_validates_rows_without_writing(app, db, factory):
    employer, _ = make_employer(factory)
    importer = JobsImporter()
    importer.begin(ImportRun(kind="jobs", filename="x.csv", employer_id=employer.id,
                             options={}))
    good = importer.validate({"title": "焊工", "headcount": "3", "wage": "8-12千",
                              "place": "佛山市顺德区", "certificates": "焊工证",
                              "skills": "电焊:3"}, 2)
    assert not isinstance(good, RowErrors)
    assert good.employer_name == "" and good.credit_code is None  # the picked employer
    good = good.data
    assert (good.wage_min, good.wage_max, good.area_code) == (8000, 12000, "440606")
    assert good.required_certificates == ["so_welding"]
    assert good.required_skills == [{"code": "welder", "text": "电焊", "level": 3}]
    bad = importer.validate({"title": "焊工", "headcount": "3", "wage": "12000-8000",
                             "place": "南山区", "certificates": "飞行执照"}, 3)
    assert isinstance(bad, RowErrors)
    assert {e.column for e in bad.errors} >= {"wage", "certificates"}
    welfare = importer.validate({"title": "护林员", "headcount": "10", "wage": "1500元/月",
                                 "place": "威宁县", "kind": "公益性岗位"}, 4)
    welfare = welfare.data
    assert welfare.kind == "public_welfare" and welfare.eligibility_county_code == "520526"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(
        Job.employer_id == employer.id)) == 0
