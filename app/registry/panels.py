"""Dashboard panel: the register's headline figures for the officer's area."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.auth.models import User
from app.auth.scoping import visible
from app.extensions import db
from app.panel import Panel

from .figures import area_figures
from .models import DuplicateFlag


def register_panel_figures(user: User) -> Panel:
    """Workers seeking, employed and in training; monitored and zero-employment households."""
    counts, at = area_figures(user)
    workers = "registry.workers"
    return Panel(
        title=_("Labourer register"),
        order=10,
        note=_("Counted at %(time)s", time=at.strftime("%H:%M")),
        figures=[
            (_("Seeking work"), counts["seeking"], url_for(workers, status="seeking")),
            (_("Employed"), counts["employed"], url_for(workers, status="employed")),
            (_("In training"), counts["training"], url_for(workers, status="training")),
            (_("Monitored households"), counts["monitored"],
             url_for("registry.households", monitored=1)),
            (_("Zero-employment households"), counts["zero"],
             url_for("registry.households", zero=1)),
            (_("Likely duplicates to review"), _open_flags(user),
             url_for("registry.duplicates")),
        ],
    )


def _open_flags(user: User) -> int:
    stmt = visible(sa.select(sa.func.count()).select_from(DuplicateFlag).where(
        DuplicateFlag.status == "open"), DuplicateFlag, user)
    return db.session.scalar(stmt) or 0
