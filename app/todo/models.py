"""A to-do item: something an officer of an area must act on by a date."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from app.i18n import in_language


class TodoStatus(enum.StrEnum):
    """open → done (closed with an outcome) or dropped (nothing to do after all)."""

    open = "open"
    done = "done"
    dropped = "dropped"


class Todo(Model):
    """One thing to do, for the officers of ``area_code`` (a county, or wider).

    ``kind`` says what it is (a ``TodoKind`` in ``app.todo.kinds``); ``subject_type`` and
    ``subject_id`` name the record it is about (a declaration, a check-in …) and ``link``
    where to handle it. ``dedupe_key`` makes opening the same item twice a no-op.
    """

    __tablename__ = "todo"
    __scope__ = {"area": "area_code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household.id"),
                                                     index=True)
    subject_type: Mapped[str | None] = mapped_column(sa.String(32))
    subject_id: Mapped[int | None]
    link: Mapped[str] = mapped_column(sa.String(256), default="")
    # Who to call when there is no worker record (a visitor's "call me" request).
    contact_name: Mapped[str] = mapped_column(sa.String(64), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(32), default="")
    detail: Mapped[str] = mapped_column(sa.String(1000), default="")
    # The detail in each language ({"zh": …, "en": …}, app.i18n.each_language) when it was
    # written so: the list shows the reader's; ``detail`` is the Chinese (or the only) one.
    detail_words: Mapped[dict | None] = mapped_column(sa.JSON)
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(sa.String(8), default=TodoStatus.open.value)
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    outcome: Mapped[str] = mapped_column(sa.String(1000), default="")
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(128), unique=True)

    def detail_in(self, locale: str) -> str:
        """The detail in ``locale`` when it was written in every language."""
        return str(in_language(self.detail_words, locale) or self.detail)

    worker = relationship("Worker")
    household = relationship("Household")
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])

    __table_args__ = (
        sa.Index("ix_todo_status_due", "status", "due_on"),
        sa.CheckConstraint("status in ('open', 'done', 'dropped')", name="status_known"),
    )
