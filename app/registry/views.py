"""The register's blueprint: workers, households, sites, duplicates, import and export.

Pages live in views_workers, views_households and views_io; this module holds the
blueprint, the helpers they share and the template helpers.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from flask_login import current_user

from app.areas.service import area_name
from app.auth.models import User

from .listing_html import status_badge_html, worker_rows_html
from .models import LABELS
from .privacy import init_privacy_templating
from .timeline import describe_event

bp = Blueprint("registry", __name__, url_prefix="/registry", template_folder="templates")



def me() -> User:
    """The logged-in user object (not the proxy)."""
    return current_user._get_current_object()


def label(kind: str, value: Any) -> str:
    """Translated label of an enum value (the value itself when unknown)."""
    return str(LABELS.get(kind, {}).get(value, value or ""))


def labels(kind: str) -> dict[str, str]:
    """Every label of an enum kind, translated once (for long lists: one lookup a row)."""
    return {value: str(text) for value, text in LABELS.get(kind, {}).items()}




def _init_templating(state: Any) -> None:
    app: Flask = state.app
    init_privacy_templating(app)
    app.jinja_env.globals.update(reg_label=label, reg_labels=labels, area_name=area_name,
                                 describe_event=describe_event,
                                 status_badge_html=status_badge_html,
                                 worker_rows_html=worker_rows_html)


bp.record_once(_init_templating)

