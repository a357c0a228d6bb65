"""The monitoring demo step: a few of each record, written in the seed's one unit of work
(the department list is compared without committing partway)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.imports.models import ImportRun
from app.monitoring.models import (
    Declaration,
    HouseholdMeasure,
    HouseholdRisk,
    ListComparison,
    ZeroEmploymentSpell,
)


def count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_the_demo_seed_commits_once_and_shows_monitoring(runner, db):
    commits: list[int] = []

    def counted(session):
        if not session.in_nested_transaction():  # a savepoint's release is no commit
            commits.append(1)

    sa.event.listen(Session, "before_commit", counted)
    try:
        result = runner.invoke(args=["demo", "seed"])
    finally:
        sa.event.remove(Session, "before_commit", counted)
    assert result.exit_code == 0, result.output
    assert len(commits) == 1, "a demo step committed on its own"
    assert "civil affairs list compared: matched 2, not in register 1" in result.output
    comparison = db.session.scalar(sa.select(ListComparison))
    assert (comparison.matched, comparison.not_in_register, comparison.new_risks,
            comparison.bad_rows) == (2, 1, 2, 1)
    job = db.session.get(ImportRun, comparison.import_job_id)
    assert job.status == "done" and job.bad == 1
    assert count(db, HouseholdRisk, HouseholdRisk.source == "civil_affairs") == 2
    assert count(db, Declaration) == 3
    assert count(db, Declaration, Declaration.answered_at.is_not(None)) == 1
    assert count(db, ZeroEmploymentSpell, ZeroEmploymentSpell.ended_on.is_(None)) > 0
    assert count(db, ZeroEmploymentSpell, ZeroEmploymentSpell.ended_on.is_not(None)) > 0
    assert count(db, ZeroEmploymentSpell, ZeroEmploymentSpell.escalated_on.is_not(None)) > 0
    assert count(db, HouseholdMeasure) == 3
