"""零就业家庭动态清零: when each household entered and left the zero-employment state.

The state itself stays derived (``app.registry.queries.zero_employment``); this module
keeps its history as spells. A session watch notes the households whose members changed in
a way that can change the state — a status change (job loss, placement), a member added,
moved to another household or merged away — and, when the unit of work commits, opens or
closes their spells to match the register (dated today). Bulk writes that bypass the ORM
(a roster import's set-wise insert) are caught by :func:`sweep`, run nightly, which also
escalates spells not cleared within ``ZERO_EMPLOYMENT_CLEAR_DAYS`` to the prefecture.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app import clock
from app.auth.audit import audit
from app.auth.models import Area, User
from app.auth.scoping import visible
from app.extensions import db
from app.i18n import each_language
from app.placements.models import Referral
from app.registry.models import Household, Worker, WorkerStatus
from app.registry.queries import zero_employment
from app.todo.kinds import TodoKind
from app.todo.service import close_by_key, open_item
from app.training.models import Enrolment

from .models import HouseholdMeasure, ZeroEmploymentSpell
from .plan import add_risk, exit_stable_risks

_PENDING = "qianlu_zero_pending"

# Where a worker's own word that they are out of work comes from (``worker_not_working``).
RISK_SOURCES = ("checkin", "layoff")

# Why a household entered or left the state (the kind of change that did it).
REASONS = ("job_loss", "placement", "member_added", "member_moved", "member_left",
           "status_change", "register_check")


def clear_days() -> int:
    """Days a household may stay zero-employment before it is escalated."""
    if has_app_context():
        return int(current_app.config.get("ZERO_EMPLOYMENT_CLEAR_DAYS", 30))
    return 30


# ---- noticing the changes ---------------------------------------------------------------


def _note(pending: dict[int, str], household_id: Any, reason: str) -> None:
    if household_id:
        pending.setdefault(int(household_id), reason)


def _pending_of(target: Worker) -> dict[int, str] | None:
    session = sa.orm.object_session(target)
    return None if session is None else session.info.setdefault(_PENDING, {})


# Attribute events with the old value loaded (a committed, expired worker's history would
# not know where it came from).
@sa.event.listens_for(Worker.household_id, "set", active_history=True)
def _moved(target: Worker, value: Any, oldvalue: Any, _initiator: Any) -> None:
    pending = _pending_of(target)
    if pending is not None and value != oldvalue and target.id is not None:
        for hid in (oldvalue, value):
            if isinstance(hid, int):
                _note(pending, hid, "member_moved")


@sa.event.listens_for(Worker.status, "set", active_history=True)
def _status(target: Worker, value: Any, oldvalue: Any, _initiator: Any) -> None:
    pending = _pending_of(target)
    if pending is None or value == oldvalue or target.id is None:
        return
    employed, seeking = WorkerStatus.employed.value, WorkerStatus.seeking.value
    reason = ("placement" if value == employed else
              "job_loss" if oldvalue == employed and value == seeking else "status_change")
    _note(pending, target.household_id, reason)


@sa.event.listens_for(Worker.merged_into_id, "set")
def _merged(target: Worker, value: Any, oldvalue: Any, _initiator: Any) -> None:
    pending = _pending_of(target)
    if pending is not None and value and target.id is not None:
        _note(pending, target.household_id, "member_left")


@sa.event.listens_for(Session, "after_flush")
def _watch(session: Session, _context: object) -> None:
    new = [obj for obj in session.new if isinstance(obj, Worker)]
    if new:
        pending: dict[int, str] = session.info.setdefault(_PENDING, {})
        for obj in new:
            _note(pending, obj.household_id, "member_added")


@sa.event.listens_for(Session, "before_commit")
def _settle(session: Session) -> None:
    if session.in_nested_transaction() or not has_app_context():
        return
    session.flush()
    for _round in range(3):  # opening an item flushes; a second round is always empty
        pending = session.info.pop(_PENDING, None)
        if not pending:
            return
        sync_households(pending, clock.today())
        session.flush()


@sa.event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    if getattr(transaction, "parent", None) is None:
        session.info.pop(_PENDING, None)


def open_spell_on_not_working(worker: Worker, *, reason: str = "", day: date | None = None,
                 source: str = "", **_extra: Any) -> None:
    """A worker said they are out of work (a check-in answer): the household's spell opens
    on that day, inside the same unit of work, and the job loss becomes one of its risks
    (the check-in already put an item in the county's queue, so none is opened here)."""
    if not worker.household_id or not has_app_context():
        return

    day = day or clock.today()
    db.session.flush()
    pending = db.session.info.get(_PENDING) or {}
    pending.pop(worker.household_id, None)
    sync_households({worker.household_id: "job_loss"}, day)
    household = db.session.get(Household, worker.household_id)
    if household is not None:
        add_risk(household, "lost_job", source if source in RISK_SOURCES else "checkin", day,
                 worker=worker, detail={"reason": reason} if reason else {}, todo=False)


def settle_now() -> None:
    """Apply the changes noticed so far in this session (tests and the CLI; a commit does
    it by itself)."""
    db.session.flush()
    pending = db.session.info.pop(_PENDING, None)
    if pending:
        sync_households(pending, clock.today())


# ---- opening and closing spells -----------------------------------------------------------


def zero_key(spell: ZeroEmploymentSpell) -> str:
    """The to-do item's key asking to clear ``spell``."""
    return f"zero:{spell.id}"


def sync_households(changes: Mapping[int, str], day: date) -> dict[str, int]:
    """Open or close the spells of these households (id → reason) to match the register."""
    ids = sorted(changes)
    out = {"opened": 0, "closed": 0}
    if not ids:
        return out
    zero = set(db.session.scalars(sa.select(Household.id).where(
        Household.id.in_(ids), zero_employment())))
    open_spells = {s.household_id: s for s in db.session.scalars(
        sa.select(ZeroEmploymentSpell).where(ZeroEmploymentSpell.household_id.in_(ids),
                                             ZeroEmploymentSpell.ended_on.is_(None)))}
    for hid in ids:
        if hid in zero and hid not in open_spells:
            household = db.session.get(Household, hid)
            if household is not None:
                open_spell(household, day, changes[hid])
                out["opened"] += 1
        elif hid not in zero and hid in open_spells:
            close_spell(open_spells[hid], day, changes[hid])
            out["closed"] += 1
    return out


def open_spell(household: Household, since: date, reason: str) -> ZeroEmploymentSpell:
    """The household has had nobody in work since ``since``: a spell and a to-do item due
    when the clearing time runs out."""
    site = household.site
    spell = ZeroEmploymentSpell(
        household_id=household.id, area_code=household.area_code, site_id=household.site_id,
        started_on=since, start_reason=reason,
        responsible_id=site.contact_officer_id if site is not None else None)
    db.session.add(spell)
    db.session.flush()

    open_item(TodoKind.zero_employment, household.area_code,
              due_on=since + timedelta(days=clear_days()), household=household,
              subject=spell, link=f"/monitoring/households/{household.id}",
              detail=each_language(lambda: _(
                  "Household %(number)s has nobody in work since %(since)s.",
                  number=household.number, since=since.isoformat())),
              dedupe_key=zero_key(spell))
    return spell


def close_spell(spell: ZeroEmploymentSpell, day: date, reason: str) -> None:
    """A member is in work again (or nobody is left to be in work): the spell ends."""
    spell.ended_on = max(day, spell.started_on)
    spell.end_reason = reason
    db.session.flush()
    outcome = _("Cleared on %(day)s: a member is in work.", day=spell.ended_on.isoformat())
    close_by_key(zero_key(spell), outcome)
    close_by_key(f"zero-esc:{spell.id}", outcome)


def _estimated_start(household_ids: list[int], day: date) -> dict[int, date]:
    """When each household last changed: its members' latest status change or arrival."""
    out: dict[int, date] = {}
    latest = sa.func.max(sa.case((Worker.status_changed_at > Worker.created_at,
                                  Worker.status_changed_at), else_=Worker.created_at))
    for i in range(0, len(household_ids), 900):
        for hid, at in db.session.execute(
                sa.select(Worker.household_id, latest)
                .where(Worker.household_id.in_(household_ids[i:i + 900]))
                .group_by(Worker.household_id)):
            out[hid] = min(clock.local_date(at) if isinstance(at, datetime) else day, day)
    return out


def sweep(day: date | None = None) -> dict[str, int]:
    """Nightly (and after bulk writes): spells for every change the watch could not see,
    and escalation of the spells not cleared in time. Safe to run twice."""
    day = day or clock.today()
    zero = set(db.session.scalars(sa.select(Household.id).where(zero_employment())))
    open_spells = {s.household_id: s for s in db.session.scalars(
        sa.select(ZeroEmploymentSpell).where(ZeroEmploymentSpell.ended_on.is_(None)))}
    missing = sorted(zero - open_spells.keys())
    starts = _estimated_start(missing, day)
    counts: Counter = Counter()
    for hid in missing:
        household = db.session.get(Household, hid)
        if household is not None:
            open_spell(household, starts.get(hid, day), "register_check")
            counts["opened"] += 1
    for hid in sorted(open_spells.keys() - zero):
        close_spell(open_spells[hid], day, "register_check")
        counts["closed"] += 1
    counts["escalated"] = escalate(day)

    counts["risks_removed"] = exit_stable_risks(day)
    return dict(counts)


def prefecture_of(code: str) -> str:
    """The prefecture above a county (the county itself when the area is not known)."""
    area = db.session.get(Area, code)
    while area is not None and area.level not in ("prefecture", "province"):
        area = db.session.get(Area, area.parent_code) if area.parent_code else None
    return area.code if area is not None else code


def escalate(day: date) -> int:
    """Spells open longer than the clearing time go to the prefecture's officers (once)."""
    limit = day - timedelta(days=clear_days())
    late = db.session.scalars(sa.select(ZeroEmploymentSpell).where(
        ZeroEmploymentSpell.ended_on.is_(None), ZeroEmploymentSpell.escalated_on.is_(None),
        ZeroEmploymentSpell.started_on < limit).order_by(ZeroEmploymentSpell.id)).all()
    for spell in late:
        spell.escalated_on = day
        household = spell.household
        open_item(TodoKind.zero_escalated, prefecture_of(spell.area_code), within_days=7,
                  household=household, subject=spell,
                  link=f"/monitoring/households/{household.id}",
                  detail=each_language(_l(
                      "Household %(number)s has had nobody in work for %(days)d days "
                      "(target %(target)d).", number=household.number,
                      days=(day - spell.started_on).days, target=clear_days())),
                  dedupe_key=f"zero-esc:{spell.id}")
    db.session.flush()
    return len(late)


# ---- reading ------------------------------------------------------------------------------


def on_date(day: date) -> sa.ColumnElement[bool]:
    """Spells under way on ``day``."""
    s = ZeroEmploymentSpell
    return sa.and_(s.started_on <= day, sa.or_(s.ended_on.is_(None), s.ended_on > day))


def stock(user: User, day: date, *, household_id: int | None = None) -> sa.Select:
    """The spells ``user`` may see that were under way on ``day``, longest first."""
    stmt = visible(sa.select(ZeroEmploymentSpell), ZeroEmploymentSpell, user).where(
        on_date(day))
    if household_id is not None:
        stmt = stmt.where(ZeroEmploymentSpell.household_id == household_id)
    return stmt.order_by(ZeroEmploymentSpell.started_on, ZeroEmploymentSpell.id)


@dataclass
class QueueRow:
    """One line of the clearing queue."""

    spell: ZeroEmploymentSpell
    days: int
    due: date
    overdue: bool
    tried: dict[str, int]
    responsible: User | None


def tried(spells: Iterable[ZeroEmploymentSpell]) -> dict[int, dict[str, int]]:
    """What was tried for each spell's household since it began: referrals and courses of
    its members, and the measures officers recorded (by kind)."""
    spells = list(spells)
    out: dict[int, dict[str, int]] = {s.id: defaultdict(int) for s in spells}
    if not spells:
        return out
    by_household = {s.household_id: s for s in spells}
    hids = list(by_household)
    members: dict[int, int] = {wid: hid for wid, hid in db.session.execute(
        sa.select(Worker.id, Worker.household_id).where(Worker.household_id.in_(hids)))
        if hid is not None}
    wids = list(members)
    if wids:
        for model, key in ((Referral, "referrals"), (Enrolment, "courses")):
            for wid, at in db.session.execute(sa.select(model.worker_id, model.created_at)
                                              .where(model.worker_id.in_(wids))):
                spell = by_household[members[wid]]
                if clock.local_date(at) >= spell.started_on:
                    out[spell.id][key] += 1
    for hid, kind, taken in db.session.execute(
            sa.select(HouseholdMeasure.household_id, HouseholdMeasure.kind,
                      HouseholdMeasure.taken_on).where(HouseholdMeasure.household_id.in_(hids))):
        spell = by_household[hid]
        if taken >= spell.started_on:
            out[spell.id][kind] += 1
    return out


def queue(user: User, day: date, *, limit: int = 200) -> list[QueueRow]:
    """The officer's clearing queue: open spells of their area, most days without work
    first, with the target date, what was tried and who is responsible."""
    spells = db.session.scalars(
        visible(sa.select(ZeroEmploymentSpell), ZeroEmploymentSpell, user)
        .where(ZeroEmploymentSpell.ended_on.is_(None))
        .order_by(ZeroEmploymentSpell.started_on, ZeroEmploymentSpell.id).limit(limit)).all()
    attempts = tried(spells)
    target = clear_days()
    rows = []
    for s in spells:
        due = s.started_on + timedelta(days=target)
        responsible = s.responsible or (s.site.contact_officer if s.site else None)
        rows.append(QueueRow(s, (day - s.started_on).days, due, due < day,
                             dict(attempts.get(s.id, {})), responsible))
    return rows


def take_responsibility(spell: ZeroEmploymentSpell, user: User) -> None:
    """``user`` is now the officer responsible for clearing the spell (audited)."""
    spell.responsible_id = user.id
    db.session.flush()
    audit("zero_employment.responsible", spell, user=user)


# ---- figures ------------------------------------------------------------------------------


def _month_starts(day: date, months: int) -> list[date]:
    first = day.replace(day=1)
    out = []
    for _month in range(months):
        out.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(out))


@dataclass
class Trend:
    """Entries, exits and the stock at each month's end; the median days to clear."""

    months: list[date]
    entries: list[int]
    exits: list[int]
    stock: list[int]
    median_days: float | None
    cleared: int


def trend(user: User, day: date, *, area_code: str | None = None,
          site_id: int | None = None, months: int = 12) -> Trend:
    """Month by month, for the spells ``user`` sees (of one county or one site)."""
    starts = _month_starts(day, months)
    first = starts[0]
    stmt = visible(sa.select(ZeroEmploymentSpell.started_on, ZeroEmploymentSpell.ended_on),
                   ZeroEmploymentSpell, user).where(
        sa.or_(ZeroEmploymentSpell.ended_on.is_(None), ZeroEmploymentSpell.ended_on >= first))
    if area_code:
        stmt = stmt.where(ZeroEmploymentSpell.area_code == area_code)
    if site_id:
        stmt = stmt.where(ZeroEmploymentSpell.site_id == site_id)
    rows = db.session.execute(stmt).all()
    ends = [*starts[1:], day + timedelta(days=1)]
    entries, exits, stocks = [], [], []
    for lo, hi in zip(starts, ends, strict=True):
        entries.append(sum(1 for s, _e in rows if lo <= s < hi))
        exits.append(sum(1 for _s, e in rows if e is not None and lo <= e < hi))
        last = min(hi - timedelta(days=1), day)
        stocks.append(sum(1 for s, e in rows if s <= last and (e is None or e > last)))
    durations = [(e - s).days for s, e in rows if e is not None and e >= first]
    return Trend(starts, entries, exits, stocks,
                 statistics.median(durations) if durations else None, len(durations))
