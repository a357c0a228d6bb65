"""The resolved skills of workers."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import Model


class WorkerSkill(Model):
    """One part of a worker's typed skills and what it resolved to.

    ``skill_code`` is NULL when the text could not be resolved: the text is kept and shown
    to the officer instead of being dropped or guessed.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id", ondelete="CASCADE"),
                                           index=True)
    skill_code: Mapped[str | None] = mapped_column(sa.String(48))
    level: Mapped[int] = mapped_column(default=2)  # 1 beginner .. 5 expert
    source_text: Mapped[str] = mapped_column(sa.String(128), default="")
    method: Mapped[str | None] = mapped_column(sa.String(16))  # alias|contains|chars|pinyin
    confidence: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
    )

    @property
    def resolved(self) -> bool:
        """Whether the text was matched to a canonical skill."""
        return self.skill_code is not None
