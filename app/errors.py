"""Error pages (HTML) and JSON errors for the API."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please log in."),
        403: _("You do not have permission to see this page."),
        404: _("The page or record was not found."),
        405: _("This action is not allowed here."),
        409: _("The request conflicts with the current state."),
        413: _("The file is too large."),
        422: _("The data could not be processed."),
        429: _("Too many requests. Please wait and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
        503: _("The service is busy. Please wait a moment and try again: nothing was "
               "saved."),
    }


def error_payload(code: int, message: str, error_code: str | None = None,
                  fields: dict | None = None) -> dict:
    """The one JSON error shape: {"error": {"code", "message", "fields"}}."""
    return {"error": {"code": error_code or str(code), "message": message,
                      "fields": fields or {}}}


_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "too_large",
                 422: "invalid", 429: "rate_limited", 500: "server_error",
                 503: "busy"}


def _json_fields(data: dict) -> dict:
    """Field errors from webargs ({"json": {"f": [..]}}) or a service ({"f": [..]})."""
    if data.get("fields"):
        return data["fields"]
    messages = data.get("messages") or {}
    merged: dict = {}
    for location in ("json", "query", "form", "path", "files"):
        if isinstance(messages.get(location), dict):
            merged.update(messages[location])
    return merged or (messages if isinstance(messages, dict) else {})


def _render(code: int, message: str | None = None, data: dict | None = None):
    data = data or {}
    message = data.get("message") or message or _messages().get(code, _messages()[500])
    if _wants_json():
        if code == 422 and not data.get("message"):
            message = _("Some fields are invalid.")
        payload = error_payload(code, str(message),
                                data.get("domain_code") or _STATUS_CODES.get(code, str(code)),
                                _json_fields(data))
        return jsonify(payload), code
    template = f"errors/{code}.html" if code in (403, 404, 500) else "errors/generic.html"
    return render_template(template, code=code, message=message), code


def init_errorhandlers(app: Flask) -> None:
    """Register handlers for HTTP errors, CSRF failures and crashes."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _render(400, _("The form has expired or is invalid. Please reload and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _render(exc.code or 500, data=getattr(exc, "data", None))

    @app.errorhandler(OperationalError)
    def database_busy(exc: OperationalError):
        # SQLite (the embedded default) has one writer at a time; a request waits
        # SQLITE_BUSY_TIMEOUT_SECONDS for the lock, then says so (nothing was written).
        if not _is_locked(exc):
            return crash(exc)
        db.session.rollback()
        app.logger.warning("database busy: %s %s answered 503", request.method, request.path)
        response, code = _render(503)
        response = app.make_response((response, code))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def crash(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return _render(500)


def _is_locked(exc: OperationalError) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (the busy timeout ran out)."""
    return "database is locked" in str(getattr(exc, "orig", exc))
