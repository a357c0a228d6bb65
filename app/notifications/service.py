"""Queue messages into the outbox (flushes only; jobs and views commit)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.i18n import is_words
from app.sql import affected, insert_ignoring_conflicts, table_of

from .messages import MESSAGES, render
from .models import Channel, Notification, NotificationStatus


def _queue(values: dict[str, Any]) -> Notification:
    """Insert unless a row with the same dedupe_key exists; return the row either way (the
    inserted one comes back with the INSERT: read only when it was there already)."""
    stmt = insert_ignoring_conflicts(Notification, conflict=["dedupe_key"]).values(**values)
    inserted = db.session.scalars(stmt.returning(Notification)).one_or_none()
    if inserted is not None:
        return inserted
    return db.session.scalars(
        sa.select(Notification).where(Notification.dedupe_key == values["dedupe_key"])).one()


def _queue_only(values: dict[str, Any]) -> None:
    """:func:`_queue` when nobody needs the row: a plain INSERT, nothing read back."""
    db.session.execute(insert_ignoring_conflicts(table_of(Notification),
                                                 conflict=["dedupe_key"]).values(**values))


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """The values a message can be said again from (plain JSON values only, and texts in
    several languages from ``app.i18n.each_language``)."""
    plain = (str, int, float, bool, type(None))
    return {k: v for k, v in params.items() if isinstance(v, plain) or is_words(v) or (
        isinstance(v, list | tuple) and all(isinstance(i, plain) for i in v))}


def shown_text(notification: Notification, locale: str) -> str:
    """An in-app message in ``locale``: said again from its values when it has them."""
    if notification.params is not None and notification.kind in MESSAGES:
        try:
            return render(notification.kind, locale, notification.params)
        except (KeyError, TypeError, ValueError):
            pass
    return notification.text


def _in_app(user_id: int, locale: str | None, kind: str, dedupe_key: str, link: str,
            subject: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The row of an in-app message to a user, in their language."""
    now = utcnow()
    locale = locale or "zh"
    return {
        "channel": Channel.in_app.value, "recipient_user_id": user_id, "locale": locale,
        "kind": kind, "link": link, "text": render(kind, locale, params),
        "params": _plain(params),
        "subject_type": type(subject).__name__ if subject is not None else None,
        "subject_id": getattr(subject, "id", None),
        # in-app messages are delivered by being stored
        "status": NotificationStatus.sent.value, "sent_at": now, "attempts": 0,
        "next_try_at": now, "created_at": now, "dedupe_key": dedupe_key[:128],
        "address": "", "last_error": "",
    }


def _sms(phone: str, kind: str, dedupe_key: str, locale: str | None, worker_id: int | None,
         subject: Any, link: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """The row of an SMS to ``phone`` written in ``locale`` (None without a phone)."""
    phone = (phone or "").strip()
    if not phone:
        return None
    locale = locale if locale in ("zh", "en") else "zh"
    now = utcnow()
    return {
        "channel": Channel.sms.value, "recipient_user_id": None,
        "recipient_worker_id": worker_id, "locale": locale, "kind": kind, "link": link,
        "text": render(kind, locale, params),
        "subject_type": type(subject).__name__ if subject is not None else None,
        "subject_id": getattr(subject, "id", None),
        "status": NotificationStatus.pending.value, "sent_at": None, "attempts": 0,
        "next_try_at": now, "created_at": now, "dedupe_key": dedupe_key[:128],
        "address": phone[:64], "last_error": "",
    }


def notify_user(user: User, kind: str, dedupe_key: str, *, link: str = "",
                subject: Any = None, **params: Any) -> Notification:
    """An in-app message to a user, in their language; a repeated dedupe_key is a no-op."""
    return _queue(_in_app(user.id, user.locale, kind, dedupe_key, link, subject, params))


def notify_sms(phone: str, kind: str, dedupe_key: str, *, locale: str | None = "zh",
               worker_id: int | None = None, subject: Any = None, link: str = "",
               **params: Any) -> Notification | None:
    """An SMS to ``phone`` into the outbox (delivered with retries), written now in
    ``locale``; nothing without a phone; a repeated dedupe_key is a no-op."""
    values = _sms(phone, kind, dedupe_key, locale, worker_id, subject, link, params)
    return _queue(values) if values is not None else None


def notify_phone(worker: Any, kind: str, dedupe_key: str, *, link: str = "",
                 subject: Any = None, **params: Any) -> Notification | None:
    """An SMS to a worker's phone on the register, in their language (None without a
    phone); a repeated dedupe_key is a no-op."""
    return notify_sms(getattr(worker, "phone", None) or "", kind, dedupe_key,
                      locale=worker.preferred_language or "zh", worker_id=worker.id,
                      subject=subject, link=link, **params)


def on_employer_standing_changed(employer: Any, *, kind: str, params: dict[str, Any]) -> None:
    """Receiver of ``signals.employer_standing_changed``: the employer hears of it."""
    tell_employer(employer, kind, f"{kind}:{employer.id}:{utcnow():%Y%m%d%H%M%S}",
                  link="/employers/jobs", **params)


def tell_employer(employer: Any, kind: str, dedupe_key: str, *, link: str = "",
                  **params: Any) -> None:
    """Tell an employer: on the page of each of its logins, and by SMS to its contact
    phone (in the language of its first login). Nothing is read back."""
    logins = db.session.execute(sa.select(User.id, User.locale).where(
        User.employer_id == employer.id, User.active.is_(True)).order_by(User.id)).all()
    for user_id, locale in logins:
        _queue_only(_in_app(user_id, locale, kind, f"{dedupe_key}:u{user_id}", link,
                            employer, params))
    sms = _sms(employer.contact_phone, kind, f"sms:{dedupe_key}",
               logins[0].locale if logins else "zh", None, employer, "", params)
    if sms is not None:
        _queue_only(sms)


def tell_worker(worker: Any, kind: str, dedupe_key: str, *, link: str = "",
                **params: Any) -> None:
    """Tell a worker: on their own page when they have a trainee login, and by SMS to
    their phone in their language. Nothing is read back."""
    for user_id, locale in db.session.execute(sa.select(User.id, User.locale).where(
            User.worker_id == worker.id, User.active.is_(True))):
        _queue_only(_in_app(user_id, locale, kind, f"{dedupe_key}:u{user_id}", link, worker,
                            params))
    sms = _sms(getattr(worker, "phone", None) or "", kind, f"sms:{dedupe_key}",
               worker.preferred_language or "zh", worker.id, worker, "", params)
    if sms is not None:
        _queue_only(sms)


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
