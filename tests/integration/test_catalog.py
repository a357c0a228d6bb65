"""flask catalog load: validation of each kind of broken file, all-or-nothing, idempotence,
pending order links."""
from __future__ import annotations

import re
import tomllib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.employers.models import Employer
from app.skills.taxonomy import default_taxonomy
from app.training.catalog import (
    COURSES_FILE,
    CatalogError,
    load_catalog,
    resolve_order_links,
    validate_courses,
)
from app.training.models import Course, CourseSession
from app.training.service import enrol

GOOD = """
[[course]]
code = "T-ELEC-01"
name = "低压电工"
name_en = "Low-voltage electrician"
mode = "order"
skills = ["electrician"]
certificate = "so_low_voltage"
provider = "测试学校"
county = "520526"
days = 10
hours = 80
cost = 2000
subsidy = 1800
age_min = 18
age_max = 50
min_education = "junior"
categories = []
[course.order]
employer_credit_code = "{credit}"
employer_name = "测试企业"
job_title = "电工"
committed_hires = 5
wage_min = 5000
wage_max = 6500
[[course.session]]
start = 2027-01-11
end = 2027-01-22
places = 20
"""
CREDIT = "91441900MA4UJ1XK3F"


def write(tmp_path, text: str):
    path = tmp_path / "courses.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_catalogue_is_valid_and_large_enough():
    with COURSES_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    assert validate_courses(data, default_taxonomy()) == []
    courses = data["course"]
    assert len(courses) >= 30
    modes = {c["mode"] for c in courses}
    assert modes == {"order", "directed", "general"}
    names = "".join(c["name"] for c in courses)
    for word in ("电工", "焊", "家政", "母婴", "育婴", "养老", "烹调", "面点", "叉车", "电子装配",
                 "电子商务", "直播", "茶", "辣椒", "刺梨", "中药材", "食用菌", "养殖", "民宿"):
        assert word in names, word


@pytest.mark.parametrize("change, field, reason", [
    (lambda t: t.replace('skills = ["electrician"]', 'skills = ["electricain"]'),
     "skills", "unknown skill"),
    (lambda t: t.replace('"so_low_voltage"', '"so_low_volt"'), "certificate",
     "unknown certificate"),
    (lambda t: t.replace('mode = "order"', 'mode = "weekend"'), "mode", "must be order"),
    (lambda t: t.replace('county = "520526"', 'county = "999999"'), "county", "unknown"),
    (lambda t: t.replace("days = 10", 'days = "ten"'), "days", "whole number"),
    (lambda t: t.replace("subsidy = 1800", "subsidy = 2500"), "subsidy", "exceed"),
    (lambda t: t.replace("age_max = 50", "age_max = 17"), "age_max", "below"),
    (lambda t: t.replace('"junior"', '"phd"'), "min_education", "unknown education"),
    (lambda t: t.replace(CREDIT, "91441900MA4UJ1XK3X"), "order.employer_credit_code",
     "not a valid"),
    (lambda t: t.replace("committed_hires = 5\n", ""), "committed_hires", "missing"),
    (lambda t: t.replace("end = 2027-01-22", "end = 2027-01-05"), "session[1].end",
     "ends before"),
    (lambda t: t.replace("end = 2027-01-22", "end = 2027-01-15"), "session[1].end",
     "shorter"),
    (lambda t: t + "[[course.session]]\nstart = 2027-01-20\nend = 2027-01-31\nplaces = 5\n",
     "session[2]", "overlaps"),
    (lambda t: t.replace("hours = 80", "hours = 80\ncolour = 'red'"), "colour",
     "unknown field"),
    (lambda t: t + t.split("[[course.session]]")[0], "code", "duplicate"),
])
def test_each_kind_of_problem_is_reported(db, tmp_path, change, field, reason):
    path = write(tmp_path, change(GOOD.format(credit=CREDIT)))
    with pytest.raises(CatalogError) as exc:
        load_catalog(path)
    assert any(p.field == field and reason in p.reason and p.file == "courses.toml"
               for p in exc.value.problems), exc.value.problems
    assert db.session.scalar(sa.select(sa.func.count(Course.id))) == 0  # nothing loaded


def test_broken_toml_and_missing_file(db, tmp_path):
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_catalog(write(tmp_path, "[[course]\ncode = 1"))
    with pytest.raises(CatalogError, match="file not found"):
        load_catalog(tmp_path / "nope.toml")


def test_one_bad_course_loads_nothing(db, tmp_path):
    good = GOOD.format(credit=CREDIT)
    second = good.replace("T-ELEC-01", "T-ELEC-02").replace('["electrician"]', '["nope"]')
    with pytest.raises(CatalogError):
        load_catalog(write(tmp_path, good + second))
    assert db.session.scalar(sa.select(sa.func.count(Course.id))) == 0


def test_reload_is_idempotent_and_reports_changes(db, tmp_path, runner):
    path = write(tmp_path, GOOD.format(credit=CREDIT))
    first = load_catalog(path)
    assert first.added == ["T-ELEC-01"] and first.pending == ["T-ELEC-01"]
    again = load_catalog(path)
    assert (again.added, again.changed, again.unchanged) == ([], [], ["T-ELEC-01"])
    assert db.session.scalar(sa.select(sa.func.count(CourseSession.id))) == 1
    write(tmp_path, GOOD.format(credit=CREDIT).replace("places = 20", "places = 25"))
    changed = load_catalog(path)
    assert changed.changed == ["T-ELEC-01"]
    result = runner.invoke(args=["catalog", "load", "--file", str(path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"0 added, 0 changed, 1 unchanged", result.output)
    assert "pending" in result.output


def test_cli_reports_problems_and_fails(db, tmp_path, runner):
    path = write(tmp_path, GOOD.format(credit=CREDIT).replace('"electrician"', '"elec"'))
    result = runner.invoke(args=["catalog", "load", "--file", str(path)])
    assert result.exit_code != 0
    assert "courses.toml: [T-ELEC-01] skills: unknown skill 'elec'" in result.output


def test_shipped_catalogue_loads_from_the_cli(db, runner):
    result = runner.invoke(args=["catalog", "load"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count(Course.id))) >= 30


def test_order_link_pending_until_employer_and_opening_exist(db, tmp_path, factory):
    path = write(tmp_path, GOOD.format(credit=CREDIT))
    with pytest.raises(CatalogError) as exc:
        load_catalog(path, strict_links=True)
    assert any("unknown employer" in p.reason for p in exc.value.problems)
    load_catalog(path)
    course = db.session.scalar(sa.select(Course).where(Course.code == "T-ELEC-01"))
    assert course.link_pending

    employer = Employer(name="测试企业", credit_code=CREDIT, region="prd", status="verified")
    db.session.add(employer)
    db.session.flush()
    linked, pending = resolve_order_links()
    assert linked == [] and pending == ["T-ELEC-01"]  # employer known, opening not yet
    assert course.employer_id == employer.id and course.job_id is None
    job = factory.job(employer, title="电工")
    linked, pending = resolve_order_links()
    assert linked == ["T-ELEC-01"] and pending == []
    assert course.job_id == job.id and not course.link_pending
    assert load_catalog(path, strict_links=True).unchanged == ["T-ELEC-01"]


def test_removed_session_with_people_is_a_problem(db, tmp_path, factory):

    text = GOOD.format(credit=CREDIT).replace("2027-01-11", str(clock.today() + timedelta(5)))
    text = text.replace("2027-01-22", str(clock.today() + timedelta(20)))
    path = write(tmp_path, text)
    load_catalog(path)
    session = db.session.scalar(sa.select(CourseSession))
    enrol(factory.worker(education="senior"), session, by=None)
    moved = text.replace(str(clock.today() + timedelta(5)), str(clock.today() + timedelta(6)))
    with pytest.raises(CatalogError) as exc:
        load_catalog(write(tmp_path, moved))
    assert any("enrolled" in p.reason for p in exc.value.problems)
    assert db.session.scalar(sa.select(sa.func.count(CourseSession.id))) == 1
