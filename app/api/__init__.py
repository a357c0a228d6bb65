"""JSON API v1 under /api/v1, documented by a generated OpenAPI 3 document.

Built on flask-smorest: marshmallow schemas in code generate the document served at
/api/v1/openapi.json; /api/v1/docs renders it with a locally served Swagger UI.
Every resource calls the same services as the web UI and the same scoping helpers.
Authentication is a bearer token (POST /api/v1/tokens); sessions never authenticate the API.
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api as _Api

from app.extensions import csrf

from .auth import authenticate_api_request
from .common import ErrorResponseSchema
from .docs import bp as docs_bp
from .resources import blueprints


class Api(_Api):
    """flask-smorest without its app-wide error handlers (app/errors.py owns errors)."""

    ERROR_SCHEMA = ErrorResponseSchema  # documented error shape

    # No catch-all "default" response: each operation lists the error statuses it answers,
    # so clients (and schemathesis's status-code check) can rely on the document.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        return None


api = Api()

API_SPEC = {
    "API_TITLE": "Qianlu API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "黔路 Qianlu — Guizhou public employment service API."},
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "token"}}},
        "security": [{"bearer": []}],
    },
}


def init_api(app: Flask) -> None:
    """Register the API blueprints and the docs page."""
    for key, value in API_SPEC.items():
        app.config.setdefault(key, value)
    app.before_request(authenticate_api_request)
    api.init_app(app)
    for bp in blueprints():
        csrf.exempt(bp)  # bearer tokens, not cookies: no cross-site request forgery
        api.register_blueprint(bp)
    app.register_blueprint(docs_bp)
