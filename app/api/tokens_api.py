"""POST /api/v1/tokens (log in for a token), GET /api/v1/me."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from app.auth.service import authenticate
from app.auth.tokens import issue_token
from app.extensions import db

from .auth import api_roles
from .common import ErrorResponseSchema, UtcDateTime

bp = Blueprint("tokens", __name__, url_prefix="/api/v1", description="Authentication")


class TokenRequest(Schema):
    """Username and password."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256),
                             load_only=True)
    name = fields.String(load_default="", validate=validate.Length(max=64))


class TokenResponse(Schema):
    """The bearer token, shown once."""

    token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_at = UtcDateTime(required=True)


class MeSchema(Schema):
    """The authenticated user."""

    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String()
    role = fields.String(required=True)
    area_code = fields.String(allow_none=True)
    employer_id = fields.Integer(allow_none=True)
    worker_id = fields.Integer(allow_none=True)


@bp.route("/tokens")
class TokenCollection(MethodView):
    """Exchange a username and password for a bearer token."""

    @bp.arguments(TokenRequest)
    @bp.response(201, TokenResponse)
    @bp.alt_response(400, schema=ErrorResponseSchema, description="Malformed request body")
    @bp.alt_response(401, schema=ErrorResponseSchema, description="Wrong username or password")
    @bp.alt_response(429, schema=ErrorResponseSchema, description="Too many failed attempts")
    def post(self, data):
        """Issue a token (rate limited like the login page)."""
        result = authenticate(data["username"].strip(), data["password"],
                              request.remote_addr or "")
        if result.locked_seconds:
            db.session.commit()
            abort(429, message=_(
                "Too many failed attempts. Please try again in %(minutes)d minutes.",
                minutes=max(1, result.locked_seconds // 60)))
        if result.user is None:
            db.session.commit()
            abort(401, message=_("Wrong username or password."))
        plain, token = issue_token(result.user, data.get("name", ""))
        db.session.commit()
        return {"token": plain, "token_type": "Bearer", "expires_at": token.expires_at}


@bp.route("/me")
class Me(MethodView):
    """Who the token belongs to."""

    @api_roles()
    @bp.response(200, MeSchema)
    @bp.alt_response(401, schema=ErrorResponseSchema)
    def get(self):
        """The authenticated user."""
        return current_user
