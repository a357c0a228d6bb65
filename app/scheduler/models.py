"""Task bookkeeping, and the lease row that locks a task on SQLite."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model


class SchedulerLease(Model):
    """One row per task: who holds it until when (SQLite lock) and how its last run went."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(128), default="")
    expires_at: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_status: Mapped[str] = mapped_column(sa.String(16), default="")  # ok | error | skipped
    last_detail: Mapped[str] = mapped_column(sa.String(512), default="")
