"""The register's blueprint: workers, households, sites, duplicates, import and export.

Pages live in views_workers, views_households and views_io; this module holds the
blueprint, the helpers they share and the template helpers.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Flask, flash
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.areas import area_name
from app.auth.models import Area, User
from app.auth.scoping import area_bounds
from app.errors_domain import DomainError
from app.extensions import db

from .models import LABELS
from .privacy import init_privacy_templating
from .timeline import describe_event

bp = Blueprint("registry", __name__, url_prefix="/registry", template_folder="templates")

OFFICERS = ("officer", "admin")


def me() -> User:
    """The logged-in user object (not the proxy)."""
    return current_user._get_current_object()


def label(kind: str, value: Any) -> str:
    """Translated label of an enum value (the value itself when unknown)."""
    return str(LABELS.get(kind, {}).get(value, value or ""))


def labels(kind: str) -> dict[str, str]:
    """Every label of an enum kind, translated once (for long lists: one lookup a row)."""
    return {value: str(text) for value, text in LABELS.get(kind, {}).items()}


def county_choices(user: User, blank: bool = True) -> list[tuple[str, str]]:
    """Counties inside the user's area, for select fields."""
    stmt = sa.select(Area.code, Area.name).where(Area.level == "county",
                                                 Area.region == "guizhou")
    if user.role == "officer" and user.area is not None:
        low, high = area_bounds(user.area.code, user.area.level)
        stmt = stmt.where(Area.code.between(low, high))
    choices = [(code, name) for code, name in db.session.execute(stmt.order_by(Area.code))]
    return ([("", "—")] if blank and len(choices) != 1 else []) + choices


def form_errors(form: FlaskForm, exc: DomainError) -> None:
    """Show a service's field errors next to the fields (others as a message)."""
    errors = getattr(exc, "errors", None) or {exc.field or "": exc.message}
    for field_name, message in errors.items():
        field = getattr(form, field_name, None) if field_name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            flash(message, "danger")


def _init_templating(state: Any) -> None:
    app: Flask = state.app
    init_privacy_templating(app)
    app.jinja_env.globals.update(reg_label=label, reg_labels=labels, area_name=area_name,
                                 describe_event=describe_event)


bp.record_once(_init_templating)

