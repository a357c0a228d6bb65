"""Portable SQL pieces for set-based jobs (SQLite and PostgreSQL)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def insert_ignoring_conflicts(model: Any, *, conflict: list[str]) -> Any:
    """``INSERT … ON CONFLICT (conflict) DO NOTHING`` for the session's dialect.

    With ``.from_select()`` this queues a whole set at once; a unique key makes a second
    run (or a second scheduler) insert nothing.
    """
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model).on_conflict_do_nothing(index_elements=conflict)
