"""Monthly check-ins (每月报平安): an SMS with a personal link to every worker employed
outside their county, two reminders, then an officer's call (a to-do item).

Sending is set-wise SQL guarded by unique keys — (worker, month) for the check-in,
``dedupe_key`` for each message — so a second run, or a second scheduler, adds nothing.
Nothing is sent on a non-working day (the follow-ups' Chinese working-day calendar,
``app.placements.schedule``): the month's first send waits for the first working day on or
after ``CHECKIN_DAY``, and reminders wait for the next working day.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from app import clock
from app.auth.models import User
from app.notifications.delivery import register_subject_params
from app.notifications.models import Notification
from app.placements.models import Placement
from app.placements.schedule import is_working_day, next_working_day
from app.registry.models import Worker
from app.scheduler.sqlutil import insert_ignoring_conflicts
from app.sql import affected

from .models import CheckIn, CheckInStatus, EmploymentRecord
from .records import add_months, month_of

REMINDERS = 2  # reminders before an officer is asked to call
COUNT = {"preserve_rowcount": True}
_SIG_CHARS = 10
_NOTIFICATION_COLUMNS = ["channel", "recipient_worker_id", "address", "locale", "kind",
                         "subject_type", "subject_id", "link", "text", "status", "attempts",
                         "next_try_at", "last_error", "dedupe_key", "created_at"]
_CHECKIN_COLUMNS = ["worker_id", "area_code", "month", "record_id", "placement_id", "status",
                    "reminders", "last_sent_on", "new_employer_name", "new_place", "reason",
                    "issue", "created_at"]


# --- the personal link ---------------------------------------------------------------------

def _signature(checkin_id: int) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"checkin:{checkin_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:_SIG_CHARS]


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def token_for(checkin_id: int) -> str:
    """The check-in's short token: its id and a signature (nothing stored)."""
    return _base36(checkin_id) + _signature(checkin_id)


def checkin_for_token(token: str) -> CheckIn | None:
    """The check-in a token names, or None when it is malformed or forged."""
    from app.extensions import db

    token = (token or "").strip().lower()
    if not 1 + _SIG_CHARS <= len(token) <= 13 + _SIG_CHARS:
        return None
    try:
        checkin_id = int(token[:-_SIG_CHARS], 36)
    except ValueError:
        return None
    if not hmac.compare_digest(token[-_SIG_CHARS:], _signature(checkin_id)):
        return None
    return db.session.get(CheckIn, checkin_id)


def link_for(checkin_id: int) -> str:
    """The absolute short link of a check-in (``PUBLIC_BASE_URL`` + /c/<token>)."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}/c/{token_for(checkin_id)}"


def _message_params(checkin_id: int) -> dict:
    """What a check-in SMS says, filled in at delivery (rows are queued set-wise)."""
    from app.extensions import db

    row = db.session.execute(sa.select(Worker.name).join(
        CheckIn, CheckIn.worker_id == Worker.id).where(CheckIn.id == checkin_id)).first()
    return {"name": row.name if row else "", "link": link_for(checkin_id)}


register_subject_params("CheckIn", _message_params)


# --- when -----------------------------------------------------------------------------------

def send_day(month: date) -> date:
    """The month's sending day: the first working day on or after CHECKIN_DAY."""
    day = int(current_app.config.get("CHECKIN_DAY", 5))
    return next_working_day(month.replace(day=max(1, min(day, 28))))


def _gap() -> int:
    return int(current_app.config.get("CHECKIN_REMIND_DAYS", 3))


# --- the sweep ------------------------------------------------------------------------------

def _eligible_records(month: date, day: date, now: sa.ColumnElement) -> sa.Select:
    """Open records outside the worker's county, started before the month."""
    return sa.select(
        EmploymentRecord.worker_id, EmploymentRecord.area_code, sa.literal(month, sa.Date),
        EmploymentRecord.id, sa.null(), sa.literal(CheckInStatus.sent.value), sa.literal(0),
        sa.literal(day, sa.Date), sa.literal(""), sa.literal(""), sa.literal(""),
        sa.literal(""), now,
    ).join(Worker, Worker.id == EmploymentRecord.worker_id).where(
        EmploymentRecord.end_month.is_(None), EmploymentRecord.start_month < month,
        sa.or_(EmploymentRecord.place_code.is_(None),
               EmploymentRecord.place_code != EmploymentRecord.area_code),
        Worker.merged_into_id.is_(None), Worker.phone.is_not(None), Worker.phone != "")


def _eligible_placements(month: date, day: date, now: sa.ColumnElement) -> sa.Select:
    """Qianlu's active placements outside the worker's county, started before the month."""
    return sa.select(
        Placement.worker_id, Placement.area_code, sa.literal(month, sa.Date), sa.null(),
        Placement.id, sa.literal(CheckInStatus.sent.value), sa.literal(0),
        sa.literal(day, sa.Date), sa.literal(""), sa.literal(""), sa.literal(""),
        sa.literal(""), now,
    ).join(Worker, Worker.id == Placement.worker_id).where(
        Placement.status == "active", Placement.local.is_(False), Placement.start_date < month,
        Worker.merged_into_id.is_(None), Worker.phone.is_not(None), Worker.phone != "")


def create_checkins(day: date, *, early: bool = False) -> int:
    """The month's check-ins, on or after its sending day (``early``: on ``day`` whatever
    the sending day; demo data) — set-based, once per worker and month. ``last_sent_on`` is
    the day the first message goes."""
    month = month_of(day)
    if day < send_day(month) and not early:
        return 0
    now = sa.literal(clock.utcnow(), sa.DateTime)
    created = 0
    for select in (_eligible_records(month, day, now), _eligible_placements(month, day, now)):
        stmt = insert_ignoring_conflicts(CheckIn, conflict=["worker_id", "month"])
        created += affected(stmt.from_select(_CHECKIN_COLUMNS, select), **COUNT)
    return created


def _months(day: date) -> sa.ColumnElement[bool]:
    """This month's check-ins and last month's (still reminded after the turn of a month)."""
    month = month_of(day)
    return CheckIn.month.in_([month, add_months(month, -1)])


def _queue(months: sa.ColumnElement[bool], condition: sa.ColumnElement[bool], kind: str,
           number: sa.ColumnElement) -> int:
    """SMS for every check-in of the month meeting ``condition`` (dedupe: id and number)."""
    now = sa.literal(clock.utcnow(), sa.DateTime)
    select = sa.select(
        sa.literal("sms"), Worker.id, Worker.phone, Worker.preferred_language,
        sa.literal(kind), sa.literal("CheckIn"), CheckIn.id, sa.literal(""), sa.literal(""),
        sa.literal("pending"), sa.literal(0), now, sa.literal(""),
        sa.literal("checkin:") + sa.cast(CheckIn.id, sa.String) + sa.literal(":")
        + sa.cast(number, sa.String), now,
    ).select_from(CheckIn).join(Worker, Worker.id == CheckIn.worker_id).where(
        months, condition, Worker.phone.is_not(None), Worker.phone != "")
    stmt = insert_ignoring_conflicts(Notification, conflict=["dedupe_key"])
    return affected(stmt.from_select(_NOTIFICATION_COLUMNS, select), **COUNT)


def queue_first_messages(day: date) -> int:
    """The month's first SMS of each check-in sent today (set-based, once)."""
    return _queue(CheckIn.month == month_of(day),
                  sa.and_(CheckIn.status == CheckInStatus.sent.value,
                          CheckIn.reminders == 0, CheckIn.last_sent_on == day),
                  "checkin", sa.literal(0))


def _waiting(day: date) -> sa.ColumnElement[bool]:
    return sa.and_(CheckIn.status == CheckInStatus.sent.value,
                   CheckIn.last_sent_on <= day - timedelta(days=_gap()))


def queue_reminders(day: date) -> int:
    """A reminder to each unanswered check-in whose last message is ``CHECKIN_REMIND_DAYS``
    old, at most two (set-based; the message first, then the count, both keyed)."""
    condition = sa.and_(_waiting(day), CheckIn.reminders < REMINDERS)
    queued = _queue(_months(day), condition, "checkin_reminder", CheckIn.reminders + 1)
    affected(sa.update(CheckIn).where(_months(day), condition)
             .values(reminders=CheckIn.reminders + 1, last_sent_on=day)
             .execution_options(synchronize_session=False))
    return queued


def open_calls(day: date, batch: int = 2000) -> int:
    """No answer after two reminders: the check-in is marked and its county's officers get
    a to-do item to call (``open_item``, keyed by the check-in: never twice)."""
    from app.extensions import db
    from app.todo.kinds import TodoKind
    from app.todo.service import open_item

    rows = db.session.execute(
        sa.select(CheckIn.id, CheckIn.worker_id, CheckIn.area_code, CheckIn.month).where(
            _months(day), _waiting(day), CheckIn.reminders >= REMINDERS)
        .order_by(CheckIn.id).limit(batch)).all()
    if not rows:
        return 0
    db.session.execute(
        sa.update(CheckIn).where(CheckIn.id.in_([r.id for r in rows]),
                                 CheckIn.status == CheckInStatus.sent.value)
        .values(status=CheckInStatus.no_answer.value)
        .execution_options(synchronize_session=False))
    workers = {w.id: w for w in db.session.scalars(
        sa.select(Worker).where(Worker.id.in_([r.worker_id for r in rows])))}
    for row in rows:
        subject = db.session.get(CheckIn, row.id)
        open_item(TodoKind.checkin_no_answer, row.area_code,
                  worker=workers.get(row.worker_id), subject=subject,
                  link=f"/checkins/{row.id}", detail=f"{row.month:%Y-%m}",
                  dedupe_key=f"checkin-call:{row.id}",
                  within_days=2)
    return len(rows)


def sweep(day: date) -> dict[str, int]:
    """The check-in job: create and send the month's, remind, ask officers to call. Runs
    only on working days; idempotent (flushes; the job commits)."""
    if not is_working_day(day):
        return {"skipped_holiday": 1}
    created = create_checkins(day)
    return {"created": created, "sent": queue_first_messages(day),
            "reminders": queue_reminders(day), "calls": open_calls(day)}


def month_counts(user: User, month: date) -> dict[str, int]:
    """Check-ins of ``month`` the user sees, by status."""
    from app.auth.scoping import visible
    from app.extensions import db

    rows = db.session.execute(visible(
        sa.select(CheckIn.status, sa.func.count(CheckIn.id)).where(CheckIn.month == month)
        .group_by(CheckIn.status), CheckIn, user)).all()
    out = {s.value: 0 for s in CheckInStatus}
    out.update({status: int(n) for status, n in rows})
    return out


def previous_month(month: date) -> date:
    """The month before."""
    return add_months(month, -1)
