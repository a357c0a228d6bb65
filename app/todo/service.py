"""Opening, listing and closing to-do items (flush only; the caller's unit of work commits)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.audit import audit
from app.auth.models import User
from app.auth.scoping import visible
from app.clock import today, utcnow
from app.errors_domain import DomainError
from app.extensions import db
from app.i18n import in_language, is_words

from .kinds import TodoKind
from .models import Todo, TodoStatus

# How a list of items is cut into tabs: (key, condition on the item given today).
TABS = ("overdue", "today", "upcoming", "done")


def open_item(kind: TodoKind | str, area_code: str, *, due_on: date | None = None,
              within_days: int = 3, worker: Any = None, household: Any = None,
              subject: Any = None, link: str = "", detail: str | dict[str, str] = "",
              contact_name: str = "", contact_phone: str = "",
              dedupe_key: str | None = None, by: User | None = None) -> Todo:
    """Put an item in the queue of ``area_code``'s officers, due ``due_on`` (or in
    ``within_days``). With a ``dedupe_key`` already used, the existing item is returned.
    ``detail`` made by ``app.i18n.each_language`` is shown in each reader's language."""
    if dedupe_key:
        existing = db.session.scalar(sa.select(Todo).where(Todo.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    item = Todo(
        kind=str(TodoKind(kind)), area_code=area_code,
        due_on=due_on or today() + timedelta(days=within_days),
        worker_id=getattr(worker, "id", None), household_id=getattr(household, "id", None),
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None), link=link,
        detail=str(in_language(detail, "zh"))[:1000],
        detail_words={k: v[:1000] for k, v in detail.items()}
        if isinstance(detail, dict) and is_words(detail) else None,
        contact_name=contact_name[:64], contact_phone=contact_phone[:32],
        dedupe_key=dedupe_key)
    db.session.add(item)
    db.session.flush()
    audit("todo.open", item, detail={"kind": item.kind}, user=by)
    return item


def close_item(item: Todo, *, by: User, outcome: str, dropped: bool = False) -> Todo:
    """Close an open item with what was done (required)."""
    if item.status != TodoStatus.open:
        raise DomainError(_("This item is already closed."))
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError(_("Say what was done."), field="outcome")
    item.status = (TodoStatus.dropped if dropped else TodoStatus.done).value
    item.outcome = outcome[:1000]
    item.closed_by_id = by.id
    item.closed_at = utcnow()
    db.session.flush()
    audit("todo.close", item, detail={"kind": item.kind, "status": item.status}, user=by)
    return item


def reopen_item(item: Todo, *, closed_at: datetime) -> Todo:
    """Undo a close (the Undo button after it): the item is open again, without its
    outcome; refused when it was not closed at ``closed_at`` (it moved on since)."""
    if item.status == TodoStatus.open or item.closed_at != closed_at:
        raise DomainError(_("This item was changed since; it cannot be reopened."))
    item.status = TodoStatus.open.value
    item.outcome = ""
    item.closed_by_id = None
    item.closed_at = None
    db.session.flush()
    return item


def close_by_key(dedupe_key: str, outcome: str, *, by: User | None = None) -> Todo | None:
    """Close the open item opened with ``dedupe_key`` because what it asked for happened
    anyway (a household got work before anyone acted); None when there is none open."""
    item = db.session.scalar(sa.select(Todo).where(Todo.dedupe_key == dedupe_key,
                                                   Todo.status == TodoStatus.open.value))
    if item is None:
        return None
    item.status = TodoStatus.done.value
    item.outcome = outcome[:1000]
    item.closed_by_id = getattr(by, "id", None)
    item.closed_at = utcnow()
    db.session.flush()
    audit("todo.close", item, detail={"kind": item.kind, "status": item.status,
                                      "automatic": True}, user=by)
    return item


def _tab_condition(tab: str, day: date) -> sa.ColumnElement[bool]:
    is_open = Todo.status == TodoStatus.open.value
    if tab == "overdue":
        return sa.and_(is_open, Todo.due_on < day)
    if tab == "today":
        return sa.and_(is_open, Todo.due_on == day)
    if tab == "upcoming":
        return sa.and_(is_open, Todo.due_on > day)
    return Todo.status != TodoStatus.open.value


def tab_of(item: Todo, day: date) -> str:
    """The tab an item is listed under on ``day``."""
    if item.status != TodoStatus.open:
        return "done"
    if item.due_on < day:
        return "overdue"
    return "today" if item.due_on == day else "upcoming"


def counts(user: User, *, day: date | None = None, kind: str | None = None) -> dict[str, int]:
    """How many items ``user`` sees in each tab."""
    day = day or today()
    out = {}
    for tab in TABS:
        stmt = visible(sa.select(sa.func.count(Todo.id)), Todo, user).where(
            _tab_condition(tab, day))
        if kind:
            stmt = stmt.where(Todo.kind == kind)
        out[tab] = db.session.scalar(stmt) or 0
    return out


def first_non_empty(tab_counts: dict[str, int]) -> str:
    """The most urgent tab that has items (overdue first), else today's."""
    return next((t for t in TABS if tab_counts.get(t)), "today")


def listing(user: User, tab: str, *, day: date | None = None,
            kind: str | None = None) -> sa.Select:
    """The items of one tab ``user`` may see: most urgent first (closed: newest first)."""
    day = day or today()
    stmt = visible(sa.select(Todo), Todo, user).where(_tab_condition(tab, day))
    if kind:
        stmt = stmt.where(Todo.kind == kind)
    if tab == "done":
        return stmt.order_by(Todo.closed_at.desc(), Todo.id.desc())
    return stmt.order_by(Todo.due_on, Todo.id)


def record_contacts_shown(items: list[Todo], user: User) -> None:
    """Full phones of people who asked to be called were shown to ``user``: audit-logged
    once per page (written with the request's unit of work)."""
    shown = [i.id for i in items if i.contact_phone and i.status == TodoStatus.open.value]
    if shown:
        audit("todo.contacts_shown", target_type="todo", target_id=None,
              detail={"items": shown}, user=user)
