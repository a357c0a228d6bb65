"""The officers' to-do list: items reach the officers of their area only, open on the most
urgent tab, and close with what was done (audited)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import AuditLog
from app.clock import today
from app.todo.kinds import TodoKind
from app.todo.models import Todo
from app.todo.service import open_item
from tests.conftest import text_of


def test_items_reach_the_officers_of_their_area_only(db, factory, client, login):
    mine = factory.worker(area_code="520526", name="张来电")
    other = factory.worker(area_code="520502", name="李别县")
    open_item(TodoKind.callback, "520526", worker=mine, detail="想去广东做普工")
    open_item(TodoKind.callback, "520502", worker=other)
    login(factory.user("officer", area_code="520526"))
    page = text_of(client.get("/todo/"))
    assert "张来电" in page and "想去广东做普工" in page
    assert "李别县" not in page


def test_the_page_opens_on_the_most_urgent_tab_with_items(db, factory, client, login):
    open_item(TodoKind.callback, "520526", due_on=today() + timedelta(days=5),
              contact_name="王先生", contact_phone="13985001234")
    login(factory.user("officer", area_code="520526"))
    page = client.get("/todo/").get_data(as_text=True)
    assert 'aria-current="page" href="/todo/?tab=upcoming"' in page
    assert 'href="tel:13985001234"' in page  # the caller's phone, tap to call
    late = open_item(TodoKind.callback, "520526", due_on=today() - timedelta(days=2),
                     contact_name="赵女士", contact_phone="13985005678")
    page = client.get("/todo/").get_data(as_text=True)
    assert 'aria-current="page" href="/todo/?tab=overdue"' in page
    assert "赵女士" in page and "王先生" not in page
    # Showing callers' full phones is recorded.
    shown = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.action == "todo.contacts_shown")).all()
    assert any(late.id in (a.detail or {}).get("items", []) for a in shown)


def test_closing_needs_what_was_done_and_is_kept(db, factory, client, login):
    item = open_item(TodoKind.callback, "520526", contact_name="王先生",
                     contact_phone="13985001234", dedupe_key="lead-1")
    assert open_item(TodoKind.callback, "520526", dedupe_key="lead-1").id == item.id
    login(factory.user("officer", area_code="520526"))
    resp = client.post(f"/todo/{item.id}/close", data={"outcome": ""})
    assert resp.status_code == 422
    assert db.session.get(Todo, item.id).status == "open"
    resp = client.post(f"/todo/{item.id}/close", data={"outcome": "已回电，推荐到东莞电子厂"})
    assert resp.status_code == 302
    db.session.expire_all()
    closed = db.session.get(Todo, item.id)
    assert closed.status == "done" and closed.outcome == "已回电，推荐到东莞电子厂"
    page = text_of(client.get("/todo/?tab=done"))
    assert "已回电，推荐到东莞电子厂" in page
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "todo.close")) == 1


def test_an_officer_of_another_county_cannot_close_it(db, factory, client, login):
    item = open_item(TodoKind.callback, "520526", contact_name="王先生")
    login(factory.user("officer", area_code="520502"))
    assert client.post(f"/todo/{item.id}/close", data={"outcome": "x"}).status_code == 404
