"""一户一策: a monitored household's risks (from officers, lists and declarations), the
measures taken, and the exit — a risk removed with a reason and a date once stably gone,
the household out of monitoring when none is left.

Officers' own risk causes stay in ``Household.risk_causes``; risks from other departments
and from declarations are ``HouseholdRisk`` rows shown beside them and never written into
that list.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.auth.audit import audit
from app.auth.models import User
from app.errors_domain import DomainError
from app.extensions import db
from app.i18n import each_language
from app.placements.followup_models import FollowUp, FollowUpStatus
from app.placements.models import Placement
from app.registry.models import LABELS as REGISTER_LABELS
from app.registry.models import Household, HouseholdPlanEntry, Worker
from app.todo.kinds import TodoKind
from app.todo.service import close_by_key, open_item

from .models import HouseholdMeasure, HouseholdRisk, RiskStatus, ZeroEmploymentSpell

STABLE_DAYS = 90  # a member in work this long (per the follow-ups): work risks are gone

SOURCES = {
    "officer": _l("Officer"),
    "declaration": _l("Self-declaration"),
    "checkin": _l("Monthly check-in"),
    "layoff": _l("Layoff alert"),
    "civil_affairs": _l("Civil affairs (subsistence allowance, destitute support)"),
    "medical_insurance": _l("Medical insurance"),
    "disability": _l("Disabled persons' federation"),
    "education": _l("Education"),
    "hrss": _l("Human resources and social security"),
}
LIST_SOURCES = ("civil_affairs", "medical_insurance", "disability", "education", "hrss")

CAUSES: dict[str, Any] = {
    **REGISTER_LABELS["risk"],
    "subsistence": _l("Subsistence allowance or destitute support"),
    "medical_costs": _l("High medical costs"),
    "student": _l("Student in the household"),
    "unemployment_registered": _l("Registered unemployed"),
    "insurance_stopped": _l("Social insurance stopped"),
    "lost_job": _l("Lost the job"),
    "came_home": _l("Came back home"),
    "ill_injured": _l("Ill or injured"),
    "wages_unpaid": _l("Wages not paid"),
    "want_training": _l("Wants training"),
    "want_work_nearby": _l("Wants work nearby"),
}
# Risks that a member's stable work takes away.
WORK_CAUSES = ("lost_job", "came_home", "unemployment_registered", "insurance_stopped",
               "wages_unpaid", "want_work_nearby", "no_skills", "want_training")

MEASURE_KINDS = {
    "referral": _l("Job referral"),
    "course": _l("Training course"),
    "public_welfare": _l("Public-welfare post offered"),
    "visit": _l("Home visit"),
    "other": _l("Other help"),
}


# A risk's detail holds a list's own fields by the list's own headers (shown as they are)
# and, for declarations and check-ins, these fields of ours.
DETAIL_LABELS = {"note": _l("Note"), "reason": _l("Reason")}


def detail_label(key: str) -> str:
    """The name shown for one field of a risk's detail."""
    return str(DETAIL_LABELS.get(key, key))


def cause_label(cause: str) -> str:
    """The officer-facing name of a risk cause."""
    return str(CAUSES.get(cause, cause))


def source_label(source: str) -> str:
    """The officer-facing name of where a risk came from."""
    return str(SOURCES.get(source, source))


def risk_key(risk: HouseholdRisk) -> str:
    """The to-do item's key for a new risk."""
    return f"risk:{risk.id}"


def add_risk(household: Household, cause: str, source: str, source_date: date, *,
             worker: Worker | None = None, detail: dict | None = None,
             comparison_id: int | None = None, declaration_id: int | None = None,
             by: User | None = None, todo: bool = True) -> tuple[HouseholdRisk, bool]:
    """Take a new risk in at once (flushes): (the risk, whether it is new). The same open
    risk (household, cause, source, member) is not added twice."""
    stmt = sa.select(HouseholdRisk).where(
        HouseholdRisk.household_id == household.id, HouseholdRisk.cause == cause,
        HouseholdRisk.source == source, HouseholdRisk.status == RiskStatus.open.value)
    stmt = stmt.where(HouseholdRisk.worker_id == worker.id if worker is not None
                      else HouseholdRisk.worker_id.is_(None))
    existing = db.session.scalar(stmt.limit(1))
    if existing is not None:
        return existing, False
    risk = HouseholdRisk(household_id=household.id, area_code=household.area_code,
                         worker_id=getattr(worker, "id", None), cause=cause, source=source,
                         source_date=source_date, detail=detail or {},
                         comparison_id=comparison_id, declaration_id=declaration_id)
    db.session.add(risk)
    db.session.flush()
    audit("risk.add", risk, user=by, detail={"cause": cause, "source": source,
                                             "household": household.id})
    if todo:
        who = worker.name if worker is not None else household.head_name
        open_item(TodoKind.new_risk, household.area_code, within_days=7, worker=worker,
                  household=household, subject=risk,
                  link=f"/monitoring/households/{household.id}",
                  detail=each_language(lambda: _(
                      "%(cause)s (%(source)s, %(day)s): %(who)s, household %(number)s",
                      cause=cause_label(cause), source=source_label(source),
                      day=source_date.isoformat(), who=who, number=household.number)),
                  dedupe_key=risk_key(risk), by=by)
    return risk, True


def end_risk(risk: HouseholdRisk, day: date, reason: str, *, status: str = "removed",
             by: User | None = None) -> None:
    """A risk is gone (flushes): removed by an officer or the exit rule, or ended because
    its list no longer names the person. Its open to-do item closes with it."""
    if risk.status != RiskStatus.open.value:
        raise DomainError(_("This risk is no longer open."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the risk is gone."), field="reason")
    risk.status = status
    risk.removed_on = day
    risk.removed_reason = reason[:256]
    risk.removed_by_id = getattr(by, "id", None)
    db.session.flush()
    close_by_key(risk_key(risk), reason, by=by)
    audit("risk.remove", risk, user=by, detail={"status": status, "reason": reason[:256]})


def remove_risk(risk: HouseholdRisk, day: date | None, reason: str, by: User) -> bool:
    """An officer removes a risk with a reason and a date; returns whether the household
    left monitoring because no risk is left."""
    day = day or clock.today()
    if day > clock.today():
        raise DomainError(_("The date cannot be in the future."), field="removed_on")
    end_risk(risk, day, reason, by=by)
    return maybe_exit(risk.household, day, by=by)


def remove_officer_cause(household: Household, cause: str, day: date | None, reason: str,
                         by: User) -> bool:
    """An officer removes one of the causes officers recorded (kept as history)."""
    day = day or clock.today()
    causes = list(household.risk_causes or [])
    if cause not in causes:
        raise DomainError(_("This risk is not recorded for the household."), field="cause")
    if not (reason or "").strip():
        raise DomainError(_("Say why the risk is gone."), field="reason")
    if day > clock.today():
        raise DomainError(_("The date cannot be in the future."), field="removed_on")
    causes.remove(cause)
    household.risk_causes = causes
    db.session.add(HouseholdRisk(
        household_id=household.id, area_code=household.area_code, cause=cause,
        source="officer", source_date=day, status=RiskStatus.removed.value, removed_on=day,
        removed_reason=reason.strip()[:256], removed_by_id=by.id))
    db.session.flush()
    audit("risk.remove", household, user=by, detail={"cause": cause, "source": "officer"})
    return maybe_exit(household, day, by=by)


def open_risks(household_id: int) -> list[HouseholdRisk]:
    """The household's open risks from lists and declarations, newest first."""
    return list(db.session.scalars(sa.select(HouseholdRisk).where(
        HouseholdRisk.household_id == household_id,
        HouseholdRisk.status == RiskStatus.open.value)
        .order_by(HouseholdRisk.source_date.desc(), HouseholdRisk.id.desc())))


def maybe_exit(household: Household, day: date, *, by: User | None = None) -> bool:
    """With no risk left, a monitored household leaves monitoring (flushes; noted in its
    plan). Returns whether it left."""
    if not household.monitored or household.risk_causes or open_risks(household.id):
        return False
    household.monitored = False
    household.at_risk = False
    db.session.add(HouseholdPlanEntry(
        household_id=household.id, entry_date=day, author_id=getattr(by, "id", None),
        text=_("No risk is left: the household leaves monitoring.")))
    db.session.flush()
    audit("monitoring.exit", household, user=by)
    return True


def add_measure(household: Household, kind: str, text: str, taken_on: date | None,
                by: User) -> HouseholdMeasure:
    """Record a measure taken for the household (flushes, audited)."""
    if kind not in MEASURE_KINDS:
        raise DomainError(_("Choose what was done."), field="kind")
    taken_on = taken_on or clock.today()
    if taken_on > clock.today():
        raise DomainError(_("The date cannot be in the future."), field="taken_on")
    measure = HouseholdMeasure(household_id=household.id, area_code=household.area_code,
                               kind=kind, text=(text or "").strip()[:1000], taken_on=taken_on,
                               by_user_id=by.id)
    db.session.add(measure)
    db.session.flush()
    audit("measure.add", measure, user=by, detail={"household": household.id, "kind": kind})
    return measure


@dataclass
class Plan:
    """Everything the household's plan page and the ledger show."""

    household: Household
    officer_causes: list[str]
    risks: list[HouseholdRisk]
    past_risks: list[HouseholdRisk]
    measures: list[HouseholdMeasure]
    spells: list[ZeroEmploymentSpell]
    entries: list[HouseholdPlanEntry] = field(default_factory=list)


def plan_of(household: Household) -> Plan:
    """The household's plan: risks beside each other by source, measures, spells."""
    risks = list(db.session.scalars(sa.select(HouseholdRisk).where(
        HouseholdRisk.household_id == household.id)
        .order_by(HouseholdRisk.source_date.desc(), HouseholdRisk.id.desc())))
    measures = list(db.session.scalars(sa.select(HouseholdMeasure).where(
        HouseholdMeasure.household_id == household.id)
        .order_by(HouseholdMeasure.taken_on.desc(), HouseholdMeasure.id.desc())))
    spells = list(db.session.scalars(sa.select(ZeroEmploymentSpell).where(
        ZeroEmploymentSpell.household_id == household.id)
        .order_by(ZeroEmploymentSpell.started_on.desc())))
    return Plan(household, list(household.risk_causes or []),
                [r for r in risks if r.status == RiskStatus.open.value],
                [r for r in risks if r.status != RiskStatus.open.value], measures, spells,
                list(household.plan_entries))


def exit_stable_risks(day: date) -> int:
    """Work risks of households with a member in work ``STABLE_DAYS`` per the follow-ups
    are removed (the exit rule); returns how many."""
    risks = db.session.scalars(sa.select(HouseholdRisk).where(
        HouseholdRisk.status == RiskStatus.open.value,
        HouseholdRisk.cause.in_(WORK_CAUSES)).order_by(HouseholdRisk.id)).all()
    if not risks:
        return 0
    hids = list({r.household_id for r in risks})
    confirmed: dict[int, date] = {}
    rows = db.session.execute(
        sa.select(Worker.household_id, Placement.start_date, FollowUp.due_date)
        .join(Placement, Placement.worker_id == Worker.id)
        .join(FollowUp, FollowUp.placement_id == Placement.id)
        .where(Worker.household_id.in_(hids), Placement.status == "active",
               FollowUp.status == FollowUpStatus.done.value,
               FollowUp.employment.in_(("still", "changed")))).all()
    for hid, start, checked in rows:
        if start <= day - timedelta(days=STABLE_DAYS) and \
                checked >= start + timedelta(days=STABLE_DAYS):
            confirmed[hid] = max(confirmed.get(hid, checked), checked)
    removed = 0
    for risk in risks:
        checked = confirmed.get(risk.household_id)
        if checked is None or risk.source_date > checked:
            continue
        end_risk(risk, day, _("A member has been in work for %(n)d days (follow-up of "
                              "%(day)s).", n=STABLE_DAYS, day=checked.isoformat()))
        maybe_exit(risk.household, day)
        removed += 1
    return removed


def open_risk_exists(household_id: Any) -> sa.Exists:
    """EXISTS: the household has an open risk from a list or a declaration (raises its
    members' priority in matching)."""
    return sa.exists().where(HouseholdRisk.household_id == household_id,
                             HouseholdRisk.status == RiskStatus.open.value,
                             HouseholdRisk.source != "officer")


def priority_reasons(household_ids: list[int]) -> dict[int, list[str]]:
    """Why each household's members are prioritised beyond the officers' record: one line
    per open risk from a list or a declaration (cause, source, date)."""
    out: dict[int, list[str]] = {}
    if not household_ids:
        return out
    for risk in db.session.scalars(sa.select(HouseholdRisk).where(
            HouseholdRisk.household_id.in_(household_ids),
            HouseholdRisk.status == RiskStatus.open.value, HouseholdRisk.source != "officer")
            .order_by(HouseholdRisk.source_date.desc())):
        out.setdefault(risk.household_id, []).append(
            f"{cause_label(risk.cause)} ({source_label(risk.source)}, "
            f"{risk.source_date.isoformat()})")
    return out
