"""Writing many rows at once: the importers' one bulk insert, fast on both backends.

``insert_rows(table, rows)`` writes plain rows (dicts of column values, as the services'
``…_values`` builders make them) in the session's transaction and, when asked, returns
their new ids in row order:

- PostgreSQL: the ids are drawn from the table's sequence first (one statement), then the
  rows go in by ``COPY … FROM STDIN`` (psycopg adapts each value; no SQL per row);
- SQLite: one ``executemany`` on the driver, ids read back by a unique key (INSERT …
  RETURNING in parameter order runs one statement per row there).

Values go through each column's own bind processing (JSON text, SQLite's date text), once
per distinct value of a column, and columns missing from every row get their declared
default, as ``table.insert()`` gives them. The write is recorded for ``app.freshness``
like an ORM statement's.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.freshness import record_write

KEY_CHUNK = 900  # ids read back per SELECT … IN on SQLite


def insert_rows(table: sa.Table, rows: Sequence[Mapping[str, Any]], *,
                key: str | None = None) -> list[int]:
    """Insert ``rows`` into ``table``; with ``key`` (a unique column every row fills) return
    the new ids in row order, else []."""
    if not rows:
        return []
    session = db.session()
    connection = session.connection()
    dialect = connection.dialect
    names = list(dict.fromkeys(name for row in rows for name in row))
    defaults = _defaults(table, names)
    columns = [table.c[name] for name in names] + [table.c[name] for name in defaults]
    convert = [_converter(column, dialect) for column in columns]
    fill = [f(_default_value(default)) for f, default
            in zip(convert[len(names):], defaults.values(), strict=True)]
    values = [tuple([f(row.get(name)) for f, name in zip(convert, names, strict=False)]
                    + fill) for row in rows]
    record_write(session, table.name)
    if dialect.name == "postgresql":
        return _copy(connection, table, columns, values, with_ids=key is not None)
    placeholders = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(
        f"INSERT INTO {_quoted(dialect, table.name)} "  # noqa: S608 - names from the model
        f"({', '.join(_quoted(dialect, c.name) for c in columns)}) VALUES ({placeholders})",
        values)
    if key is None:
        return []
    keys = [row[key] for row in rows]
    found: dict[Any, int] = {}
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start:start + KEY_CHUNK]
        found.update((k, i) for i, k in connection.execute(
            sa.select(table.c.id, table.c[key]).where(table.c[key].in_(chunk))))
    return [found[k] for k in keys]


def _copy(connection: sa.Connection, table: sa.Table, columns: list[sa.Column],
          values: list[tuple], *, with_ids: bool) -> list[int]:
    ids: list[int] = []
    if with_ids:
        ids = sorted(connection.execute(
            sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :n)"),
            {"table": table.name, "n": len(values)}).scalars())
        columns = [table.c.id, *columns]
        values = [(i, *row) for i, row in zip(ids, values, strict=True)]
    dialect = connection.dialect
    statement = (f"COPY {_quoted(dialect, table.name)} "
                 f"({', '.join(_quoted(dialect, c.name) for c in columns)}) FROM STDIN")
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)
    finally:
        cursor.close()
    return ids


def _quoted(dialect: sa.Dialect, name: str) -> str:
    return dialect.identifier_preparer.quote(name)


def _defaults(table: sa.Table, names: list[str]) -> dict[str, Any]:
    """Columns no row names that declare a Python-side default (not the id)."""
    return {c.name: c.default for c in table.columns
            if c.name not in names and c.default is not None and not c.primary_key}


def _default_value(default: Any) -> Any:
    arg = default.arg
    if default.is_callable:
        try:
            return arg(None)  # SQLAlchemy wraps a plain callable to take the context
        except TypeError:
            return arg()
    return arg


def _converter(column: sa.Column, dialect: sa.Dialect) -> Callable[[Any], Any]:
    """The column's bind processing as a function, memoised per distinct value."""
    if isinstance(column.type, sa.JSON):
        dumps = getattr(dialect, "_json_serializer", None) or json.dumps
        process: Callable[[Any], Any] | None = (
            dumps if dialect.name == "postgresql" else
            column.type.dialect_impl(dialect).bind_processor(dialect))
    else:
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return _same
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


def _same(value: Any) -> Any:
    return value


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
