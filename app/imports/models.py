"""ImportRun: one uploaded file on its way into the database."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model


class ImportStatus(enum.StrEnum):
    """queued → running → done | failed."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class ImportRun(Model):
    """An import of one file: progress, counts, the bad rows and how it ended."""

    __tablename__ = "import_job"  # the table keeps its first name

    __scope__ = {"area": "area_code", "employer": "employer_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)  # importer name, e.g. "roster"
    filename: Mapped[str] = mapped_column(sa.String(256))
    stored_path: Mapped[str | None] = mapped_column(sa.String(512))  # removed when finished
    status: Mapped[str] = mapped_column(sa.String(16), default=ImportStatus.queued.value)
    phase: Mapped[str] = mapped_column(sa.String(16), default="")  # reading | checking | saving
    total: Mapped[int] = mapped_column(default=0)  # data rows in the file (blank rows excluded)
    processed: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    bad: Mapped[int] = mapped_column(default=0)
    blank: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{row, column, value, reason}]
    columns: Mapped[list] = mapped_column(sa.JSON, default=list)  # the file's header labels
    bad_rows: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{row, values}] for report
    options: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # importer options (mapping…)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    area_code: Mapped[str | None] = mapped_column(sa.String(6), index=True)
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employer.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]  # last progress write; stale → interrupted
    finished_at: Mapped[datetime | None]

    created_by = relationship("User")

    __table_args__ = (
        sa.CheckConstraint("status in ('queued', 'running', 'done', 'failed')",
                           name="status_known"),
    )

    @property
    def finished(self) -> bool:
        """Done or failed."""
        return self.status in (ImportStatus.done.value, ImportStatus.failed.value)

    @property
    def percent(self) -> int:
        """Progress 0–100 for the progress bar."""
        if self.finished:
            return 100
        if not self.total:
            return 0
        return min(99, int(100 * self.processed / self.total))
