"""Portable SQL expressions the backends spell differently."""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import class_mapper
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from app.extensions import db

_M = TypeVar("_M")


def table_of(model: type) -> sa.Table:
    """The table a model is mapped to (typed as such: ``Model.__table__`` is any FROM)."""
    table = class_mapper(model).local_table
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def affected(stmt: sa.Executable, params: dict[str, Any] | None = None, /,
             **execution_options: Any) -> int:
    """Execute an UPDATE, DELETE or INSERT … SELECT in the session (with the bound
    ``params`` of a statement built once); the rows it changed (0 when the driver cannot
    tell). A conditional UPDATE that changed no row lost a race."""
    result = db.session.execute(stmt, params, execution_options=execution_options)
    # DML returns a CursorResult, which the session's signature does not say.
    return cast("sa.CursorResult[Any]", result).rowcount or 0


def show_capped(listing: Pagination, total: int, cap: int) -> Pagination:
    """Give a page the total counted by ``count_up_to(…, cap)``: the lists' templates then
    say "more than ``cap``" when it is ``cap + 1``."""
    listing.total = total
    listing.__dict__.update(cap=cap, capped=total > cap)  # read by the templates only
    return listing


def insert_ignoring_conflicts(model: Any, *, conflict: list[str]) -> Any:
    """``INSERT … ON CONFLICT (conflict) DO NOTHING`` (PostgreSQL and SQLite say it alike).

    With ``.from_select()`` this queues a whole set at once; a unique key makes a second
    run (or a second scheduler) insert nothing. Unlike the dialects' own ``insert()``
    (which SQLAlchemy 2.0 compiles afresh on every execution) it is compiled once and
    cached like any other statement: a notification queued per request pays no compile.
    """
    return _InsertIgnoring(model, conflict)


class _OnConflictDoNothing(sa.sql.ClauseElement):
    """``ON CONFLICT (columns) DO NOTHING``, its columns part of the cache key."""

    __visit_name__ = "qianlu_on_conflict_do_nothing"
    _traverse_internals = [("columns", InternalTraversal.dp_string_list)]
    inherit_cache = True

    def __init__(self, columns: list[str]) -> None:
        self.columns = tuple(columns)


@compiles(_OnConflictDoNothing)
def _on_conflict_do_nothing(element, compiler, **kw):
    columns = ", ".join(compiler.preparer.quote(c) for c in element.columns)
    return f"ON CONFLICT ({columns}) DO NOTHING"


class _InsertIgnoring(sa.sql.Insert):
    """An INSERT whose clause after the values (where the dialects put ON CONFLICT, before
    RETURNING) ignores conflicts on the given columns."""

    inherit_cache = True

    def __init__(self, table: Any, conflict: list[str]) -> None:
        super().__init__(table)
        self._post_values_clause = _OnConflictDoNothing(conflict)


def lock_row(model: type, ident: object) -> None:
    """Hold ``model``'s row ``ident`` until this transaction ends (SELECT … FOR UPDATE).

    For "check, then act" rules about one record (one enrolment per worker and course, one
    active placement per worker): a second request for the same record waits here, then
    checks what the first committed. SQLite needs nothing: its transactions begin IMMEDIATE
    (app.db_setup), one writer at a time.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return
    pk = class_mapper(model).primary_key[0]
    db.session.execute(sa.select(pk).where(pk == ident).with_for_update())


def get_locked(model: type[_M], ident: object) -> _M | None:
    """:func:`lock_row` and load the record in one statement (SELECT … FOR UPDATE of the
    whole row): for a rule that reads the record it holds. On SQLite a plain ``get``."""
    if db.session.get_bind().dialect.name == "sqlite":
        return db.session.get(model, ident)
    return db.session.get(model, ident, with_for_update=True)


def count_up_to(stmt: sa.Select, column: sa.SQLColumnExpression[Any], cap: int) -> int:
    """Rows ``stmt`` selects, counted up to ``cap + 1`` (more than ``cap`` shows as
    ``cap + 1``): the database stops at the cap instead of reading every matching row."""
    limited = stmt.with_only_columns(column).order_by(None).limit(cap + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0


@cache
def _tuple_of(fields: tuple[str, ...]) -> type:
    return namedtuple("Row", fields)  # made at run time, one class per column set


def plain_rows(rows: Sequence[sa.Row]) -> list[Any]:
    """``rows`` as plain named tuples with the same names: a template reads a row's values
    by name some ten times per row, and a SQLAlchemy row's name lookup costs several times
    a tuple's (a 50-row list: ~0.5 ms). Rows whose names are no identifiers stay as
    they are."""
    if not rows:
        return []
    try:
        make = _tuple_of(tuple(rows[0]._fields))
    except ValueError:
        return list(rows)
    return [make(*r) for r in rows]


class _RowPagination(Pagination):
    def _query_items(self) -> list[Any]:
        total = self._query_args["total"]
        if total is not None and self._query_offset >= total:
            return []  # counted already: nothing on this page, nothing to ask
        stmt = self._query_args["page_of"](self.per_page, self._query_offset)
        return plain_rows(db.session.execute(stmt).all())

    def _query_count(self) -> int:  # never asked: the caller counts (capped, as it likes)
        raise NotImplementedError


def paginate_rows(page_of: Callable[[int, int], sa.Select], *, page: int, per_page: int,
                  max_per_page: int = 200, error_out: bool = False,
                  total: int | None = None) -> Pagination:
    """``db.paginate`` for column selects: ``page_of(limit, offset)`` is the statement of one
    page and its rows (named tuples) are the items, so a long list builds no ORM objects.
    A ``total`` the caller counted already is kept (a page past it is not asked for);
    without one, counting is left to the caller (``count_up_to``)."""
    listing = _RowPagination(page=page, per_page=per_page, max_per_page=max_per_page,
                             error_out=error_out, count=False, page_of=page_of, total=total)
    listing.total = total
    return listing


class days_between(FunctionElement):  # reads like the SQL function it is
    """Whole days from the first date to the second (``later - earlier`` on PostgreSQL,
    ``julianday`` arithmetic on SQLite, where dates are ISO text)."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return (f"CAST(julianday({compiler.process(end, **kw)}) - "
            f"julianday({compiler.process(start, **kw)}) AS INTEGER)")
