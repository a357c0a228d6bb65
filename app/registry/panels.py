"""Dashboard panel: the register's headline figures for the officer's area."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app.auth.models import User
from app.dashboard.panels import Panel, register_panel

from .queries import household_counts, status_counts


@register_panel(("officer", "admin"))
def register_panel_figures(user: User) -> Panel:
    """Workers seeking, employed and in training; monitored and zero-employment households."""
    statuses = status_counts(user)
    households = household_counts(user)
    workers = "registry.workers"
    return Panel(
        title=_("Labourer register"),
        order=10,
        figures=[
            (_("Seeking work"), statuses["seeking"], url_for(workers, status="seeking")),
            (_("Employed"), statuses["employed"], url_for(workers, status="employed")),
            (_("In training"), statuses["training"], url_for(workers, status="training")),
            (_("Monitored households"), households["monitored"],
             url_for("registry.households", monitored=1)),
            (_("Zero-employment households"), households["zero"],
             url_for("registry.households", zero=1)),
            (_("Likely duplicates to review"), _open_flags(user),
             url_for("registry.duplicates")),
        ],
    )


def _open_flags(user: User) -> int:
    import sqlalchemy as sa

    from app.auth.scoping import visible
    from app.extensions import db

    from .models import DuplicateFlag

    stmt = visible(sa.select(sa.func.count()).select_from(DuplicateFlag).where(
        DuplicateFlag.status == "open"), DuplicateFlag, user)
    return db.session.scalar(stmt) or 0
