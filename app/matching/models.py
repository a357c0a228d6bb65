"""The stored results of batch matching."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import Model


class MatchRun(Model):
    """One batch run: every seeking worker against every open opening."""

    id: Mapped[int] = mapped_column(primary_key=True)
    on_date: Mapped[date]  # the day whose open openings and ages were used
    k: Mapped[int] = mapped_column(default=10)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    workers: Mapped[int] = mapped_column(default=0)
    jobs: Mapped[int] = mapped_column(default=0)
    results: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float] = mapped_column(default=0.0)


class MatchResult(Model):
    """A stored top-k opening of a worker from the latest batch run."""

    __scope__ = {"area": "area_code", "worker": "worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("match_run.id"), index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("job.id", ondelete="CASCADE"))
    area_code: Mapped[str] = mapped_column(sa.String(6))  # the worker's county
    rank: Mapped[int]  # 1 = best
    score: Mapped[float]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("worker_id", "rank", name="uq_match_result_worker_rank"),
        sa.Index("ix_match_result_job_score", "job_id", "score"),
        sa.Index("ix_match_result_area", "area_code"),
    )
