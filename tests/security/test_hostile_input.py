"""Input no field can hold is refused with a clear 4xx, never a server error (both databases)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from stdnum.cn import uscc

from app.auth.tokens import issue_token
from app.auth.tokens import issue_token as issue
from app.registry.models import Worker


@pytest.fixture
def bearer(factory, db):
    plain, _token = issue_token(factory.user("officer", area_code="520500"))
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize("path", [
    "/jobs?q=%E7%84%8A%00%E5%B7%A5",  # the public board's search
    "/jobs?region=%00",
    "/registry/workers?q=%00",
    "/jobs/1%00",
])
def test_a_nul_byte_in_a_search_or_path_is_a_422(client, login, factory, path):
    login(factory.user("officer", area_code="520500"))
    response = client.get(path)
    assert response.status_code in (422, 404)
    if response.status_code == 422:
        assert "空字符" in response.get_data(as_text=True)


def test_a_nul_byte_in_an_api_query_or_body_is_a_json_422(client, bearer):
    response = client.get("/api/v1/workers?q=a%00b", headers=bearer)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unreadable_input"
    response = client.post("/api/v1/workers", headers=bearer,
                           json={"name": "张\u0000三", "id_number": "x"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unreadable_input"


def test_json_nested_100000_deep_is_a_json_422(client, bearer):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/workers", headers={**bearer,
                           "Content-Type": "application/json"}, data=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "unreadable_input" and "嵌套" in error["message"]
    modest = {"a": [[[[1]]]]}  # ordinary nesting still reaches the API's own validation
    response = client.post("/api/v1/workers", headers=bearer, json=modest)
    assert response.status_code == 422


def test_a_nul_byte_in_a_form_post_is_a_422_and_changes_nothing(client, login, factory, db):


    login(factory.user("officer", area_code="520526"))
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Worker))
    response = client.post("/registry/workers/new", data={"name": "李\x00四"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Worker)) == before


def test_a_lone_surrogate_in_json_is_a_json_422(client, bearer):
    response = client.post("/api/v1/households", headers=bearer,
                           json={"area_code": "520526", "head_name": "\ud800"})
    assert response.status_code == 422
    assert "Unicode" in response.get_json()["error"]["message"]


def test_invisible_characters_in_an_employer_name_or_a_title_are_refused_on_the_field(
        client, factory, db):
    body = "91520100MA0000123"
    officer = {"Authorization": f"Bearer {issue(factory.user('officer', area_code='520526'))[0]}"}
    response = client.post("/api/v1/employers", headers=officer, json={
        "name": "\u202e司公限有", "credit_code": body + uscc.calc_check_digit(body),
        "area_code": "520115", "contact_name": "陈女士", "contact_phone": "0851-86812345"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "name" in error["fields"] and "U+202E" in str(error["fields"]["name"])
