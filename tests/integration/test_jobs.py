"""Openings: validation, publishing, expiry, head-count, copy and close, the forms."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.employers import jobs as job_service
from app.employers.models import Job
from app.employers.service import today as china_today  # the app asks in China time
from app.errors_domain import ConflictError, DomainError
from tests.conftest import text_of
from tests.factories.employers import job_data, make_employer, make_job

TODAY = china_today()


@pytest.mark.parametrize("changes,field", [
    ({"wage_min": 7000, "wage_max": 5000}, "wage_max"),
    ({"wage_min": -1}, "wage_min"),
    ({"age_min": 50, "age_max": 30}, "age_max"),
    ({"age_min": 14}, "age_min"),
    ({"age_max": 90}, "age_max"),
    ({"headcount": 0}, "headcount"),
    ({"title": "  "}, "title"),
    ({"area_code": "999999"}, "area_code"),
    ({"kind": "public_welfare"}, "eligibility_county_code"),
    ({"kind": "work_relief", "eligibility_county_code": "440306"},
     "eligibility_county_code"),
    ({"occupation_code": "astronaut"}, "occupation_code"),
    ({"required_certificates": ["no_such_cert"]}, "required_certificates"),
    ({"required_skills": [{"code": "welder", "text": "焊工", "level": 9}]}, "required_skills"),
    ({"min_education": "phd"}, "min_education"),
    ({"contract_months": 0}, "contract_months"),
])
def test_invalid_openings_are_refused_naming_the_field(db, factory, changes, field):
    employer, user = make_employer(factory)
    with pytest.raises(DomainError) as exc:
        job_service.create_job(employer, job_data(**changes), user)
    assert exc.value.field == field


def test_public_welfare_post_with_a_guizhou_county(db, factory):
    employer, user = make_employer(factory, area_code="520526", name="威宁县乡村公益岗")
    job = job_service.create_job(employer, job_data(
        kind="public_welfare", eligibility_county_code="520526", area_code="520526",
        wage_min=1500, wage_max=1800), user)
    assert job.region == "guizhou" and job.eligibility_county_code == "520526"
    # a market job never keeps an eligibility county
    job_service.update_job(job, job_data(kind="market", eligibility_county_code="520526"),
                           user)
    assert job.eligibility_county_code is None


def test_database_refuses_what_the_service_would(db, factory):
    employer, user = make_employer(factory)
    job = make_job(employer, headcount=2)
    job.filled = 3
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_expired_opening_is_never_shown_as_open_before_any_sweep(client, db, factory):
    employer, user = make_employer(factory)
    job = make_job(employer, title="过期的岗位", closing_date=TODAY + timedelta(days=1))
    job.closing_date = TODAY - timedelta(days=1)  # time has passed; no sweep has run
    db.session.flush()
    assert job.status == "open" and not job.is_open_on(TODAY)
    assert job.status_on(TODAY) == "expired"
    assert db.session.scalar(sa.select(Job.id).where(Job.id == job.id,
                                                     Job.open_clause(TODAY))) is None
    assert "过期的岗位" not in text_of(client.get("/jobs"))
    detail = text_of(client.get(f"/jobs/{job.id}"))
    assert "不再接受报名" in detail
    # the sweep catches up, and running it twice changes nothing more
    assert job_service.expire_openings(TODAY) == 1
    assert job_service.expire_openings(TODAY) == 0
    assert db.session.get(Job, job.id).status == "expired"


def test_an_opening_closing_today_is_still_open(db, factory):
    employer, _ = make_employer(factory)
    job = make_job(employer, closing_date=TODAY)
    assert job.is_open_on(TODAY) and job_service.expire_openings(TODAY) == 0


def test_cannot_publish_past_its_closing_date(db, factory):
    employer, user = make_employer(factory)
    job = make_job(employer, publish=False)
    job.closing_date = TODAY - timedelta(days=2)
    with pytest.raises(DomainError) as exc:
        job_service.publish_job(job, user)
    assert exc.value.field == "closing_date"


def test_places_are_taken_up_to_the_head_count_and_no_further(db, factory):
    employer, _ = make_employer(factory)
    job = make_job(employer, headcount=2)
    job_service.take_place(job.id, TODAY)
    assert job.filled == 1 and job.status == "open" and job.remaining == 1
    job_service.take_place(job.id, TODAY)
    assert job.filled == 2 and job.status == "filled" and not job.is_open_on(TODAY)
    with pytest.raises(ConflictError) as exc:
        job_service.take_place(job.id, TODAY)
    assert exc.value.code == "headcount_full"
    assert db.session.get(Job, job.id).filled == 2


def test_no_place_is_taken_of_an_opening_closed_on_the_day(db, factory):
    employer, _ = make_employer(factory)
    job = make_job(employer, headcount=2)
    with pytest.raises(ConflictError):
        job_service.take_place(job.id, job.closing_date + timedelta(days=1))
    assert db.session.get(Job, job.id).filled == 0


def test_head_count_cannot_drop_below_filled(db, factory):
    employer, user = make_employer(factory)
    job = make_job(employer, headcount=5)
    for _ in range(3):
        job_service.take_place(job.id, TODAY)
    with pytest.raises(DomainError) as exc:
        job_service.update_job(job, job_data(headcount=2), user)
    assert exc.value.field == "headcount"


def test_copy_makes_a_fresh_draft_and_close_takes_it_off(db, factory):
    employer, user = make_employer(factory)
    job = make_job(employer, required_skills=[{"code": "welder", "text": "焊工", "level": 3}],
                   required_certificates=["so_welding"], occupation_code="welder")
    copy = job_service.copy_job(job, user)
    assert copy.id != job.id and copy.status == "draft" and copy.filled == 0
    assert copy.required_skills == job.required_skills and copy.closing_date is None
    assert "#welder#" in copy.search_text
    job_service.close_job(job, user)
    assert job.status == "closed" and not job.is_open_on(TODAY)
    assert job_service.publish_job(job, user).status == "open"  # reopened


def _form(**kw):
    data = {"title": "叉车司机", "occupation_code": "forklift_driver", "headcount": "3",
            "wage_basis": "month", "wage_min": "6000", "wage_max": "7500", "age_min": "20",
            "age_max": "50", "min_education": "junior", "area_code": "320500",
            "kind": "market", "required_skills": "叉车:2", "required_certificates":
            ["se_forklift_n1"], "housing": "y",
            "closing_date": (TODAY + timedelta(days=20)).isoformat()}
    data.update(kw)
    return data


def test_employer_posts_edits_and_sees_filled_and_remaining(client, db, factory, login):
    employer, user = make_employer(factory)
    login(user)
    resp = client.post(f"/employers/{employer.id}/jobs/new", data=_form(publish="1"))
    assert resp.status_code == 302
    job = db.session.scalar(sa.select(Job).where(Job.employer_id == employer.id))
    assert job.status == "open" and job.required_skills == [
        {"code": "forklift_driver", "text": "叉车", "level": 2}]
    assert job.required_certificates == ["se_forklift_n1"] and job.region == "yrd"
    job_service.take_place(job.id, TODAY)
    page = text_of(client.get("/employers/jobs"))
    assert "叉车司机" in page and "1 / 3" in page and "6,000–7,500 元/月" in page
    form = client.get(f"/employers/jobs/{job.id}/edit").get_data(as_text=True)
    assert 'value="叉车司机"' in form and "叉车司机:2" in form
    resp = client.post(f"/employers/jobs/{job.id}/edit", data=_form(title="叉车司机（夜班）"))
    assert resp.status_code == 302 and db.session.get(Job, job.id).title == "叉车司机（夜班）"


def test_job_form_keeps_input_and_names_the_broken_rule(client, db, factory, login):
    employer, user = make_employer(factory)
    login(user)
    resp = client.post(f"/employers/{employer.id}/jobs/new",
                       data=_form(title="仓库理货员", wage_min="8000", wage_max="5000"))
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "最低工资不能高于最高工资" in body and 'value="仓库理货员"' in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(
        Job.employer_id == employer.id)) == 0
    # a skill not in the list is kept as typed for an officer to classify, not refused
    resp = client.post(f"/employers/{employer.id}/jobs/new",
                       data=_form(required_skills="开飞船:3"))
    assert resp.status_code == 302
    job = db.session.scalar(sa.select(Job).where(Job.employer_id == employer.id))
    assert job.required_skills == [{"code": None, "text": "开飞船", "level": 3}]


def test_piece_rate_and_negotiable_wages_are_shown_as_such(client, db, factory):
    employer, _ = make_employer(factory)
    make_job(employer, title="计件缝纫工", piece_rate=True, wage_min=5000, wage_max=8000)
    make_job(employer, title="面议的岗位", wage_min=None, wage_max=None)
    page = text_of(client.get("/jobs"))
    assert "计件（月均 5,000–8,000 元）" in page and "面议" in page


def test_pending_employer_saving_and_publishing_keeps_the_draft(client, db, factory, login):
    employer, user = make_employer(factory, "pending")
    login(user)
    resp = client.post(f"/employers/{employer.id}/jobs/new", data=_form(publish="1"),
                       follow_redirects=True)
    assert "审核" in text_of(resp)
    job = db.session.scalar(sa.select(Job).where(Job.employer_id == employer.id))
    assert job.status == "draft"


def test_my_openings_filters_follow_the_shown_status(client, db, factory, login):
    employer, user = make_employer(factory)
    lapsed = make_job(employer, title="已过截止日期")
    lapsed.closing_date = TODAY - timedelta(days=3)
    make_job(employer, title="正在招聘")
    db.session.flush()
    login(user)
    expired = text_of(client.get("/employers/jobs?status=expired"))
    open_ = text_of(client.get("/employers/jobs?status=open"))
    assert "已过截止日期" in expired and "正在招聘" not in expired
    assert "正在招聘" in open_ and "已过截止日期" not in open_
    assert "已过期" in text_of(client.get("/employers/jobs"))
