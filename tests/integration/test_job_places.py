"""Places of openings on the national map (issue 14): the rows of a real partner list that were
refused or misplaced, the place detail below the resolved area (kept apart from the
description, shown and searchable on the board), 异地招聘 as a place to be confirmed, and the
API's written place."""
from __future__ import annotations

import pytest

from app.employers.importer import JobsImporter
from app.employers.models import Employer
from app.extensions import db
from app.imports.base import RowErrors
from app.imports.models import ImportRun
from tests.conftest import text_of
from tests.factories.employers import make_employer, make_job
from tests.support.api import error_of, ok
from tests.support.board import listed_titles


@pytest.fixture
def importer(app, db, factory):
    employer, _ = make_employer(factory, name="劳务协作站")
    importer = JobsImporter()
    importer.begin(ImportRun(kind="jobs", filename="partner.xlsx", employer_id=employer.id,
                             options={}))
    return importer


def row(place: str, **more) -> dict:
    return {"title": "普工", "headcount": "10", "wage": "5000-6000元/月", "place": place, **more}


@pytest.mark.parametrize(("place", "code", "region"), [
    ("武汉", "420100", "other"), ("成都", "510100", "other"), ("西安", "610100", "other"),
    ("厦门", "350200", "other"),
    ("北京", "110000", "other"),  # not the catch-all 990000
    ("福州-台江区", "350103", "other"),  # not 台江县 in Guizhou
    ("海口-龙华区", "460106", "other"),  # not 深圳龙华区
    ("唐山-开平区", "130205", "other"),  # not 江门开平市
    ("宜宾-长宁县", "511524", "other"),  # not 上海长宁区
    ("昆山", "320583", "yrd"), ("义乌", "330782", "yrd"), ("常熟", "320581", "yrd"),
    ("张家港", "320582", "yrd"),
    ("苏州-昆山", "320583", "yrd"),  # 昆山 is no longer lost
])
def test_partner_rows_land_in_the_right_place(importer, place, code, region):
    data = importer.validate(row(place), 2)
    assert not isinstance(data, RowErrors), data
    data = data.data  # the sheet row's opening
    assert data.area_code == code
    job = make_job(importer_employer(importer), area_code=data.area_code, publish=False)
    assert job.region == region


def importer_employer(importer):
    return db.session.get(Employer, importer.employer_id)


def test_the_town_is_kept_apart_from_the_description(importer, db):
    sheet_row = importer.validate(row("东莞市长安镇", description="要求吃苦耐劳，两班倒"), 2)
    data = sheet_row.data
    assert (data.area_code, data.place_detail) == ("441900", "长安镇")
    assert data.description == "要求吃苦耐劳，两班倒"
    result = importer.apply([(2, sheet_row)])
    assert result.added == 1


def test_recruiting_elsewhere_is_imported_with_the_place_to_be_confirmed(importer, client):
    for text in ("异地招聘", "全国"):
        data = importer.validate(row(text), 2)
        assert not isinstance(data, RowErrors), text
        data = data.data  # the sheet row's opening
        assert data.area_code is None and data.place_to_confirm
    job = make_job(importer_employer(importer), area_code=None, place_to_confirm=True,
                   title="全国招聘普工")
    assert (job.province_code, job.city_code, job.county_code) == (None, None, None)
    assert "工作地点待定" in text_of(client.get(f"/jobs/{job.id}"))


def test_an_ambiguous_district_is_reported_with_its_candidates(importer):
    errors = importer.validate(row("龙华区"), 2)
    assert isinstance(errors, RowErrors)
    (error,) = errors.errors
    assert error.column == "place"
    assert "广东省深圳市龙华区" in str(error.reason) and "海南省海口市龙华区" in str(error.reason)


def test_the_board_shows_and_finds_the_town(client, db, factory):
    employer, _ = make_employer(factory, name="东莞精密五金厂")
    job = make_job(employer, title="CNC操作工", area_code="441900", place_detail="长安镇",
                   wage_min=6000, wage_max=8000)
    make_job(employer, title="注塑工", area_code="441900", place_detail="虎门镇",
             wage_min=5000, wage_max=6000)
    resp = client.get("/jobs?q=长安镇")
    assert listed_titles(resp) == ["CNC操作工"]
    assert "东莞市 长安镇" in text_of(resp)
    assert "长安镇" in text_of(client.get(f"/jobs/{job.id}"))


def test_the_api_takes_a_written_place(api, db, factory):
    employer, _ = make_employer(factory)
    caller = api.as_(factory.user("officer", area_code="520000"))
    body = ok(caller.post("/jobs", {"title": "电子厂普工", "employer_id": employer.id,
                                     "place": "东莞市长安镇沙头工业区"}), 201)
    assert (body["city_code"], body["place_detail"]) == ("441900", "长安镇沙头工业区")
    error = error_of(caller.post("/jobs", {"title": "电子厂普工", "employer_id": employer.id,
                                           "place": "龙华区"}), 422)
    assert "海南省海口市龙华区" in error["message"] and "place" in error["fields"]
