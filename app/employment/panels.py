"""Dashboard: people in work, Qianlu's placements and self-found jobs apart and together,
with this month's check-in coverage."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app import clock
from app.auth.models import User
from app.auth.scoping import scope_key, visible
from app.dashboard.panels import Panel, register_panel
from app.extensions import db
from app.freshness import Cache
from app.placements.models import Placement
from app.vocabulary import OFFICERS

from .checkins import month_counts
from .models import EmploymentRecord

_IN_WORK: Cache[tuple[int, int]] = Cache(max_age="FIGURES_CACHE_SECONDS", serve_stale=True)


def in_work(user: User) -> tuple[int, int]:
    """(in a Qianlu placement, in a job found elsewhere) in the user's area, now."""
    def count() -> tuple[int, int]:
        placed = db.session.scalar(visible(sa.select(sa.func.count(Placement.id)).where(
            Placement.status == "active"), Placement, user)) or 0
        found = db.session.scalar(visible(sa.select(sa.func.count(EmploymentRecord.id)).where(
            EmploymentRecord.end_month.is_(None)), EmploymentRecord, user)) or 0
        return int(placed), int(found)
    return _IN_WORK.get(("in_work", *scope_key(user)), count)


@register_panel(OFFICERS)
def employment_panel(user: User) -> Panel | None:
    """In work (placed by Qianlu / found elsewhere / both) and check-in coverage."""
    placed, found = in_work(user)
    month = clock.today().replace(day=1)
    counts = month_counts(user, month)
    sent = sum(counts.values())
    coverage = f"{100 * counts['answered'] / sent:.0f}%" if sent else "—"
    link = url_for("employment.destinations")
    return Panel(title=_("In work"), order=35, figures=[
        (_("Placed by Qianlu"), placed, None),
        (_("Found elsewhere"), found, link),
        (_("In work, both"), placed + found, None),
        (_("Check-ins answered this month"), coverage, link),
    ])
