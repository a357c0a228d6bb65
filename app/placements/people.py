"""Who to tell: the officers responsible for an area, a supervising officer, a worker's page."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from werkzeug.routing import BuildError

from app.auth.models import Area, User
from app.extensions import db


def officers_for_area(area_code: str | None, *, exclude: User | None = None) -> list[User]:
    """Active officers of the area itself, else of the nearest parent area that has some."""
    code = area_code
    while code:
        stmt = sa.select(User).where(User.role == "officer", User.active.is_(True),
                                     User.area_code == code).order_by(User.id)
        if exclude is not None:
            stmt = stmt.where(User.id != exclude.id)
        officers = list(db.session.scalars(stmt))
        if officers:
            return officers
        area = db.session.get(Area, code)
        code = area.parent_code if area else None
    return []


def supervisor_of(user: User) -> User | None:
    """The user's supervisor (User.supervisor_id), else an officer of the parent area."""
    if user.supervisor_id:
        supervisor = db.session.get(User, user.supervisor_id)
        if supervisor is not None and supervisor.active:
            return supervisor
    parent = user.area.parent_code if user.area else None
    officers = officers_for_area(parent, exclude=user) if parent else []
    return officers[0] if officers else None


def worker_link(worker_id: int) -> str:
    """Path of the worker's page (registry.worker, where fresh job recommendations show);
    works outside a request too (scheduler, CLI)."""
    adapter = current_app.url_map.bind("localhost")
    try:
        return adapter.build("registry.worker", {"worker_id": worker_id})
    except BuildError:  # the register's pages are not installed
        return f"/registry/workers/{worker_id}"
