"""The public opening page: a real contact (the responsible office's phone and address), no
internal codes, 不限 for no schooling, and "ask an officer to call me" into the to-do list."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import Area
from app.todo.models import Todo
from tests.conftest import text_of


def _offices(db):
    db.session.get(Area, "520526").office_phone = "0857-6222 0000"
    db.session.get(Area, "520526").office_address = "威宁县五里岗街道"
    db.session.get(Area, "520000").office_phone = "0851-8555 0000"
    db.session.flush()


def test_opening_names_the_responsible_office_and_says_any_education(client, db, factory):
    _offices(db)
    coop = factory.employer(coop_county_code="520526", labour_coop=True)
    job = factory.job(employer=coop, min_education="none")
    body = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'href="tel:0857-62220000"' in body.replace(" ", "") or "tel:08576222" in body
    assert "威宁县五里岗街道" in body
    text = text_of(client.get(f"/jobs/{job.id}"))
    assert "不限" in text and "未上学" not in text
    # An opening whose county has no phone on record: the province's office.
    other = factory.job(employer=factory.employer())
    assert "0851-8555 0000" in client.get(f"/jobs/{other.id}").get_data(as_text=True)


def test_call_me_puts_the_phone_in_the_county_officers_queue(client, db, factory, login_as):
    _offices(db)
    job = factory.job(employer=factory.employer(coop_county_code="520526", labour_coop=True))
    resp = client.post(f"/jobs/{job.id}/call-me", data={"name": "王芳", "phone": "1388500"})
    assert resp.status_code == 422 and "is-invalid" in resp.get_data(as_text=True)
    resp = client.post(f"/jobs/{job.id}/call-me", data={"name": "王芳", "phone": "13885001234"})
    assert resp.status_code == 302
    item = db.session.scalar(sa.select(Todo))
    assert (item.kind, item.area_code, item.contact_phone) == ("callback", "520526",
                                                               "13885001234")
    # Asking again the same day changes nothing; too many asks are refused, never a 500.
    client.post(f"/jobs/{job.id}/call-me", data={"phone": "13885001234"})
    assert db.session.scalar(sa.select(sa.func.count(Todo.id))) == 1
    for n in range(6):
        last = client.post(f"/jobs/{job.id}/call-me", data={"phone": f"1388500{n:04d}"})
    assert last.status_code == 422
    login_as("officer", area_code="520526")
    assert "13885001234" in text_of(client.get("/todo/"))
