"""Dashboard panels: employers awaiting verification (officers), an employer's openings."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.auth.models import User
from app.clock import today
from app.extensions import db
from app.freshness import Cache
from app.panel import Panel

from .models import Employer, Job

# Employers per status, the same for every officer: reused until any process commits a
# change to employers (app.freshness).
_STATUS_COUNTS: Cache[dict[str, int]] = Cache(depends_on=(Employer,),
                                              max_age="FIGURES_CACHE_SECONDS")


def employers_panel(user: User, *, listed: int) -> Panel:
    """Employers to verify, suspended ones, and ``listed``: what the public board lists
    today (the board counts it)."""
    counts = _STATUS_COUNTS.get("status", lambda: dict(db.session.execute(
        sa.select(Employer.status, sa.func.count()).group_by(Employer.status)).tuples().all()))
    employers = "employers.officer_list"
    return Panel(title=_("Employers and openings"), order=30, figures=[
        (_("Awaiting verification"), counts.get("pending", 0),
         url_for(employers, status="pending")),
        (_("Suspended employers"), counts.get("suspended", 0),
         url_for(employers, status="suspended")),
        (_("Openings on the job board"), listed, url_for("board.index")),
    ])


def my_openings_panel(user: User) -> Panel | None:
    """The employer's open openings and places still to fill."""
    if user.employer_id is None:
        return None
    day = today()
    open_count, remaining, unlimited = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Job.headcount - Job.filled), 0),
                  sa.func.count().filter(Job.headcount.is_(None)))
        .where(Job.employer_id == user.employer_id, Job.open_clause(day))).one()
    if unlimited:  # openings without a fixed head-count add 若干, not a number
        remaining = f"{remaining} + {_('Several')}"
    drafts = db.session.scalar(sa.select(sa.func.count()).where(
        Job.employer_id == user.employer_id, Job.status == "draft")) or 0
    mine = "employers.my_jobs"
    return Panel(title=_("My openings"), order=10, figures=[
        (_("Open openings"), open_count, url_for(mine, status="open")),
        (_("Places remaining"), remaining, url_for(mine, status="open")),
        (_("Drafts"), drafts, url_for(mine, status="draft")),
    ])
