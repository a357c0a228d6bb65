"""One rule per field: the worker form, the API and the roster import judge a worker's
fields by the same function (registry.validation.check_worker_fields)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.clock import today, utcnow
from app.imports.base import NOTES_KEY
from app.imports.models import ImportRun
from app.registry.demo import demo_id_number
from app.registry.forms import WorkerForm
from app.registry.models import Worker
from app.registry.roster import RosterImporter
from app.registry.service import WORKER_COLUMNS, new_worker_values
from app.registry.validation import check_worker_fields
from tests.support.api import error_of, ok

GOOD_ID = demo_id_number("520526", date(1990, 5, 17), 7, "M")
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")  # wrong check digit
CHILD_ID = demo_id_number("520526", date(today().year - 10, 1, 1), 8, "F")

CASES = {
    "bad ID and phone": {"id_number": BAD_ID, "phone": "12345678901"},
    "under working age": {"id_number": CHILD_ID},
    "wage out of range": {"min_wage": 200000},
}
JUDGED = ("name", "id_number", "phone", "min_wage")


def _base(**over):
    return {"name": "张三", "id_number": GOOD_ID, "phone": "13885001234", **over}


def _form_problems(app, values: dict) -> dict[str, str]:
    data = MultiDict({"area_code": "520526", "category": "general", "education": "junior",
                      "status": "seeking", **{k: str(v) for k, v in values.items()}})
    with app.test_request_context(method="POST", data=data):
        form = WorkerForm(meta={"csrf": False})
        form.area_code.choices = [("520526", "威宁")]
        form.validate()
        return {f: str(form[f].errors[0]) for f in JUDGED if form[f].errors}


def _api_problems(api, officer, values: dict) -> dict[str, str]:
    err = error_of(api.as_(officer).post("/workers", {"area_code": "520526", **values}), 422)
    return {f: m[0] for f, m in err["fields"].items() if f in JUDGED}


def _roster(officer, values: dict) -> tuple[dict, dict[str, str]]:
    importer = RosterImporter()
    importer.begin(ImportRun(created_by_id=officer.id))
    row = {"county": "威宁县", **values}
    result = importer.validate(row, 2)
    if isinstance(result, dict):
        # A kept row reports its bad optional cells (left empty) as notes: the same problems.
        notes = result.pop(NOTES_KEY, None)
        return result, {e.column: e.reason for e in (notes.errors if notes else [])
                        if e.column in JUDGED}
    return {}, {e.column: e.reason for e in result.errors if e.column in JUDGED}


@pytest.mark.parametrize("case", CASES)
def test_same_input_same_problems_from_form_api_and_roster(app, db, factory, api, case):
    officer = factory.user("officer", area_code="520526")
    values = _base(**CASES[case])
    with app.test_request_context():  # the messages in the default language (Chinese)
        expected = {f: str(m) for f, m in check_worker_fields(values, partial=True)
                    .problems.items()}
    assert expected  # each case breaks a rule
    assert _form_problems(app, values) == expected
    assert _api_problems(api, officer, values) == expected
    assert _roster(officer, values)[1] == expected


def test_care_duties_mean_local_work_by_every_path(app, client, login, db, factory, api):
    officer = factory.user("officer", area_code="520526")
    check = check_worker_fields(_base(care_duties=True, regions_acceptable=["prd"]),
                                partial=True)
    assert check.values["regions_acceptable"] == ["local"]
    assert [(n.field, n.given, n.kept) for n in check.notes] == [
        ("regions_acceptable", ["prd"], ["local"])]  # reported, for the import report (#15)

    rec, problems = _roster(officer, _base(care_duties="是", regions_acceptable="珠三角"))
    assert problems == {} and rec["regions_acceptable"] == ["local"]

    created = ok(api.as_(officer).post("/workers", {
        "area_code": "520526", **_base(id_number=demo_id_number(
            "520526", date(1991, 1, 1), 9, "M"), phone="13885001235"),
        "care_duties": True, "regions_acceptable": ["prd"]}), 201)
    assert created["regions_acceptable"] == ["local"]

    login(officer)
    number = demo_id_number("520526", date(1992, 1, 1), 10, "F")
    resp = client.post("/registry/workers/new", data={
        "name": "李四", "id_number": number, "phone": "13885001236", "household_number": "",
        "area_code": "520526", "category": "general", "education": "junior",
        "regions_acceptable": ["prd"], "care_duties": "y", "status": "seeking"})
    assert resp.status_code == 302
    worker = db.session.scalar(sa.select(Worker).where(Worker.id_number == number))
    assert worker.regions_acceptable == ["local"]


def test_a_worker_gets_the_same_fields_from_the_form_and_the_import(app, db, factory):
    """The roster's bulk insert and the service build a new worker with one function."""
    values = check_worker_fields(_base(), partial=False).values
    built = new_worker_values({**values, "area_code": "520526"}, status="seeking",
                              at=utcnow())
    columns = {c.name for c in Worker.__table__.columns} - {"id", "merged_into_id"}
    assert set(built) == columns  # every column a new worker has, whichever path made it
    assert set(WORKER_COLUMNS) <= set(built)
    assert built["regions_acceptable"] == [] and built["category"] == "general"
