"""Workers: register and edit through the forms, search, filters, scoping, masking, audit."""
from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.auth.models import AuditLog
from app.registry import service
from app.registry.demo import demo_id_number
from app.registry.households import create_household, save_site
from app.registry.models import Household, Worker, WorkerEvent, WorkerStatusChange
from app.registry.queries import WorkerFilters, household_counts, list_workers, status_counts
from tests.conftest import text_of

BORN = date(1990, 5, 17)


def new_id(seq: int, county: str = "520526", sex: str = "M", born: date = BORN) -> str:
    return demo_id_number(county, born, seq, sex)


def form(**over):
    data = {"name": "张三", "id_number": new_id(11), "phone": "13885001234",
            "household_number": "", "area_code": "520526", "category": "relocated",
            "education": "junior", "skills_text": "电焊、叉车", "regions_acceptable": ["local",
            "prd"], "min_wage": "4000", "job_kinds_wanted": ["market"],
            "available_from": "2025-03-01", "health_notes": "", "status": "seeking"}
    data.update(over)
    return data


def actions(db, action):
    return db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)).all()


def test_register_worker_with_bad_id_keeps_input_and_explains(client, login_as, db):
    login_as("officer", area_code="520526")
    bad = new_id(11)[:-1] + ("0" if new_id(11)[-1] != "0" else "1")
    resp = client.post("/registry/workers/new", data=form(id_number=bad))
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert "校验码" in body  # the check digit message, in Chinese
    assert 'value="张三"' in body and 'value="13885001234"' in body and bad in body
    assert db.session.scalar(sa.select(sa.func.count(Worker.id))) == 0


@pytest.mark.parametrize("value,fragment", [
    ("110105491231002", "15 位"), ("52052619900230001X", "不是有效日期"), ("", "请输入身份证号")])
def test_id_number_messages(client, login_as, value, fragment):
    login_as("officer", area_code="520526")
    resp = client.post("/registry/workers/new", data=form(id_number=value))
    assert resp.status_code == 422
    assert fragment in resp.get_data(as_text=True)


def test_bad_phone_is_explained(client, login_as):
    login_as("officer", area_code="520526")
    resp = client.post("/registry/workers/new", data=form(phone="12345678901"))
    assert resp.status_code == 422
    assert "11 位" in resp.get_data(as_text=True)


def test_register_worker_derives_birth_date_sex_pinyin_and_history(client, login_as, db):
    officer = login_as("officer", area_code="520526")
    resp = client.post("/registry/workers/new", data=form(id_number=new_id(12, sex="F")))
    assert resp.status_code == 302, text_of(resp)[:800]
    worker = db.session.scalar(sa.select(Worker))
    assert worker.birth_date == BORN and worker.sex == "F"
    assert (worker.name_pinyin, worker.name_initials) == ("zhangsan", "zs")
    assert worker.id_number_rev == worker.id_number[::-1]
    assert worker.regions_acceptable == ["local", "prd"] and worker.min_wage == 4000
    assert db.session.scalar(sa.select(WorkerStatusChange.status).where(
        WorkerStatusChange.worker_id == worker.id)) == "seeking"
    assert db.session.scalar(sa.select(WorkerEvent.kind).where(
        WorkerEvent.worker_id == worker.id)) == "registered"
    assert actions(db, "worker_create")[0].user_id == officer.id
    page = text_of(client.get(f"/registry/workers/{worker.id}"))
    assert "张三" in page and "5205**********" in page


def test_same_id_number_is_refused_with_a_link(client, login_as, factory, db):
    existing = factory.worker(name="李四")  # before logging in: the login commits it
    login_as("officer", area_code="520526")
    resp = client.post("/registry/workers/new", data=form(id_number=existing.id_number))
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert "已登记" in body and f"/registry/workers/{existing.id}" in body


def test_same_id_number_elsewhere_does_not_disclose(client, login_as, factory):
    existing = factory.worker(name="李四")  # Weining
    login_as("officer", area_code="520115")
    resp = client.post("/registry/workers/new",
                       data=form(id_number=existing.id_number, area_code="520115"))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "其他地区" in body
    assert "李四" not in body and f"/registry/workers/{existing.id}" not in body


def test_care_duties_mean_local_work_only(db, factory):
    officer = factory.user("officer", area_code="520526")
    worker = service.create_worker({**form(care_duties=True), "min_wage": 3000,
                                    "available_from": None}, officer)
    assert worker.regions_acceptable == ["local"]


def test_edit_worker_records_changes(client, login_as, factory, db):
    login_as("officer", area_code="520526")
    worker = factory.worker(name="王五")
    resp = client.post(f"/registry/workers/{worker.id}/edit", data=form(
        name="王五", id_number=worker.id_number, phone="13900001111", min_wage="5000"))
    assert resp.status_code == 302, text_of(resp)[:800]
    db.session.refresh(worker)
    assert worker.phone == "13900001111" and worker.min_wage == 5000
    event = db.session.scalar(sa.select(WorkerEvent).where(WorkerEvent.kind == "updated"))
    assert "phone" in event.detail["fields"]


def test_status_change_keeps_history(client, login_as, factory, db):
    login_as("officer", area_code="520526")
    worker = factory.worker()
    resp = client.post(f"/registry/workers/{worker.id}/status",
                       data={"status": "employed", "reason": "东莞长安上岗"})
    assert resp.status_code == 302
    db.session.refresh(worker)
    assert worker.status == "employed"
    history = [s.status for s in db.session.scalars(sa.select(WorkerStatusChange).where(
        WorkerStatusChange.worker_id == worker.id))]
    assert history == ["employed"]
    assert not service.set_worker_status(worker, "employed", "again")  # unchanged: no entry
    page = text_of(client.get(f"/registry/workers/{worker.id}"))
    assert "东莞长安上岗" in page


@pytest.fixture
def people(db, factory):
    """Workers in Weining (two households, one zero-employment) and one in Guanshanhu."""
    officer = factory.user("officer", area_code="520526")
    site = save_site({"name": "五里岗安置点", "county_code": "520526"}, officer)
    h1 = create_household({"site_id": site.id, "monitored": True, "head_name": "张大山",
                           "risk_causes": ["illness"]}, officer)
    h2 = create_household({"area_code": "520526", "village": "小海镇", "head_name": "赵四"},
                          officer)
    zs = factory.worker(name="张三", name_pinyin="zhangsan", name_initials="zs",
                        household_id=h1.id, category="relocated", phone="13885001234")
    zw = factory.worker(name="张伟", name_pinyin="zhangwei", name_initials="zw",
                        household_id=h1.id, status="seeking")
    ls = factory.worker(name="李四", name_pinyin="lisi", name_initials="ls",
                        household_id=h2.id, status="employed", category="returnee")
    other = factory.worker(area_code="520115", name="赵六", name_pinyin="zhaoliu",
                           name_initials="zl")
    return {"officer": officer, "site": site, "h1": h1, "h2": h2, "zs": zs, "zw": zw, "ls": ls,
            "other": other}


def names(user, **filters):
    listing = list_workers(user, WorkerFilters(**filters))
    return {w.name for w in listing.items}


def test_search_by_name_pinyin_initials_id_and_phone(people):
    officer = people["officer"]
    assert names(officer, q="张") == {"张三", "张伟"}
    assert names(officer, q="zhangsan") == {"张三"}
    assert names(officer, q="zhang") == {"张三", "张伟"}
    assert names(officer, q="zs") == {"张三"}
    assert names(officer, q="ZS") == {"张三"}
    assert names(officer, q="张叁") == {"张三"}  # sounds the same
    assert names(officer, q=people["zs"].id_number[-4:]) >= {"张三"}
    assert names(officer, q=people["zs"].id_number) == {"张三"}
    assert names(officer, q="1234") >= {"张三"}  # phone tail
    assert names(officer, q="zhaoliu") == set()  # another county


def test_filters(people):
    officer = people["officer"]
    assert names(officer, site=people["site"].id) == {"张三", "张伟"}
    assert names(officer, category="returnee") == {"李四"}
    assert names(officer, status="employed") == {"李四"}
    assert names(officer, monitored=True) == {"张三", "张伟"}
    assert names(officer, zero=True) == {"张三", "张伟"}
    counts = household_counts(officer)
    assert counts == {"households": 2, "monitored": 1, "zero": 1}
    create_household({"area_code": "520526", "head_name": "钱五", "village": "小海镇"},
                     officer)  # no workers: not zero-employment
    assert household_counts(officer)["zero"] == 1
    service.set_worker_status(people["zs"], "employed", "上岗", officer)
    assert household_counts(officer)["zero"] == 0 and names(officer, zero=True) == set()
    assert status_counts(officer)["seeking"] == 1  # 张伟 (张三 is employed now)


def test_worker_list_page_and_dashboard(client, login, people):
    login(people["officer"])
    body = text_of(client.get("/registry/workers?q=zs"))
    assert "张三" in body and "张伟" not in body and "5205**********" in body
    assert "138****1234" in body and "13885001234" not in body
    dash = text_of(client.get("/"))
    assert "零就业家庭" in dash and "监测户" in dash


def test_zero_employment_household_list(client, login, people):
    login(people["officer"])
    body = text_of(client.get("/registry/households?zero=1"))
    assert people["h1"].number in body and people["h2"].number not in body


@pytest.mark.parametrize("path", ["/registry/workers/{id}", "/registry/workers/{id}/edit"])
def test_other_county_cannot_open_or_edit(client, login_as, people, path):
    login_as("officer", area_code="520115")
    assert client.get(path.format(id=people["zs"].id)).status_code == 404
    resp = client.post(f"/registry/workers/{people['zs'].id}/edit", data=form())
    assert resp.status_code == 404


def test_other_county_cannot_list_or_export(client, login_as, people):
    login_as("officer", area_code="520115")
    body = text_of(client.get("/registry/workers"))
    assert "张三" not in body and "赵六" in body
    resp = client.post("/registry/workers/export.xlsx?full=1",
                       data={"purpose": "社保补贴申报", "confirm": "1"})
    sheet = load_workbook(io.BytesIO(resp.data)).active
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert exported == ["赵六"]


def test_prefecture_officer_sees_the_county(people, factory):
    bijie = factory.user("officer", area_code="520500")
    assert "张三" in names(bijie)
    province = factory.user("officer", area_code="520000")
    assert {"张三", "赵六"} <= names(province)


def test_reveal_full_numbers_is_audited(client, login, people, db):
    login(people["officer"])
    worker = people["zs"]
    page = client.get(f"/registry/workers/{worker.id}").get_data(as_text=True)
    assert worker.id_number not in page and "显示完整" in page
    resp = client.post(f"/registry/workers/{worker.id}/reveal")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert worker.id_number in body and worker.phone in body
    entry = actions(db, "worker_reveal")[0]
    assert entry.target_id == str(worker.id) and entry.user_id == people["officer"].id


@pytest.mark.parametrize("role,kw,status", [
    ("trainee", {}, 404), ("employer", {}, 403)])
def test_others_never_see_full_numbers(client, login_as, people, role, kw, status):
    login_as(role, **kw)
    worker = people["zs"]
    assert client.post(f"/registry/workers/{worker.id}/reveal").status_code == status
    assert client.get("/registry/workers").status_code == 403


def test_trainee_sees_own_record_and_may_reveal(client, login, factory, people, db):
    worker = people["zs"]
    trainee = factory.user("trainee", worker_id=worker.id)
    login(trainee)
    page = client.get(f"/registry/workers/{worker.id}")
    assert page.status_code == 200 and worker.id_number not in page.get_data(as_text=True)
    resp = client.post(f"/registry/workers/{worker.id}/reveal")
    assert worker.id_number in resp.get_data(as_text=True)
    assert client.get(f"/registry/workers/{people['zw'].id}").status_code == 404


def test_export_masked_by_default_full_on_request_and_audited(client, login, people, db):
    login(people["officer"])
    resp = client.get("/registry/workers/export.xlsx?q=zs")
    assert resp.status_code == 200
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "身份证号", "性别")
    assert rows[1][0] == "张三" and rows[1][1].startswith("5205***") and "****" in rows[1][4]
    assert len(rows) == 2
    # Full numbers: first the question (how many people, what for), then the file.
    ask = client.get("/registry/workers/export.xlsx?q=zs&full=1")
    assert ask.status_code == 200 and "1 人" in text_of(ask).replace("1人", "1 人")
    refused = client.post("/registry/workers/export.xlsx?q=zs&full=1", data={"confirm": "1"})
    assert refused.status_code == 422 and "is-invalid" in refused.get_data(as_text=True)
    full = client.post("/registry/workers/export.xlsx?q=zs&full=1",
                       data={"purpose": "社保补贴申报", "confirm": "1"})
    rows = list(load_workbook(io.BytesIO(full.data)).active.iter_rows(values_only=True))
    assert rows[1][1] == people["zs"].id_number and rows[1][4] == "13885001234"
    entries = actions(db, "registry_export")
    assert [e.detail["full_numbers"] for e in entries] == [False, True]
    assert entries[1].detail["purpose"] == "社保补贴申报"
    assert entries[0].detail["rows"] == 1 and entries[0].detail["filters"] == {"q": "zs"}


def test_export_neutralises_formulas(client, login, people, db):
    people["zs"].skills_text = "=HYPERLINK(\"http://x\")"
    db.session.flush()
    login(people["officer"])
    resp = client.get("/registry/workers/export.xlsx?q=zs")
    row = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))[1]
    assert row[10].startswith("'=")


def test_pages_render(client, login, people):
    login(people["officer"])
    for path in ["/registry/workers", "/registry/workers/new", "/registry/households",
                 "/registry/households/new", f"/registry/households/{people['h1'].id}",
                 f"/registry/households/{people['h1'].id}/edit", "/registry/sites",
                 f"/registry/sites/{people['site'].id}", "/registry/sites/new",
                 f"/registry/sites/{people['site'].id}/edit", "/registry/duplicates",
                 "/registry/import", f"/registry/workers/{people['zs'].id}/edit"]:
        resp = client.get(path)
        assert resp.status_code == 200, path
    site = text_of(client.get(f"/registry/sites/{people['site'].id}"))
    assert people["h1"].number in site  # zero-employment household listed



@pytest.mark.parametrize("path", ["/registry/households/{h}", "/registry/households/{h}/edit",
                                  "/registry/sites/{s}", "/registry/sites/{s}/edit"])
def test_other_county_cannot_open_households_or_sites(client, login_as, people, path):
    login_as("officer", area_code="520115")
    url = path.format(h=people["h1"].id, s=people["site"].id)
    assert client.get(url).status_code == 404
    listing = text_of(client.get("/registry/households"))
    assert people["h1"].number not in listing
    assert "五里岗安置点" not in text_of(client.get("/registry/sites"))


def test_household_plan_history_and_members(client, login, people, db):
    login(people["officer"])
    h1 = people["h1"]
    for text in ("推荐参加养老护理培训", "落实公益性岗位"):
        resp = client.post(f"/registry/households/{h1.id}/plan",
                           data={"text": text, "entry_date": "2025-03-01"})
        assert resp.status_code == 302
    client.post(f"/registry/households/{h1.id}/dependants",
                data={"name": "张小宝", "relation": "子女", "birth_year": "2015"})
    page = text_of(client.get(f"/registry/households/{h1.id}"))
    assert "推荐参加养老护理培训" in page and "落实公益性岗位" in page
    assert "张小宝" in page and "张三" in page and "零就业" in page
    english = text_of(client.get(f"/registry/households/{h1.id}?lang=en"))
    assert "Child" in english and "子女" not in english
    client.get("/?lang=zh")
    bad = client.post(f"/registry/households/{h1.id}/plan", data={"text": ""})
    assert bad.status_code == 422


def test_register_household_with_risk_causes_needs_monitored(client, login, people, db):
    login(people["officer"])
    resp = client.post("/registry/households/new", data={
        "area_code": "520526", "risk_causes": ["illness"], "number": ""})
    assert resp.status_code == 422 and "监测对象" in resp.get_data(as_text=True)
    resp = client.post("/registry/households/new", data={
        "area_code": "520526", "risk_causes": ["illness", "disaster"], "monitored": "y",
        "head_name": "王大", "village": "小海镇"})
    assert resp.status_code == 302


def test_dashboard_counts_are_computed_once_per_request(client, login, people, db):
    login(people["officer"])
    statements = []

    def count(conn, cursor, statement, *args):
        if "count" in statement.lower() and "household" in statement.lower():
            statements.append(statement)

    engine = db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/").status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    # two panels show zero-employment households: one grouped count serves both
    zero_counts = [s for s in statements if "group by household.area_code" in s.lower()]
    assert len(zero_counts) == 1, statements
    service.set_worker_status(people["zs"], "employed", "上岗", people["officer"])
    db.session.commit()
    assert household_counts(people["officer"])["zero"] == 0  # no stale memo outside requests


def test_certificate_typed_by_name_is_stored_as_its_code(db, factory):
    from app.registry.service import add_certificate

    worker = factory.worker()
    assert add_certificate(worker, "焊工证").kind == "so_welding"
    assert add_certificate(worker, "特种作业操作证（低压电工作业）").kind == "so_low_voltage"
    assert add_certificate(worker, "so_height").kind == "so_height"
    assert add_certificate(worker, "某某协会会员证").kind == "某某协会会员证"  # kept as typed
    # Common names satisfy requirements too (issue 14: they were kept as text).
    assert add_certificate(worker, "B2驾驶证").kind == "driver_b2"
    assert add_certificate(worker, "电工证").kind == "so_low_voltage"
    assert add_certificate(worker, "叉车证").kind == "se_forklift_n1"


def test_household_needs_a_head_and_a_place_and_a_mistake_can_be_deleted(client, login,
                                                                          people, db):
    login(people["officer"])
    resp = client.post("/registry/households/new", data={"area_code": "520526"})
    body = text_of(resp)
    assert resp.status_code == 422 and "请填写户主姓名" in body and "所在村" in body
    client.post("/registry/households/new", data={
        "area_code": "520526", "head_name": "孙七", "village": "龙街镇"})
    mistake = db.session.scalar(sa.select(Household).where(Household.head_name == "孙七"))
    ask = client.get(f"/registry/households/{mistake.id}/delete")
    assert ask.status_code == 200 and "审计" in text_of(ask)
    assert db.session.get(Household, mistake.id) is not None  # asking deletes nothing
    assert client.post(f"/registry/households/{mistake.id}/delete",
                       data={"confirm": "1"}).status_code == 302
    assert db.session.get(Household, mistake.id) is None
    assert actions(db, "household_delete")[0].detail["number"] == mistake.number
    # A household with members cannot be deleted.
    h1 = people["h1"]
    client.post(f"/registry/households/{h1.id}/delete", data={"confirm": "1"})
    assert db.session.get(Household, h1.id) is not None
