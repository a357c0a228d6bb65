"""Bearer-token authentication for every /api/v1 request."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, g, request
from flask_login import current_user

from app.auth.tokens import user_for_token
from app.extensions import db

PUBLIC_ENDPOINTS = {"tokens.TokenCollection", "api-docs.openapi_json", "api_docs.docs"}


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def authenticate_api_request() -> None:
    """Before each API request: the token's user becomes current_user; sessions do not count."""
    if not request.path.startswith("/api/v1/"):
        return
    g._login_user = current_app.login_manager.anonymous_user()  # never the session's user
    plain = _bearer()
    if plain is None:
        return
    user = user_for_token(plain)
    if user is not None:
        g._login_user = user
        db.session.commit()  # last_used_at


def api_roles(*roles: str) -> Callable:
    """Resource decorator: a valid token whose user holds one of ``roles`` (401 / 403)."""

    def decorator(fn: Callable) -> Callable:
        @wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user or not current_user.is_authenticated:
                abort(401)
            if roles and current_user.role not in roles:
                abort(403)
            return fn(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator
