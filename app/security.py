"""Security headers, cookie flags behind HTTPS, proxy awareness."""
from __future__ import annotations

import json

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

# Deeper JSON than any form of the API needs; a request nested deeper is refused (400).
MAX_JSON_DEPTH = 32

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SessionInterface(SecureCookieSessionInterface):
    """Session cookie marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:  # noqa: D102
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def _headers(response):  # noqa: ANN001, ANN202
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


class UnreadableInput(BadRequest):
    """Input no field of the product can hold: refused before any view sees it (400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.data = {"message": message, "domain_code": "unreadable_input"}


def _nul_message() -> str:
    return _("Text may not contain a NUL (zero) character.")


def _is_unicode(text: str) -> bool:
    """False for text no database can store: JSON may spell lone surrogates (\\ud800)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_problem(body: bytes) -> str | None:
    """Why a JSON body cannot be taken (too deep, a NUL in a string), or None."""
    try:
        data = json.loads(body)
    except RecursionError:
        return _("The data is nested too deeply.")
    except ValueError:
        return None  # malformed JSON: the API's own parser says so, field by field
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return _("The data is nested too deeply.")
        if isinstance(value, str):
            if "\x00" in value:
                return _nul_message()
            if not _is_unicode(value):
                return _("Text contains characters that are not valid Unicode.")
        elif isinstance(value, dict):
            if any("\x00" in key for key in value):
                return _nul_message()
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None


def refuse_unreadable_input() -> None:
    """Before every request: no NUL in the path, query, form or JSON; no text in JSON that is
    not Unicode (lone surrogates); no runaway JSON nesting.

    PostgreSQL cannot store a NUL in text and Python's JSON reader recurses per level, so
    either would otherwise end as a server error deep inside a view.
    """
    if "\x00" in request.path:
        raise UnreadableInput(_nul_message())
    for values in (request.args, request.form if request.method != "GET" else None):
        if values is None:
            continue
        for key, items in values.lists():
            if "\x00" in key or any("\x00" in item for item in items):
                raise UnreadableInput(_nul_message())
    if request.is_json and request.content_length != 0:
        problem = _json_problem(request.get_data(cache=True))
        if problem:
            raise UnreadableInput(problem)


def init_security(app: Flask) -> None:
    """Install headers, the session interface, the input guard and (when configured) ProxyFix."""
    app.session_interface = SessionInterface()
    app.before_request(refuse_unreadable_input)
    app.after_request(_headers)
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
