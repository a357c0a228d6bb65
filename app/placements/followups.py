"""Follow-up rows: created at placement, swept by the scheduler, listed for officers.

Every write here is set-based SQL guarded by the unique key (placement, kind, slot), so
creating or sweeping twice changes nothing the second time.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup, escape

from app import clock
from app.auth.models import Area, User
from app.auth.scoping import code_in_area, visible
from app.employers.models import Employer
from app.extensions import db
from app.registry.models import Household, Worker
from app.scheduler.sqlutil import insert_ignoring_conflicts
from app.sql import affected, paginate_rows

from .followup_models import OPEN_STATUSES, FollowUp, FollowUpKind, FollowUpStatus
from .models import Placement
from .schedule import DEFAULT_OFFSETS, back_to_work_check_date, followup_due_dates, spring_festival

FESTIVAL_CHECK_DAYS = 14  # 节后返岗: about two weeks after Spring Festival
FESTIVAL_LEAD_DAYS = 30  # festival follow-ups appear this long before the festival
FESTIVAL_LATE_DAYS = 60  # … and are still created this long after the check date
REMIND_WORKERS_DAYS = 3  # SMS reminders for follow-ups that fell due in the last N days
SWEEP_BATCH = 100_000  # rows a sweep changes at most per step: keeps every run short
COUNT = {"preserve_rowcount": True}  # INSERT … SELECT row counts on every driver

_INSERT_COLUMNS = ["placement_id", "worker_id", "employer_id", "area_code", "kind", "slot",
                   "due_date", "status", "failed_attempts", "issues", "new_employer_name",
                   "left_reason", "note", "created_at"]


def offsets() -> tuple[int, ...]:
    """Follow-up offsets in days (setting FOLLOWUP_OFFSETS, default 7, 30, 90, 180)."""
    return tuple(current_app.config.get("FOLLOWUP_OFFSETS") or DEFAULT_OFFSETS)


def _check_days() -> int:
    return int(current_app.config.get("FOLLOWUP_FESTIVAL_DAYS", FESTIVAL_CHECK_DAYS))


def _insert(rows: list[dict]) -> None:
    if rows:
        stmt = insert_ignoring_conflicts(FollowUp, conflict=["placement_id", "kind", "slot"])
        db.session.execute(stmt, rows)


def festival_years(today: date) -> list[int]:
    """Years whose back-to-work follow-ups are being created on ``today``."""
    years = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            festival = spring_festival(year)
        except ValueError:
            continue
        check = back_to_work_check_date(year, _check_days())
        if festival - timedelta(days=FESTIVAL_LEAD_DAYS) <= today <= check + timedelta(
                days=FESTIVAL_LATE_DAYS):
            years.append(year)
    return years


def schedule_followups(placement: Placement, *, today: date | None = None) -> list[FollowUp]:
    """Create a placement's follow-ups (day 7/30/90/180 and any festival check); flushes.

    Due dates move to the next working day. A back-dated placement gets its past
    follow-ups too (they show as overdue until recorded). Safe to call twice.
    """
    today = today or clock.today()
    base: dict[str, Any] = {"placement_id": placement.id, "worker_id": placement.worker_id,
            "employer_id": placement.employer_id, "area_code": placement.area_code,
            "status": FollowUpStatus.due.value, "failed_attempts": 0, "issues": [],
            "new_employer_name": "", "left_reason": "", "note": "", "created_at": clock.utcnow()}
    rows = [{**base, "kind": FollowUpKind.day.value, "slot": offset, "due_date": due}
            for offset, due in followup_due_dates(placement.start_date, offsets())]
    year = placement.start_date.year
    while True:
        try:
            festival = spring_festival(year)
        except ValueError:  # beyond the lunar tables
            break
        if festival - timedelta(days=FESTIVAL_LEAD_DAYS) > today:
            break  # not near yet: the sweep creates it when the festival approaches
        if placement.start_date < festival and (
                placement.end_date is None or placement.end_date >= festival):
            rows.append({**base, "kind": FollowUpKind.festival.value, "slot": year,
                         "due_date": back_to_work_check_date(year, _check_days())})
        year += 1
    _insert(rows)
    db.session.flush()
    return list(db.session.scalars(sa.select(FollowUp).where(
        FollowUp.placement_id == placement.id).order_by(FollowUp.due_date)))


def create_festival_followups(today: date, batch: int = SWEEP_BATCH) -> int:
    """Back-to-work follow-ups for every placement active going into the festival (set-based;
    at most ``batch`` rows a run, the next sweep continues — the window opens weeks ahead)."""
    created = 0
    for year in festival_years(today):
        festival = spring_festival(year)
        select = sa.select(
            Placement.id, Placement.worker_id, Placement.employer_id, Placement.area_code,
            sa.literal(FollowUpKind.festival.value), sa.literal(year),
            sa.literal(back_to_work_check_date(year, _check_days()), sa.Date),
            sa.literal(FollowUpStatus.due.value), sa.literal(0),
            sa.literal([], sa.JSON), sa.literal(""), sa.literal(""), sa.literal(""),
            sa.literal(clock.utcnow(), sa.DateTime),
        ).where(
            Placement.start_date < festival,
            sa.or_(Placement.status == "active", Placement.end_date >= festival),
            ~sa.exists().where(FollowUp.placement_id == Placement.id,
                               FollowUp.kind == FollowUpKind.festival.value,
                               FollowUp.slot == year),
        ).order_by(Placement.id).limit(max(batch - created, 0))
        stmt = insert_ignoring_conflicts(FollowUp, conflict=["placement_id", "kind", "slot"])
        created += affected(stmt.from_select(_INSERT_COLUMNS, select), **COUNT)
    return created


def mark_overdue(today: date, batch: int = SWEEP_BATCH) -> int:
    """Open follow-ups due before today become overdue: one UPDATE of at most ``batch`` rows
    (a day's catch-up is a few thousand; an imported backlog takes a few sweeps). The queue
    reads due dates, not this mark, so it is right even before the sweep has run."""
    pending = (sa.select(FollowUp.id)
               .where(FollowUp.status == FollowUpStatus.due.value, FollowUp.due_date < today)
               .limit(batch).scalar_subquery())
    return affected(
        sa.update(FollowUp).where(FollowUp.id.in_(pending))
        .values(status=FollowUpStatus.overdue.value)
        .execution_options(synchronize_session=False))


def queue_worker_reminders(today: date) -> int:
    """SMS to each worker whose follow-up fell due in the last few days (set-based, once)."""
    from app.notifications.models import Notification

    now = clock.utcnow()
    select = sa.select(
        sa.literal("sms"), Worker.id, Worker.phone, Worker.preferred_language,
        sa.literal("followup_due"), sa.literal("FollowUp"), FollowUp.id, sa.literal(""),
        sa.literal(""), sa.literal("pending"), sa.literal(0), sa.literal(now, sa.DateTime),
        sa.literal(""), sa.literal("followup-due:") + sa.cast(FollowUp.id, sa.String),
        sa.literal(now, sa.DateTime),
    ).select_from(FollowUp).join(Worker, Worker.id == FollowUp.worker_id).where(
        FollowUp.status.in_(OPEN_STATUSES),
        FollowUp.due_date <= today,
        FollowUp.due_date > today - timedelta(days=REMIND_WORKERS_DAYS),
        Worker.phone.is_not(None), Worker.phone != "",
    )
    columns = ["channel", "recipient_worker_id", "address", "locale", "kind", "subject_type",
               "subject_id", "link", "text", "status", "attempts", "next_try_at",
               "last_error", "dedupe_key", "created_at"]
    stmt = insert_ignoring_conflicts(Notification, conflict=["dedupe_key"])
    return affected(stmt.from_select(columns, select), **COUNT)


def queue_officer_digests(today: date) -> int:
    """One in-app note per officer per day: overdue and due-today counts in their area."""
    from app.notifications.models import Notification
    from app.notifications.service import notify_user

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = db.session.execute(
        sa.select(FollowUp.area_code,
                  sa.func.sum(sa.case((FollowUp.due_date < today, 1), else_=0)),
                  sa.func.sum(sa.case((FollowUp.due_date == today, 1), else_=0)))
        .where(FollowUp.status.in_(OPEN_STATUSES), FollowUp.due_date <= today)
        .group_by(FollowUp.area_code))
    for code, overdue, due_today in rows:
        counts[code] = [int(overdue or 0), int(due_today or 0)]
    if not counts:
        return 0
    queued = 0
    officers = list(db.session.scalars(sa.select(User).join(
        Area, Area.code == User.area_code).where(User.role == "officer", User.active.is_(True))))
    key = f"digest:%s:{today.isoformat()}"
    sent = set(db.session.scalars(sa.select(Notification.dedupe_key).where(
        Notification.dedupe_key.in_([key % o.id for o in officers]))))
    for officer in officers:  # officers, not follow-ups: a few hundred at most
        if key % officer.id in sent:
            continue
        overdue = sum(c[0] for code, c in counts.items() if code_in_area(code, officer.area))
        due_today = sum(c[1] for code, c in counts.items() if code_in_area(code, officer.area))
        if overdue or due_today:
            notify_user(officer, "followup_digest", key % officer.id,
                        link="/followups", overdue=overdue, today=due_today)
            queued += 1
    return queued


def sweep(today: date) -> dict[str, int]:
    """The 15-minute sweep: festival rows, overdue marks, reminders. Idempotent; flushes."""
    return {
        "festival_created": create_festival_followups(today),
        "marked_overdue": mark_overdue(today),
        "worker_reminders": queue_worker_reminders(today),
        "officer_digests": queue_officer_digests(today),
    }


# --- the officer queue --------------------------------------------------------------------

TABS = ("overdue", "today", "week", "upcoming")
URGENCY = ("overdue", "today", "week", "upcoming")  # the queue opens on the first non-empty
UPCOMING_DAYS = 200  # the upcoming tab reaches past the last day-180 follow-up of a new hire


def first_tab(counts: dict[str, int]) -> str:
    """The most urgent tab that holds something (overdue, then today, week, upcoming)."""
    return next((tab for tab in URGENCY if counts.get(tab)), "today")


def week_end(today: date) -> date:
    """Sunday of the week containing ``today``."""
    return today + timedelta(days=6 - today.weekday())


def _tab_condition(tab: str, today: date) -> sa.ColumnElement[bool]:
    if tab == "today":
        return FollowUp.due_date == today
    if tab == "week":
        return FollowUp.due_date.between(today, week_end(today))
    if tab == "upcoming":  # after this week: the day-7 visit of a hire made today is here
        return FollowUp.due_date.between(week_end(today) + timedelta(days=1),
                                         today + timedelta(days=UPCOMING_DAYS))
    return FollowUp.due_date < today


def _queue_order(due_date: sa.SQLColumnExpression[Any], monitored: sa.SQLColumnExpression[Any],
                 failed_attempts: sa.SQLColumnExpression[Any],
                 id_: sa.SQLColumnExpression[Any]) -> tuple:
    """By due date, monitored households first, then the most failed attempts."""
    return (due_date, sa.case((monitored.is_(True), 0), else_=1), failed_attempts.desc(), id_)


def queue(user: User, tab: str, today: date) -> sa.Select:
    """Open follow-ups of the user's area for a tab; by due date, monitored households first.

    Rows of what the queue shows (no ORM objects): the follow-up's columns, its worker's
    ``worker_name`` and the household's ``monitored`` and ``at_risk`` marks."""
    stmt = (
        sa.select(FollowUp.id, FollowUp.placement_id, FollowUp.employer_id, FollowUp.due_date,
                  FollowUp.kind, FollowUp.slot, FollowUp.failed_attempts,
                  FollowUp.escalated_to_id, FollowUp.worker_id,
                  Worker.name.label("worker_name"), Worker.phone.label("worker_phone"),
                  Household.monitored, Household.at_risk)
        .select_from(FollowUp)
        .join(Worker, Worker.id == FollowUp.worker_id)
        .outerjoin(Household, Household.id == Worker.household_id)
        .where(FollowUp.status.in_(OPEN_STATUSES), _tab_condition(tab, today))
        .order_by(*_queue_order(FollowUp.due_date, Household.monitored,
                                FollowUp.failed_attempts, FollowUp.id))
    )
    return visible(stmt, FollowUp, user)


def queue_page(user: User, tab: str, today: date, page: int, total: int,
               per_page: int = 50) -> Any:
    """One page of ``queue`` rows, each with ``employer_name`` (the registered employer's,
    else the name typed on the placement); ``total`` is the tab's count (``queue_counts``):
    an empty tab asks nothing more."""
    def page_of(limit: int, offset: int) -> sa.Select:
        # The employer and placement are joined to the page's rows only, not to every open
        # follow-up the sort reads.
        rows = queue(user, tab, today).limit(limit).offset(offset).subquery()
        return (sa.select(rows, sa.func.coalesce(Employer.name, Placement.employer_name)
                          .label("employer_name"))
                .join(Placement, Placement.id == rows.c.placement_id)
                .outerjoin(Employer, Employer.id == rows.c.employer_id)
                .order_by(*_queue_order(rows.c.due_date, rows.c.monitored,
                                        rows.c.failed_attempts, rows.c.id)))

    return paginate_rows(page_of, page=page, per_page=per_page, error_out=True, total=total)


def queue_counts(user: User, today: date) -> dict[str, int]:
    """How many follow-ups each tab holds for the user."""
    # One pass over the open follow-ups due within the upcoming window (the partial index
    # ix_follow_up_open_area_due holds exactly those rows), counted per tab.
    stmt = visible(sa.select(*(
        sa.func.coalesce(sa.func.sum(sa.case((_tab_condition(tab, today), 1), else_=0)), 0)
        for tab in TABS)).where(FollowUp.status.in_(OPEN_STATUSES),
                                FollowUp.due_date <= today + timedelta(days=UPCOMING_DAYS)),
        FollowUp, user)
    return dict(zip(TABS, (int(n) for n in db.session.execute(stmt).one()), strict=True))


# --- follow-ups by shown status (the API's ?status=) ----------------------------------------

SHOWN_STATUSES = ("due", "overdue", "done", "cancelled")


def status_condition(status: str, today: date) -> sa.ColumnElement[bool]:
    """Follow-ups in a shown status. Like the queue, this reads due dates, not the sweep's
    mark: overdue = open and due before today; due = open and due today or later."""
    if status == "overdue":
        return sa.and_(FollowUp.status.in_(OPEN_STATUSES), FollowUp.due_date < today)
    if status == "due":
        return sa.and_(FollowUp.status.in_(OPEN_STATUSES), FollowUp.due_date >= today)
    return FollowUp.status == status


def shown_status(fu: FollowUp, today: date) -> str:
    """The status ``status_condition`` files a follow-up under on ``today``."""
    if fu.is_open:
        return "overdue" if fu.due_date < today else "due"
    return fu.status


# --- what a hire scheduled, in words -----------------------------------------------------

def placement_followups(placement_id: int) -> list[FollowUp]:
    """A placement's follow-ups, soonest first."""
    return list(db.session.scalars(sa.select(FollowUp).where(
        FollowUp.placement_id == placement_id).order_by(FollowUp.due_date, FollowUp.id)))


def followup_label(kind: str, slot: int) -> str:
    """"Day 7" / "After Spring Festival 2027" in the page's language."""
    from .followup_models import LABELS

    return str(LABELS["kind"].get(kind, kind)) % {"n": slot}


def scheduled_text(followups: list[FollowUp]) -> str:
    """"day 7 (2026-12-14), day 30 (2027-01-06), …" in the page's language."""
    from flask_babel import gettext as _

    return _("; ").join(_("%(label)s on %(day)s", label=followup_label(f.kind, f.slot),
                          day=f.due_date.isoformat()) for f in followups)


def hire_message(placement: Placement, user: User) -> Markup:
    """What the hire did, said after 确认录用: who starts when, the follow-ups it scheduled
    with their dates, and (for officers) links to the worker's placements and the queue."""
    from flask import url_for
    from flask_babel import gettext as _

    from app.vocabulary import OFFICERS

    from .people import worker_link

    followups = placement_followups(placement.id)
    text = _("Hire confirmed: %(worker)s starts on %(day)s.", worker=placement.worker.name,
             day=placement.start_date.isoformat())
    parts = [escape(text)]
    if followups:
        parts.append(escape(" " + _("Follow-ups scheduled: %(list)s.",
                                    list=scheduled_text(followups))))
    else:
        parts.append(escape(" " + _("No follow-ups were scheduled.")))
    if user.role in OFFICERS:
        parts.append(Markup(' <a class="alert-link" href="{}">{}</a> · '
                            '<a class="alert-link" href="{}">{}</a>').format(
            worker_link(placement.worker_id) + "#placements", _("See them on the worker's page"),
            url_for("placements.queue", tab="upcoming"), _("Upcoming follow-ups")))
    else:
        parts.append(escape(" " + _("The employment office will contact the worker on "
                                    "these dates.")))
    return Markup("").join(parts)
