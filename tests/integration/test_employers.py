"""Employers: credit codes, sign-up, region, verification, suspension, creation on behalf."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import AuditLog, User
from app.employers import service
from app.employers.jobs import create_job, publish_job
from app.employers.models import Employer
from app.errors_domain import ConflictError, DomainError
from tests.conftest import text_of
from tests.factories.employers import (
    credit_code,
    employer_data,
    job_data,
    make_employer,
    make_job,
)

# ---- credit codes -------------------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [
    ("91441900MA4UJ1XK3F", "91441900MA4UJ1XK3F"),
    (" 91441900ma4uj1xk3f ", "91441900MA4UJ1XK3F"),
    ("9144 1900 MA4U J1XK 3F", "91441900MA4UJ1XK3F"),
])
def test_valid_credit_codes_are_compacted(raw, expected):
    assert service.clean_credit_code(raw) == expected


@pytest.mark.parametrize("raw", ["91441900MA4UJ1XK3A", "91441900MA4UJ1XK3", "", "12345",
                                 "91441900MA4UJ1XK3FF", "9144190OMA4UJ1XK3F"])
def test_invalid_credit_codes_are_refused(raw):
    with pytest.raises(DomainError) as exc:
        service.clean_credit_code(raw)
    assert exc.value.field == "credit_code"


# ---- sign-up ------------------------------------------------------------------------------


def test_sign_up_creates_a_pending_employer_and_its_login(db):
    employer, user = service.sign_up(employer_data(), "shenzhen_hr", "good-pass-1")
    assert employer.status == "pending" and employer.region == "prd"
    assert (employer.province_code, employer.city_code, employer.county_code) == (
        "440000", "440300", "440306")
    assert user.role == "employer" and user.employer_id == employer.id
    assert db.session.scalar(sa.select(AuditLog.action).where(
        AuditLog.target_type == "Employer", AuditLog.target_id == str(employer.id))) \
        == "employer_signup"


@pytest.mark.parametrize("area,region,city", [
    ("310117", "yrd", "310000"),  # 上海 松江区: a district hangs off the municipality
    ("320500", "yrd", "320500"),  # 苏州
    ("441900", "prd", "441900"),  # 东莞 (no counties)
    ("520526", "guizhou", "520500"),  # 威宁
    ("440000", "other", None),  # Guangdong outside a PRD city
])
def test_region_is_derived_from_the_place(db, area, region, city):
    employer, _ = service.sign_up(employer_data(area_code=area), f"u{area}", "good-pass-1")
    assert employer.region == region and employer.city_code == city


def test_duplicate_credit_code_is_a_conflict(db):
    code = credit_code()
    service.sign_up(employer_data(credit_code=code), "first_co", "good-pass-1")
    with pytest.raises(ConflictError) as exc:
        service.sign_up(employer_data(credit_code=code), "second_co", "good-pass-1")
    assert exc.value.field == "credit_code"


def test_labour_cooperation_needs_a_guizhou_county(db):
    with pytest.raises(DomainError) as exc:
        service.sign_up(employer_data(labour_coop=True, coop_county_code="440306"), "x_co",
                        "good-pass-1")
    assert exc.value.field == "coop_county_code"
    employer, _ = service.sign_up(employer_data(labour_coop=True, coop_county_code="520526"),
                                  "y_co", "good-pass-1")
    assert employer.coop_county_code == "520526"


def test_bad_phone_is_refused(db):
    with pytest.raises(DomainError) as exc:
        service.sign_up(employer_data(contact_phone="12345"), "p_co", "good-pass-1")
    assert exc.value.field == "contact_phone"


def test_signup_page_registers_and_logs_in(client, db):
    assert client.get("/employers/signup").status_code == 200
    code = credit_code()
    resp = client.post("/employers/signup", data={
        "name": "苏州工业园区测试科技有限公司", "credit_code": code, "industry": "电子制造",
        "area_code": "320500", "address": "星湖街", "contact_name": "李经理",
        "contact_phone": "0512-66668888", "username": "sz_hr", "password": "good-pass-1",
        "confirm": "good-pass-1"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/employers/jobs")
    page = text_of(client.get("/employers/jobs"))
    assert "苏州工业园区测试科技有限公司" in page and "待审核" in page


def test_signup_form_keeps_input_and_shows_the_error(client, db):
    resp = client.post("/employers/signup", data={
        "name": "贵阳测试有限公司", "credit_code": "91520100ABCDEFGH1X", "industry": "餐饮",
        "area_code": "520115", "contact_name": "张", "contact_phone": "13800138000",
        "username": "gy_hr", "password": "good-pass-1", "confirm": "good-pass-1"})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "统一社会信用代码" in body and "不是有效的" in body
    assert 'value="贵阳测试有限公司"' in body and 'value="gy_hr"' in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer).where(
        Employer.name == "贵阳测试有限公司")) == 0


# ---- verification and suspension ----------------------------------------------------------


def test_pending_employer_prepares_but_cannot_publish(db, factory):
    employer, user = make_employer(factory, "pending")
    job = create_job(employer, job_data(), user)
    assert job.status == "draft"
    with pytest.raises(ConflictError):
        publish_job(job, user)
    officer = factory.user("officer")
    service.verify(employer, officer)
    assert employer.verified_by_id == officer.id and employer.verified_at
    assert publish_job(job, user).status == "open"


def test_officer_verifies_in_the_page_and_an_employer_may_not(client, db, factory, login):
    employer, user = make_employer(factory, "pending")
    login(user)
    assert client.post(f"/employers/{employer.id}/verify").status_code == 403
    client.post("/auth/logout")
    login(factory.user("officer", area_code="520526"))
    listing = text_of(client.get("/employers/?status=pending"))
    assert employer.name in listing
    resp = client.post(f"/employers/{employer.id}/verify")
    assert resp.status_code == 302
    assert db.session.get(Employer, employer.id).status == "verified"


def test_suspension_takes_openings_off_the_board_and_reinstating_returns_them(
        client, db, factory, login):
    employer, _ = make_employer(factory)
    job = make_job(employer, title="物流分拣员")
    assert "物流分拣员" in text_of(client.get("/jobs"))
    officer = login(factory.user("officer", area_code="520000"))
    resp = client.post(f"/employers/{employer.id}/suspend", data={"reason": ""})
    assert resp.status_code == 302 and db.session.get(Employer, employer.id).status == \
        "verified"  # a reason is required
    client.post(f"/employers/{employer.id}/suspend", data={"reason": "拖欠工资三个月"})
    employer = db.session.get(Employer, employer.id)
    assert employer.status == "suspended" and employer.status_reason == "拖欠工资三个月"
    assert job.status == "open"  # the opening itself is untouched ...
    assert "物流分拣员" not in text_of(client.get("/jobs"))  # ... but off the board
    assert client.get(f"/jobs/{job.id}").status_code == 404
    listed = db.session.scalars(service.listed_jobs()).all()
    assert job not in listed  # and out of what matching reads
    with pytest.raises(ConflictError):
        publish_job(make_job(employer, publish=False), officer)
    client.post(f"/employers/{employer.id}/reinstate")
    assert db.session.get(Employer, employer.id).status == "verified"
    assert "物流分拣员" in text_of(client.get("/jobs"))


def _on_behalf(code: str, **kw) -> dict:
    """The officer's form registering a tea co-operative, with a login for it."""
    return {"name": "湄潭县茶叶加工合作社", "credit_code": code, "industry": "茶叶加工",
            "area_code": "520328", "contact_name": "刘社长", "contact_phone": "13985000000",
            "username": "meitan_tea", "password": "good-pass-1", **kw}


def test_officer_creates_an_employer_on_its_behalf(client, db, factory, login):
    login(factory.user("officer", area_code="520000"))
    code = credit_code("91520100")
    resp = client.post("/employers/new", data=_on_behalf(code, verify_now="y"))
    assert resp.status_code == 302, text_of(resp)[:2000]
    employer = db.session.scalar(sa.select(Employer).where(Employer.credit_code == code))
    assert employer.status == "verified" and employer.region == "guizhou"
    assert employer.created_by_id is not None
    login_user = db.session.scalar(sa.select(User).where(User.username == "meitan_tea"))
    assert login_user.employer_id == employer.id
    page = text_of(client.get(f"/employers/{employer.id}"))
    assert "湄潭县茶叶加工合作社" in page and "已认证" in page


def test_a_login_made_for_an_employer_needs_an_initial_password(client, db, factory, login):
    login(factory.user("officer", area_code="520000"))
    code = credit_code("91520100")
    resp = client.post("/employers/new", data=_on_behalf(code, password=""))
    assert resp.status_code == 200 and "请为登录名设置初始密码" in text_of(resp)
    assert db.session.scalar(sa.select(Employer).where(Employer.credit_code == code)) is None


def test_renaming_an_employer_updates_its_openings_search_text(db, factory):
    employer, user = make_employer(factory)
    job = make_job(employer)
    service.update_employer(employer, employer_data(
        name="东莞新名字电子厂", credit_code=employer.credit_code), factory.user("officer"))
    assert "东莞新名字电子厂" in job.search_text


def test_dashboard_panels(client, db, factory, login):
    employer, user = make_employer(factory)
    make_job(employer, headcount=7)
    make_job(employer, publish=False)
    login(user)
    page = text_of(client.get("/"))
    assert "我的岗位" in page and "7" in page
    client.post("/auth/logout")
    make_employer(factory, "pending")
    login(factory.user("officer", area_code="520000"))
    page = text_of(client.get("/"))
    assert "待审核" in page and "用人单位与岗位" in page


def test_a_verified_employer_renaming_itself_is_verified_again(db, factory, client, login):
    employer, user = make_employer(factory)
    job = make_job(employer)
    login(user)
    assert f"/jobs/{job.id}\"" in client.get("/jobs").get_data(as_text=True)  # on the board
    service.update_employer(employer, employer_data(
        name="中国石化东莞分公司", credit_code=employer.credit_code), user)
    assert employer.status == "pending" and "重新审核" in employer.status_reason
    assert db.session.scalar(sa.select(AuditLog).where(
        AuditLog.action == "employer_reverify", AuditLog.target_id == str(employer.id)))
    client.post("/auth/logout")
    assert f"/jobs/{job.id}\"" not in client.get("/jobs").get_data(as_text=True)

    # An officer's correction of the name keeps the verification.
    other, _user = make_employer(factory)
    service.update_employer(other, employer_data(
        name="东莞更正名称电子厂", credit_code=other.credit_code), factory.user("officer"))
    assert other.status == "verified"
