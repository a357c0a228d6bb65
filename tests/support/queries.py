"""Counting the SQL statements a block runs."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db as _db


@contextmanager
def count_queries():
    """Count (and keep) the SQL statements executed inside the block."""
    counter = {"n": 0, "statements": []}

    def before(_conn, _cursor, statement, *_args, **_kwargs):
        counter["n"] += 1
        counter["statements"].append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)
