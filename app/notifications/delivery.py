"""Delivering the outbox: claim a batch, send each, record the result with back-off.

Nothing is sent twice: a row is claimed (pending → sending) and committed before it is
sent, so a second deliverer never picks it up; a deliverer that dies holding a claim leaves
the row in ``sending`` until the claim times out, and the retry carries the same
Idempotency-Key to the gateway.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db

from .messages import render
from .models import Channel, Notification, NotificationStatus
from .senders import Sender, SendError, sender_for

BACKOFF_MINUTES = (1, 5, 30, 120, 720)  # after the 1st, 2nd, … failed attempt
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
CLAIM_TIMEOUT = timedelta(minutes=15)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures."""
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def claim_batch(now: datetime, limit: int = 200) -> list[int]:
    """Claim up to ``limit`` due messages (flushes; commit before sending)."""
    # claims of a deliverer that died are released once they time out
    db.session.execute(
        sa.update(Notification)
        .where(Notification.status == NotificationStatus.sending.value,
               Notification.next_try_at < now)
        .values(status=NotificationStatus.pending.value)
        .execution_options(synchronize_session=False))
    ids = list(db.session.scalars(
        sa.select(Notification.id)
        .where(Notification.status == NotificationStatus.pending.value,
               Notification.next_try_at <= now, Notification.channel != Channel.in_app.value)
        .order_by(Notification.next_try_at, Notification.id).limit(limit)))
    if not ids:
        return []
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(ids), Notification.status == NotificationStatus.pending.value)
        .values(status=NotificationStatus.sending.value, next_try_at=now + CLAIM_TIMEOUT)
        .execution_options(synchronize_session=False))
    return ids


# Features that queue rows set-wise say what their messages need, by subject type:
# ``fn(subject_id) -> params`` (the check-ins' personal link, for example).
_SUBJECT_PARAMS: dict[str, Callable[[int], dict]] = {}


def register_subject_params(subject_type: str, fn: Callable[[int], dict]) -> None:
    """Declare how a set-wise queued message about ``subject_type`` gets its parameters."""
    _SUBJECT_PARAMS[subject_type] = fn


def _text_for(n: Notification) -> str:
    """Render a row queued set-wise (text empty) from its kind and subject."""
    from app.placements.followup_models import FollowUp

    params: dict = {}
    if n.subject_type == "FollowUp" and n.subject_id:
        fu = db.session.get(FollowUp, n.subject_id)
        params["name"] = fu.worker.name if fu else ""
    elif n.subject_type in _SUBJECT_PARAMS and n.subject_id:
        params = _SUBJECT_PARAMS[n.subject_type](n.subject_id)
    return render(n.kind, n.locale, params)


def send_one(notification_id: int, now: datetime,
             sender: Callable[[str], Sender] = sender_for) -> str:
    """Send one claimed message and record the outcome: sent, retry or failed (flushes)."""
    n = db.session.get(Notification, notification_id, populate_existing=True)
    if n is None or n.status != NotificationStatus.sending.value:
        return "skipped"
    if not n.text:
        n.text = _text_for(n)
    n.attempts += 1
    try:
        sender(n.channel).send(n)
    except SendError as exc:
        n.last_error = str(exc)[:256]
        if exc.permanent or n.attempts >= MAX_ATTEMPTS:
            n.status = NotificationStatus.failed.value
            result = "failed"
        else:
            n.status = NotificationStatus.pending.value
            n.next_try_at = now + backoff(n.attempts)
            result = "retry"
    else:
        n.status, n.sent_at, n.last_error = NotificationStatus.sent.value, now, ""
        result = "sent"
    db.session.flush()
    return result
