"""Dashboard panels: the office's stabilisation figures (稳岗) for officers and admins."""
from __future__ import annotations

from datetime import date
from typing import TypedDict

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app import clock
from app.auth.models import User
from app.auth.scoping import scope_key, visible
from app.extensions import db
from app.freshness import Cache
from app.notifications.service import unread_count
from app.panel import Panel
from app.registry.figures import area_figures

from .followup_models import WageArrearsCase
from .followups import queue_counts
from .models import Placement
from .retention import Figure, Group, overall, snapshot_figure

# The area's placements this month (and, before the scheduler's first nightly retention
# snapshot, its retention curve): like the register's figures, a snapshot of at most
# FIGURES_CACHE_SECONDS (recounting them after every job loss recorded anywhere in the
# process cost more than the dashboards that read them).
_PLACED: Cache[int] = Cache(max_age="FIGURES_CACHE_SECONDS", serve_stale=True)
_RETENTION: Cache[Group] = Cache(max_age="FIGURES_CACHE_SECONDS", serve_stale=True)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


class Figures(TypedDict):
    """The headline numbers of an area."""

    seeking: int
    placed_month: int
    retention_90: Figure  # survival, lower, upper
    due: int
    overdue: int
    zero_employment: int
    arrears_open: int


def figures(user: User, today: date) -> Figures:
    """The headline numbers of the user's area."""
    month_start = today.replace(day=1)
    placed = _PLACED.get(("month", today, *scope_key(user)), lambda: db.session.scalar(
        visible(sa.select(sa.func.count(Placement.id)).where(
            Placement.start_date.between(month_start, today)), Placement, user)) or 0)
    arrears = db.session.scalar(visible(sa.select(sa.func.count(WageArrearsCase.id)).where(
        WageArrearsCase.status == "open"), WageArrearsCase, user)) or 0
    counts = queue_counts(user, today)
    register, _at = area_figures(user)
    r90 = snapshot_figure(user, 90)
    if r90 is None:  # no nightly snapshot yet: counted here
        total = _RETENTION.get(("overall", today, *scope_key(user)),
                               lambda: overall(user, today))
        est = total.figures[90]
        r90 = (est.survival, est.lower, est.upper)
    return {
        "seeking": register["seeking"],
        "placed_month": placed,
        "retention_90": r90,
        "due": counts["today"] + counts["week"],
        "overdue": counts["overdue"],
        "zero_employment": register["zero"],
        "arrears_open": arrears,
    }


def followups_panel(user: User) -> Panel:
    """Seeking, placed, retention, follow-ups and rights-protection cases at a glance."""
    f = figures(user, clock.today())
    survival, lower, upper = f["retention_90"]
    r90_label = _("Retention at 90 days")
    if survival is not None and lower is not None and upper is not None and lower < upper:
        r90_label = _("Retention at 90 days (95%% CI %(low)s–%(high)s)",
                      low=_pct(lower), high=_pct(upper))
    queue = url_for("placements.queue")
    return Panel(
        title=_("Employment and retention"),
        figures=[
            (_("Seeking work"), f["seeking"], None),
            (_("Placed this month"), f["placed_month"], None),
            (r90_label, _pct(survival), url_for("placements.retention_view")),
            (_("Follow-ups due this week"), f["due"], url_for("placements.queue", tab="week")),
            (_("Follow-ups overdue"), f["overdue"], queue + "?tab=overdue"),
            (_("Zero-employment households"), f["zero_employment"], None),
            (_("Open wage-arrears cases"), f["arrears_open"], url_for("placements.arrears")),
            (_("Unread notifications"), unread_count(user), url_for("notifications.inbox")),
        ],
        order=20,
    )
