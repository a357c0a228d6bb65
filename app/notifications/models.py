"""The outbox: one row per message to one recipient on one channel."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model


class Channel(enum.StrEnum):
    """How a message reaches its recipient."""

    sms = "sms"
    wechat = "wechat"
    in_app = "in_app"


class NotificationStatus(enum.StrEnum):
    """pending → sending (claimed by one deliverer) → sent, or back to pending, or failed."""

    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class Notification(Model):
    """A queued message. ``dedupe_key`` is unique: queuing the same message twice is a no-op.

    ``text`` is rendered in ``locale`` when queued, or at delivery from ``kind`` and the
    subject for rows inserted set-wise by the scheduler.
    """

    __tablename__ = "notification"
    # Only the recipient reads an in-app message; views filter on recipient_user_id.
    __scope__ = {"worker": "recipient_worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(8))
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    recipient_worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("worker.id"),
                                                            index=True)
    address: Mapped[str] = mapped_column(sa.String(64), default="")  # phone or WeChat id
    locale: Mapped[str] = mapped_column(sa.String(8), default="zh")
    kind: Mapped[str] = mapped_column(sa.String(32))
    subject_type: Mapped[str | None] = mapped_column(sa.String(32))
    subject_id: Mapped[int | None]
    link: Mapped[str] = mapped_column(sa.String(256), default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")
    # The message's values (in-app messages): the page says it again in the reader's
    # current language; ``text`` is what was sent (SMS) or the fallback.
    params: Mapped[dict | None] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(8), default=NotificationStatus.pending.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.String(256), default="")
    dedupe_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]

    recipient_user = relationship("User")
    recipient_worker = relationship("Worker")

    __table_args__ = (
        sa.Index("ix_notification_status_next_try", "status", "next_try_at"),
        sa.Index("ix_notification_user_read", "recipient_user_id", "read_at"),
        sa.CheckConstraint("channel in ('sms', 'wechat', 'in_app')", name="channel_known"),
        sa.CheckConstraint("status in ('pending', 'sending', 'sent', 'failed')",
                           name="status_known"),
    )
