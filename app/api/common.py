"""Shared API pieces: pagination, error schema, turning domain errors into JSON."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from app.errors_domain import DomainError
from app.extensions import db


class UtcDateTime(fields.DateTime):
    """A timestamp as RFC 3339 with its offset: the database keeps naive UTC."""

    def _serialize(self, value: datetime | None, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class ErrorBody(Schema):
    """{"code", "message", "fields"}."""

    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.Raw())


class ErrorResponseSchema(Schema):
    """The one error shape: {"error": {"code", "message", "fields"}}."""

    error = fields.Nested(ErrorBody, required=True)


class PageArgs(Schema):
    """?page=&per_page= (1-based, at most 100 per page)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageMeta(Schema):
    """Pagination figures returned with every list."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A list response schema {"items": [...], "meta": {...}} for ``item``."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item), required=True),
         "meta": fields.Nested(PageMeta, required=True)},
        name=name,
    )


def paginate(stmt: sa.Select, args: dict[str, Any]) -> dict[str, Any]:
    """Run a select one page at a time; returns {"items", "meta"}."""
    page = db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False,
                       count=True)
    return {"items": list(page.items),
            "meta": {"page": page.page, "per_page": page.per_page, "total": page.total or 0,
                     "pages": page.pages}}


def domain_abort(exc: DomainError) -> None:
    """Answer a broken business rule with its status, code and field(s)."""
    errors = getattr(exc, "errors", None)  # services that report several fields at once
    if errors:
        fields_ = {name: [str(message)] for name, message in errors.items()}
    else:
        fields_ = {exc.field: [str(exc.message)]} if exc.field else {}
    abort(exc.status, message=str(exc.message), domain_code=exc.code, fields=fields_)


# ---- shared by the resource modules ------------------------------------------------------

ERROR_DESCRIPTIONS = {
    400: "Malformed request body",
    401: "Missing, invalid, expired or revoked bearer token",
    403: "The token's role may not do this",
    404: "Not found, or outside the caller's area or employer",
    409: "Conflicts with the current state (a rule code in error.code)",
    422: "Invalid fields or a broken business rule (error.fields names them)",
}


def documents_errors(bp: Any, *codes: int) -> Any:
    """Decorator: document each status in ``codes`` with the one error shape."""

    def decorator(fn: Any) -> Any:
        for code in reversed(codes):
            fn = bp.alt_response(code, schema=ErrorResponseSchema,
                                 description=ERROR_DESCRIPTIONS.get(code, ""))(fn)
        return fn

    return decorator


def me() -> Any:
    """The token's user (the object, not the proxy)."""
    return current_user._get_current_object()


@contextmanager
def domain_errors() -> Iterator[None]:
    """Run a service call; a broken rule rolls back and answers 409/422 as JSON."""
    try:
        yield
    except DomainError as exc:
        db.session.rollback()
        domain_abort(exc)


# Path ids: positive and within a 32-bit integer column; anything else is a 404 (no route)
# rather than a database overflow. Use as f"/workers/<{ID}:worker_id>".
ID = "int(min=1, max=2147483647)"
ID_RANGE = validate.Range(min=1, max=2147483647)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def reject_nul_characters() -> None:
    """Before each API request: text with NUL characters is refused (422), never stored or
    sent to the database (PostgreSQL rejects it, which would otherwise be a 500)."""
    if not request.path.startswith("/api/v1/"):
        return
    body = request.get_json(silent=True) if request.is_json else None
    if any("\x00" in v for v in request.args.values()) or _has_nul(body):
        abort(422, message=_("Text may not contain NUL characters."))
