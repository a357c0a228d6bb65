"""Queue messages into the outbox (flushes only; jobs and views commit)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.scheduler.sqlutil import insert_ignoring_conflicts
from app.sql import affected

from .messages import MESSAGES, render
from .models import Channel, Notification, NotificationStatus


def _queue(values: dict[str, Any]) -> Notification:
    """Insert unless a row with the same dedupe_key exists; return the row either way."""
    stmt = insert_ignoring_conflicts(Notification, conflict=["dedupe_key"]).values(**values)
    db.session.execute(stmt)
    return db.session.scalars(
        sa.select(Notification).where(Notification.dedupe_key == values["dedupe_key"])).one()


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """The values a message can be said again from (plain JSON values only)."""
    plain = (str, int, float, bool, type(None))
    return {k: v for k, v in params.items() if isinstance(v, plain) or (
        isinstance(v, list | tuple) and all(isinstance(i, plain) for i in v))}


def shown_text(notification: Notification, locale: str) -> str:
    """An in-app message in ``locale``: said again from its values when it has them."""
    if notification.params is not None and notification.kind in MESSAGES:
        try:
            return render(notification.kind, locale, notification.params)
        except (KeyError, TypeError, ValueError):
            pass
    return notification.text


def notify_user(user: User, kind: str, dedupe_key: str, *, link: str = "",
                subject: Any = None, **params: Any) -> Notification:
    """An in-app message to a user, in their language; a repeated dedupe_key is a no-op."""
    now = utcnow()
    locale = user.locale or "zh"
    return _queue({
        "channel": Channel.in_app.value, "recipient_user_id": user.id, "locale": locale,
        "kind": kind, "link": link, "text": render(kind, locale, params),
        "params": _plain(params),
        "subject_type": type(subject).__name__ if subject is not None else None,
        "subject_id": getattr(subject, "id", None),
        # in-app messages are delivered by being stored
        "status": NotificationStatus.sent.value, "sent_at": now, "attempts": 0,
        "next_try_at": now, "created_at": now, "dedupe_key": dedupe_key[:128],
        "address": "", "last_error": "",
    })


def notify_phone(worker: Any, kind: str, dedupe_key: str, *, link: str = "",
                 subject: Any = None, **params: Any) -> Notification | None:
    """An SMS to a worker's phone on the register, in their language (None without a
    phone); a repeated dedupe_key is a no-op."""
    if not getattr(worker, "phone", None):
        return None
    now = utcnow()
    locale = worker.preferred_language or "zh"
    return _queue({
        "channel": Channel.sms.value, "recipient_worker_id": worker.id, "locale": locale,
        "kind": kind, "link": link, "text": render(kind, locale, params),
        "subject_type": type(subject).__name__ if subject is not None else None,
        "subject_id": getattr(subject, "id", None),
        "status": NotificationStatus.pending.value, "sent_at": None, "attempts": 0,
        "next_try_at": now, "created_at": now, "dedupe_key": dedupe_key[:128],
        "address": worker.phone, "last_error": "",
    })


def unread_count(user: User) -> int:
    """In-app messages the user has not read yet."""
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.recipient_user_id == user.id, Notification.read_at.is_(None),
        Notification.channel == Channel.in_app.value)) or 0


def inbox(user: User) -> sa.Select:
    """The user's in-app messages, newest first."""
    return sa.select(Notification).where(
        Notification.recipient_user_id == user.id,
        Notification.channel == Channel.in_app.value,
    ).order_by(Notification.created_at.desc(), Notification.id.desc())


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or every) message of the user as read; returns how many changed."""
    stmt = sa.update(Notification).where(
        Notification.recipient_user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return affected(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False))
