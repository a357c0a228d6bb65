"""Shared API pieces: pagination, error schema, turning domain errors into JSON."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from app.errors_domain import DomainError
from app.extensions import db
from app.unit_of_work import error_messages, unit_of_work


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
    # "fields" in JSON; under another name here (a schema's ``fields`` is its field list)
    field_errors = fields.Dict(keys=fields.String(), values=fields.Raw(), data_key="fields")


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
    fields_ = {name: [message] for name, message in error_messages(exc).items() if name}
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


def domain_errors() -> Any:
    """The API's unit of work (:mod:`app.unit_of_work`): the service calls inside commit once;
    a broken rule rolls back and answers 409/422 as JSON."""
    return unit_of_work(domain_abort)


# Path ids: positive and within a 32-bit integer column; anything else is a 404 (no route)
# rather than a database overflow. Use as f"/workers/<{ID}:worker_id>".
ID = "int(min=1, max=2147483647)"
ID_RANGE = validate.Range(min=1, max=2147483647)
