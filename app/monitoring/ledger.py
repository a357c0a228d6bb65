"""一户一策 ledger (台账): one row per monitored household, or household with an open risk,
with its risks side by side by source, the measures taken, its zero-employment state and
its exits."""
from __future__ import annotations

from datetime import date
from typing import IO

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import User
from app.auth.scoping import visible
from app.extensions import db
from app.imports.report import safe_cell, write_xlsx
from app.registry.models import Household

from .models import HouseholdRisk, RiskStatus
from .plan import MEASURE_KINDS, cause_label, plan_of, source_label


def write_ledger(target: IO[bytes], user: User, day: date) -> int:
    """Write the ledger of ``user``'s area; returns the number of households."""
    with_risk = sa.exists().where(HouseholdRisk.household_id == Household.id)
    stmt = visible(sa.select(Household), Household, user).where(
        sa.or_(Household.monitored.is_(True), with_risk)).order_by(Household.number)
    rows = []
    for household in db.session.scalars(stmt.limit(50_000)):
        p = plan_of(household)
        open_spell = next((s for s in p.spells if s.ended_on is None), None)
        rows.append([
            safe_cell(household.number), safe_cell(household.head_name),
            _("yes") if household.monitored else _("no"),
            "、".join(cause_label(c) for c in p.officer_causes),
            "; ".join(f"{cause_label(r.cause)} ({source_label(r.source)} "
                      f"{r.source_date.isoformat()})" for r in p.risks),
            "; ".join(f"{cause_label(r.cause)} ({source_label(r.source)}): "
                      f"{r.removed_on.isoformat() if r.removed_on else ''} "
                      f"{safe_cell(r.removed_reason)}" for r in p.past_risks),
            "; ".join(f"{m.taken_on.isoformat()} {MEASURE_KINDS.get(m.kind, m.kind)} "
                      f"{safe_cell(m.text)}".strip() for m in p.measures),
            open_spell.started_on if open_spell else None,
            (day - open_spell.started_on).days if open_spell else None,
            "; ".join(f"{e.entry_date.isoformat()} {safe_cell(e.text)}"
                      for e in p.entries[:10]),
        ])
    return write_xlsx(target, [
        _("Household number"), _("Head of household"), _("Monitored"),
        _("Risks recorded by officers"), _("Risks from lists and declarations"),
        _("Risks removed or ended"), _("Measures taken"), _("Nobody in work since"),
        _("Days without work"), _("Plan entries")], rows, title=_("Household plans"),
        widths=[18, 10, 8, 24, 40, 40, 50, 14, 10, 60])


__all__ = ["RiskStatus", "write_ledger"]
