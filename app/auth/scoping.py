"""Role and area rules, enforced in one place.

Every scoped model declares ``__scope__``: which column (or SQL expression builder) ties a
row to an area, an employer or a worker; ``"*"`` opens the model to every user of that
role (officers see employers in every province, for example). ``visible()`` narrows any
select to what a user may see; ``get_visible_or_404()`` does the same for one record;
``roles_required`` guards views.
No feature writes its own check.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required
from sqlalchemy.orm import class_mapper

from app.extensions import db

from .models import Area, Role, User, code_prefix

T = TypeVar("T")


def area_bounds(code: str, level: str) -> tuple[str, str]:
    """Inclusive code range covering an area and everything inside it (index-friendly)."""
    prefix = code_prefix(code, level)
    return prefix.ljust(6, "0"), prefix.ljust(6, "9")


def common_area_code(a: str, b: str) -> str:
    """The smallest area holding both codes: the county itself, their prefecture, their
    province, or ``000000`` (the whole country) — whoever may see that area sees both."""
    for digits in (6, 4, 2):
        if a[:digits] == b[:digits]:
            return a[:digits].ljust(6, "0")
    return "000000"


def area_filter(column: sa.SQLColumnExpression[Any], area: Area) -> sa.ColumnElement[bool]:
    """SQL condition: the area code in ``column`` lies inside ``area``."""
    low, high = area_bounds(area.code, area.level)
    # A county is one code: equality lets the planner read (area_code, …) indexes in order.
    return column == low if low == high else column.between(low, high)


def code_in_area(code: str | None, area: Area | None) -> bool:
    """Python twin of area_filter for a single code."""
    if not code or area is None:
        return False
    low, high = area_bounds(area.code, area.level)
    return low <= code <= high


def visible_codes(user: User) -> tuple[str, str] | None:
    """Python twin of ``scope_condition`` for rows tied to an area by its code: the
    inclusive range of codes ``user`` may see (admins every area, officers their own and
    what lies inside it), None for roles that see none."""
    if user.role == Role.admin.value:
        return ("", "\uffff")
    if user.role == Role.officer.value and user.area is not None:
        return area_bounds(user.area.code, user.area.level)
    return None


def _scope_expr(model: Any, key: str) -> sa.ColumnElement | None:
    scope = getattr(model, "__scope__", {})
    target = scope.get(key)
    if target is None:
        return None
    if callable(target):
        return target()
    if target == "*":
        return sa.true()
    return getattr(model, target)


def scope_key(user: User) -> tuple:
    """What decides the rows ``user`` may see: users with the same key see the same rows
    (a cache key for figures computed within a scope)."""
    return (user.role, user.area_code, user.employer_id, user.worker_id, user.partner_id)


# A partner account sees the records of the employers its office works with: the model's
# ``"partner"`` scope names its employer column (``"*"``: every partner). The partner office
# itself names its own id column under ``"partner_office"``.
_partner_employers = sa.table("partner_employer", sa.column("partner_id"),
                              sa.column("employer_id"))


def _partner_condition(model: Any, user: User) -> sa.ColumnElement[bool]:
    if user.partner_id is None:
        return sa.false()
    office = _scope_expr(model, "partner_office")
    if office is not None:
        return office == user.partner_id
    column = _scope_expr(model, "partner")
    if column is None:
        return sa.false()
    if isinstance(column, sa.True_):
        return column
    return column.in_(sa.select(_partner_employers.c.employer_id).where(
        _partner_employers.c.partner_id == user.partner_id))


def scope_condition(model: Any, user: User) -> sa.ColumnElement[bool]:
    """The WHERE condition limiting ``model`` rows to what ``user`` may see."""
    if user.role == Role.admin.value:
        return sa.true()
    if user.role == Role.officer.value:
        column = _scope_expr(model, "area")
        if column is None or user.area is None:
            return sa.false()
        if isinstance(column, sa.True_):
            return column
        return area_filter(column, user.area)
    if user.role == Role.employer.value:
        column = _scope_expr(model, "employer")
        if column is None or user.employer_id is None:
            return sa.false()
        if isinstance(column, sa.True_):  # "*": every employer
            return column
        return column == user.employer_id
    if user.role == Role.trainee.value:
        column = _scope_expr(model, "worker")
        if column is None or user.worker_id is None:
            return sa.false()
        if isinstance(column, sa.True_):  # "*": every trainee
            return column
        return column == user.worker_id
    if user.role == Role.partner.value:
        return _partner_condition(model, user)
    return sa.false()


def visible(stmt: sa.Select, model: Any, user: User) -> sa.Select:
    """Narrow a select over ``model`` to the rows ``user`` may see."""
    return stmt.where(scope_condition(model, user))


def can_see(obj: Any, user: User) -> bool:
    """Whether ``user`` may see the already-loaded record ``obj``."""
    model = type(obj)
    pk = sa.inspect(model).primary_key[0]
    stmt = sa.select(sa.literal(1)).select_from(model).where(
        pk == getattr(obj, pk.key), scope_condition(model, user)
    )
    return db.session.execute(stmt).first() is not None


def get_visible_or_404(model: type[T], ident: Any, user: User | None = None) -> T:
    """Load one record the user may see; 404 when missing or outside their scope.

    Out-of-scope records answer 404, not 403, so that their existence is not disclosed.
    """
    user = user or current_user
    pk = class_mapper(model).primary_key[0]
    stmt = visible(sa.select(model).where(pk == ident), model, user)
    obj = db.session.scalars(stmt).first()
    if obj is None:
        abort(404)
    return obj


def roles_required(*roles: str) -> Callable:
    """View decorator: logged in and holding one of ``roles``, else 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.__dict__["allowed_roles"] = roles  # read by the route access sweep
        return wrapped

    return decorator
