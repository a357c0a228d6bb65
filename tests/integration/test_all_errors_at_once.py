"""Every form shows every problem after one submit: the form's own checks and the
service's rules together, listed in a summary at the top of the page (issue 15)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.employers import jobs, service
from app.employers.models import Employer, Job
from app.employers.skill_picker import suggest_skills
from app.errors_domain import DomainError, FieldErrors, Problems
from app.placements.followup_models import FollowUp
from app.placements.outcomes import Outcome, record_outcome
from app.registry import service as service_registry
from app.registry.models import Household, Worker
from tests.conftest import text_of
from tests.factories.employers import credit_code, employer_data, job_data, make_employer
from tests.factories.placements import place


def test_problems_raise_the_single_error_itself_or_all_together():
    one = Problems()
    with one.check():
        raise DomainError("a", field="x", code="kept", status=409)
    with pytest.raises(DomainError) as exc:
        one.raise_any()
    assert exc.value.code == "kept" and exc.value.status == 409
    many = Problems()
    for name in ("x", "y", "x"):
        with many.check():
            raise DomainError(f"bad {name}", field=name)
    with pytest.raises(FieldErrors) as exc:
        many.raise_any()
    assert exc.value.messages() == {"x": "bad x", "y": "bad y"}
    Problems().raise_any()  # nothing recorded: nothing raised


def test_sign_up_refuses_with_every_problem_of_the_company_and_login(db, factory):
    factory.user("employer", username="taken_name")
    with pytest.raises(DomainError) as exc:
        service.sign_up(employer_data(credit_code="12345", contact_phone="123",
                                      area_code="999999"), "taken_name", "short")
    assert set(exc.value.messages()) == {"credit_code", "contact_phone", "area_code",
                                          "username", "password"}


def test_signup_page_shows_every_error_after_one_submit(client, db, factory):
    factory.user("employer", username="taken_hr")
    resp = client.post("/employers/signup", data={
        "name": "", "credit_code": "91520100ABCDEFGH1X", "industry": "餐饮",
        "area_code": "520115", "contact_name": "张", "contact_phone": "12345",
        "username": "taken_hr", "password": "good-pass-1", "confirm": "other-pass-1"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    summary = html[html.index('id="form-summary"'):html.index("</ul>", html.index(
        'id="form-summary"'))]
    # the form's checks (name, repeat password) and the rules (code, phone, username)
    for text in ("单位名称", "不是有效的统一社会信用代码", "手机号", "已被占用",
                 "两次输入的密码不一致"):
        assert text in summary, text
    assert 'href="#credit_code"' in summary
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 0


def test_signup_still_registers_when_all_is_well(client, db):
    resp = client.post("/employers/signup", data={
        "name": "六盘水测试有限公司", "credit_code": credit_code(), "industry": "餐饮",
        "area_code": "520200", "contact_name": "张经理", "contact_phone": "13800138000",
        "username": "lps_hr", "password": "good-pass-1", "confirm": "good-pass-1"})
    assert resp.status_code == 302


def test_job_rules_are_checked_together(db):
    with pytest.raises(FieldErrors) as exc:
        jobs.validate(job_data(title="", wage_min=-5, age_min=3, contract_months=500))
    assert {"title", "wage_min", "age_min", "contract_months"} <= set(exc.value.messages())


def test_a_closing_date_before_the_start_is_the_usual_case(db, factory):
    employer, user = make_employer(factory)
    start = clock.today() + timedelta(days=40)
    job = jobs.create_job(employer, job_data(start_date=start,
                                             closing_date=start - timedelta(days=10)), user)
    assert job.closing_date < job.start_date
    late = job_data(start_date=start, closing_date=start + timedelta(days=5))
    assert jobs.date_notes(late) and not jobs.date_notes(job_data(start_date=start))


def test_job_form_shows_every_error_at_once_and_keeps_unknown_skills(client, db, factory,
                                                                     login):
    employer, user = make_employer(factory)
    login(user)
    url = f"/employers/{employer.id}/jobs/new"
    base = {"title": "", "occupation_code": "", "required_skills": "焊工:2, 古琴斫制",
            "headcount": "5", "wage_basis": "month", "wage_min": "9000", "wage_max": "5000",
            "age_min": "18", "age_max": "abc", "min_education": "none", "area_code": "",
            "kind": "market"}
    resp = client.post(url, data=base)
    body = text_of(resp)
    assert resp.status_code == 200
    summary = body[body.index("4"):body.index("新建岗位", body.index("4"))]
    for text in ("岗位名称", "最低工资不能高于最高工资", "最高年龄", "工作地"):
        assert text in summary, text
    assert "古琴斫制" in resp.get_data(as_text=True)  # what was typed is kept
    resp = client.post(url, data={**base, "title": "焊工", "wage_min": "5000",
                                  "wage_max": "9000", "age_max": "50", "area_code": "441900"})
    assert resp.status_code == 302
    job = db.session.scalar(sa.select(Job).where(Job.employer_id == employer.id))
    assert {"code": None, "text": "古琴斫制", "level": 1} in job.required_skills
    assert job.unlisted_skills == ["古琴斫制"]


def test_the_skill_picker_suggests_names_aliases_and_pinyin(client, db, factory, login):

    assert suggest_skills("焊")[0].label == "焊工"
    assert "焊工" in [s.label for s in suggest_skills("hangong")]
    assert "电工" in [s.label for s in suggest_skills("dian")]
    assert suggest_skills("") == [] and suggest_skills("古琴斫制") == []
    assert client.get("/employers/skills/suggest?q=han").status_code in (302, 401, 403)
    employer, user = make_employer(factory)
    login(user)
    items = client.get("/employers/skills/suggest?q=hangong").get_json()["items"]
    assert items and items[0]["code"] == "welder"
    assert len(client.get("/employers/skills/suggest?q=工").get_json()["items"]) <= 8


def test_a_refused_form_keeps_the_place_chosen(client, db):
    html = client.post("/employers/signup", data={
        "name": "", "credit_code": "x", "industry": "餐饮", "area_code": "520115",
        "contact_name": "张", "contact_phone": "1", "username": "place_hr",
        "password": "good-pass-1", "confirm": "good-pass-1"}).get_data(as_text=True)
    assert '<option value="520115" selected>' in html and "&lt;option" not in html


# ---- the register and the follow-ups: the service's rules on the same submit -------------

def _summary(resp) -> str:
    """The summary at the top of the page (its list of problems), as HTML."""
    html = resp.get_data(as_text=True)
    start = html.index('id="form-summary"')
    return html[start:html.index("</ul>", start)]


def _worker_form(**over):
    data = {"name": "张三", "id_number": "", "phone": "13885001234", "household_number": "",
            "area_code": "520526", "category": "relocated", "education": "junior",
            "skills_text": "电焊", "min_wage": "4000", "available_from": "",
            "health_notes": "", "status": "seeking"}
    return {**data, **over}


def test_a_new_worker_refused_by_the_form_and_the_register_at_once(client, db, factory,
                                                                   login_as):
    login_as("officer", area_code="520526")
    holder = factory.worker(name="李已登")
    before = db.session.scalar(sa.select(sa.func.count(Worker.id)))
    resp = client.post("/registry/workers/new", data=_worker_form(
        name="", id_number=holder.id_number, phone="12345678901", min_wage="abc",
        household_number="NO-SUCH-1"))
    assert resp.status_code == 422
    summary = _summary(resp)
    # the form's checks (name, phone, wage) and the register's (ID number already
    # registered, no such household) after the one submit
    for anchor in ("#name", "#id_number", "#phone", "#min_wage", "#household_number"):
        assert f'href="{anchor}"' in summary, anchor
    assert "该身份证号已登记。" in summary and "您的辖区内没有这个户编号" in summary
    # the registered holder is still named, with a link to their page
    assert f'/registry/workers/{holder.id}"' in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Worker.id))) == before


def test_an_edit_refused_by_the_form_and_the_register_at_once(client, db, factory, login_as):
    login_as("officer", area_code="520526")
    holder, worker = factory.worker(), factory.worker(name="王改")
    resp = client.post(f"/registry/workers/{worker.id}/edit", data=_worker_form(
        name="王改", id_number=holder.id_number, min_wage="-3", available_from="2025-13-40"))
    assert resp.status_code == 422
    summary = _summary(resp)
    for anchor in ("#id_number", "#min_wage", "#available_from"):
        assert f'href="{anchor}"' in summary, anchor
    db.session.refresh(worker)
    assert worker.id_number != holder.id_number and worker.min_wage is None


def test_the_register_judges_every_rule_on_one_call(db, factory):
    officer = factory.user("officer", area_code="520526")
    holder = factory.worker()
    with pytest.raises(FieldErrors) as exc:
        service_registry.create_worker({"name": "赵", "id_number": holder.id_number,
                                        "phone": "123", "area_code": "520526",
                                        "status": "retired"}, officer)
    assert set(exc.value.messages()) == {"id_number", "phone", "status"}
    assert exc.value.status == 422  # invalid data, as before (the API's answer)
    assert any(isinstance(e, service_registry.DuplicateIdNumber) for e in exc.value.refusals)
    with pytest.raises(service_registry.DuplicateIdNumber):  # alone: the error itself
        service_registry.create_worker({"name": "赵", "id_number": holder.id_number,
                                        "area_code": "520526"}, officer)


def test_a_household_refused_by_the_form_and_the_register_at_once(client, db, factory,
                                                                  login_as):
    login_as("officer", area_code="520526")
    taken = Household(number="520526-H-TAKEN", area_code="520526", head_name="陈", village="团结村")
    db.session.add(taken)
    db.session.flush()
    resp = client.post("/registry/households/new", data={
        "number": "520526-H-TAKEN", "site_id": "", "area_code": "520526", "village": "",
        "head_name": "", "per_capita_income": "lots", "risk_causes": ["illness"]})
    assert resp.status_code == 422
    summary = _summary(resp)
    # the form's check (income) and the register's (number taken, head, village, causes
    # of an unmonitored household)
    for anchor in ("#per_capita_income", "#number", "#head_name", "#village", "#monitored"):
        assert f'href="{anchor}"' in summary, anchor
    assert "该户编号已登记。" in summary
    assert db.session.scalar(sa.select(sa.func.count(Household.id))) == 1


def test_an_outcome_refused_by_the_form_and_the_rules_at_once(client, db, factory, login_as):
    officer = login_as("officer", area_code="520526")
    placement = place(factory, officer=officer, start=clock.today() - timedelta(days=8))
    fu = db.session.scalars(sa.select(FollowUp).where(
        FollowUp.placement_id == placement.id).order_by(FollowUp.due_date)).first()
    resp = client.post(f"/followups/{fu.id}", data={
        "method": "visit", "reached": "yes", "employment": "left", "current_wage": "abc",
        "note": "下周再联系"})
    assert resp.status_code == 200
    summary = _summary(resp)
    # the form's check (the wage) and the rules of a worker who left (date, reason)
    for anchor in ("#current_wage", "#left_date", "#left_reason"):
        assert f'href="{anchor}"' in summary, anchor
    assert "请填写离职日期。" in summary and "请填写离职原因。" in summary
    assert "下周再联系" in resp.get_data(as_text=True)
    db.session.refresh(fu)
    assert fu.is_open and not fu.attempts


def test_outcome_rules_are_judged_together(db, factory):
    officer = factory.user("officer", area_code="520526")
    placement = place(factory, officer=officer, start=clock.today() - timedelta(days=8))
    fu = db.session.scalars(sa.select(FollowUp).where(
        FollowUp.placement_id == placement.id)).first()
    with pytest.raises(FieldErrors) as exc:
        record_outcome(fu, Outcome(method="pigeon", reached=True, employment="changed",
                                   new_wage=-1, satisfaction=9), by=officer)
    assert set(exc.value.messages()) == {"method", "new_wage", "satisfaction",
                                          "new_employer_name", "left_date"}
