"""Writing many rows at once: the importers' one bulk insert, fast on both backends.

``insert_rows(table, rows)`` writes plain rows (dicts of column values, as the services'
``…_values`` builders make them) in the session's transaction and, with ``ids=True``,
returns their new ids in row order. The ids are chosen before the rows are sent, so no
statement per row is needed to learn them:

- PostgreSQL: drawn from the table's sequence (one statement), then the rows go in by
  ``COPY … FROM STDIN`` (psycopg adapts each value);
- SQLite: the ids after the table's largest one, as SQLite itself would give them (its
  transactions begin IMMEDIATE here, so no other writer can come between), then one
  ``executemany`` on the driver.

Values go through each column's own bind processing (JSON text, SQLite's date text), once
per distinct value of a column; a column a row leaves out gets its declared default, as
``table.insert()`` gives it. The write is recorded for ``app.freshness`` like an ORM
statement's.
"""
from __future__ import annotations

import json
import operator
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import QueryableAttribute

from app.extensions import db
from app.freshness import record_write


def insert_rows(table: sa.Table, rows: Sequence[Mapping[str, Any]], *,
                ids: bool = False) -> list[int]:
    """Insert ``rows`` into ``table`` (its primary key is ``id``); with ``ids`` return the
    new ids in row order, else []."""
    if not rows:
        return []
    session = db.session()
    connection = session.connection()
    dialect = connection.dialect
    names = list(dict.fromkeys(name for row in rows for name in row if name != "id"))
    names += [c.name for c in table.columns if c.name not in names
              and c.default is not None and not c.primary_key]
    columns = [table.c[name] for name in names]
    convert = [_converter(column, dialect) for column in columns]
    absent = [None if c.default is None else _default_value(c.default) if f is None
              else f(_default_value(c.default)) for f, c in zip(convert, columns, strict=True)]
    values = _values(rows, names, convert, absent)
    record_write(session, table.name)
    new_ids: list[int] = []
    if ids:
        new_ids = _new_ids(connection, table, len(values))
        columns = [table.c.id, *columns]
        values = [(i, *row) for i, row in zip(new_ids, values, strict=True)]
    names_sql = ", ".join(_quoted(dialect, c.name) for c in columns)
    if dialect.name == "postgresql":
        cursor = connection.connection.cursor()
        try:
            with cursor.copy(f"COPY {_quoted(dialect, table.name)} ({names_sql}) "
                             "FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        finally:
            cursor.close()
    else:
        connection.exec_driver_sql(
            f"INSERT INTO {_quoted(dialect, table.name)} ({names_sql}) "  # noqa: S608 - names from the model
            f"VALUES ({', '.join('?' for _ in columns)})", values)
    return new_ids


def among(column: sa.ColumnElement[Any] | QueryableAttribute[Any],
          values: Collection[Any]) -> sa.ColumnElement[bool]:
    """``column IN values`` for a batch's worth of values. PostgreSQL gets them as one
    array parameter (``= ANY(%s)``): the statement's text stays the same whatever their
    number, so neither the driver nor the server parses and plans a thousand parameters
    per batch; SQLite gets the IN list."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(values),
                                              type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def _values(rows: Sequence[Mapping[str, Any]], names: list[str],
            convert: list[Callable[[Any], Any] | None], absent: list[Any]) -> list[tuple]:
    """Each row's values in column order, processed; a left-out column's is ``absent``."""
    whole = operator.itemgetter(*names) if len(names) > 1 else None
    every = set(names)
    processed = [(i, f) for i, f in enumerate(convert) if f is not None]
    out: list[tuple] = []
    for row in rows:
        if whole is not None and row.keys() >= every:
            values = list(whole(row))
            for i, f in processed:
                values[i] = f(values[i])
        else:
            values = [(f(row[n]) if f is not None else row[n]) if n in row else missing
                      for n, f, missing in zip(names, convert, absent, strict=True)]
        out.append(tuple(values))
    return out


def _new_ids(connection: sa.Connection, table: sa.Table, count: int) -> list[int]:
    if connection.dialect.name == "postgresql":
        return sorted(connection.execute(
            sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :n)"),
            {"table": table.name, "n": count}).scalars())
    last = connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    return list(range(last + 1, last + 1 + count))


def _quoted(dialect: sa.Dialect, name: str) -> str:
    return dialect.identifier_preparer.quote(name)


def _default_value(default: Any) -> Any:
    arg = default.arg
    if default.is_callable:
        try:
            return arg(None)  # SQLAlchemy wraps a plain callable to take the context
        except TypeError:
            return arg()
    return arg


def _converter(column: sa.Column, dialect: sa.Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processing as a function, memoised per distinct value."""
    if isinstance(column.type, sa.JSON):
        dumps = getattr(dialect, "_json_serializer", None) or json.dumps
        process: Callable[[Any], Any] | None = (
            dumps if dialect.name == "postgresql" else
            column.type.dialect_impl(dialect).bind_processor(dialect))
    else:
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    memo: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value is None:
            return None
        key = _hashable(value)
        if key is None:
            return process(value)
        try:
            return memo[key]
        except KeyError:
            done = memo[key] = process(value)
            if len(memo) > 20_000:
                memo.clear()
            return done

    return convert


def _hashable(value: Any) -> Any:
    """A memo key for a scalar or a list of scalars (types count: 1, 1.0 and True
    differ), or None: other values are processed each time."""
    kind = type(value)
    if kind in _SCALARS:
        return (kind, value)
    if kind is list and all(type(v) is str for v in value):
        return (kind, tuple(value))
    return None


_SCALARS = frozenset({str, int, float, bool, date, datetime})
