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
from tests.conftest import text_of
from tests.factories.employers import credit_code, employer_data, job_data, make_employer


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
