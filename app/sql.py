"""Portable SQL expressions the backends spell differently."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.extensions import db


def count_up_to(stmt: sa.Select, column: sa.ColumnElement, cap: int) -> int:
    """Rows ``stmt`` selects, counted up to ``cap + 1`` (more than ``cap`` shows as
    ``cap + 1``): the database stops at the cap instead of reading every matching row."""
    limited = stmt.with_only_columns(column).order_by(None).limit(cap + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0


class days_between(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """Whole days from the first date to the second (``later - earlier`` on PostgreSQL,
    ``julianday`` arithmetic on SQLite, where dates are ISO text)."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element, compiler, **kw):  # noqa: ANN001, ANN202
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):  # noqa: ANN001, ANN202
    start, end = list(element.clauses)
    return (f"CAST(julianday({compiler.process(end, **kw)}) - "
            f"julianday({compiler.process(start, **kw)}) AS INTEGER)")
