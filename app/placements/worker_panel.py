"""The placements panel of the worker page: each job, its follow-ups' dates and outcomes."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from app.auth.scoping import visible
from app.clock import today
from app.extensions import db

from .followup_models import FollowUp
from .models import LABELS as PLACEMENT_LABELS
from .models import Placement


def placements_panel(worker: Any, user: Any) -> Markup | None:
    """Placements of the worker the user may see, newest first, with their follow-ups."""
    placements = list(db.session.scalars(
        visible(sa.select(Placement).where(Placement.worker_id == worker.id), Placement, user)
        .options(selectinload(Placement.employer), selectinload(Placement.job))
        .order_by(Placement.start_date.desc(), Placement.id.desc())))
    if not placements and user.role == "trainee":
        return None
    followups: dict[int, list[FollowUp]] = {p.id: [] for p in placements}
    if placements and user.role != "employer":  # employers never see follow-ups
        for fu in db.session.scalars(visible(sa.select(FollowUp).where(
                FollowUp.placement_id.in_(followups)), FollowUp, user)
                .order_by(FollowUp.due_date, FollowUp.id)):
            followups[fu.placement_id].append(fu)
    return Markup(render_template(  # noqa: S704 - a rendered template
        "placements/_worker_panel.html", placements=placements, followups=followups,
        labels=PLACEMENT_LABELS, today=today(), officer=user.role not in ("trainee",
                                                                           "employer")))
