"""flask match batch | resolve-skills: batch matching and skill resolution from the shell."""
from __future__ import annotations

from datetime import date

import click
import sqlalchemy as sa
from flask import Blueprint

from app import clock
from app.extensions import db
from app.registry.models import Worker
from app.skills.models import WorkerSkill
from app.skills.service import resolve_worker_skills

from .service import batch_rematch

bp = Blueprint("matching_cli", __name__, cli_group=None)


@bp.cli.group("match")
def match() -> None:
    """Matching: the nightly batch and skill resolution."""


@match.command("batch")
@click.option("-k", "k", default=10, show_default=True, help="Openings stored per worker.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Match as on this day (default today).")
@click.option("--chunk", default=5000, show_default=True, help="Workers per block.")
def batch(k: int, day, chunk: int) -> None:
    """Every seeking worker against every open opening; top k stored with a timestamp."""

    today: date = day.date() if day else clock.today()
    with click.progressbar(length=1, label="matching", show_pos=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        run = batch_rematch(today, progress=progress, k=k, chunk=chunk)
    db.session.commit()
    click.echo(f"run {run.id}: {run.workers} workers x {run.jobs} openings -> "
               f"{run.results} results in {run.seconds:.1f}s")


@match.command("resolve-skills")
@click.option("--all", "everyone", is_flag=True,
              help="Re-resolve every worker, not only those never resolved.")
def resolve_skills(everyone: bool) -> None:
    """Resolve workers' typed skills to the taxonomy (kept per worker with method)."""
    stmt = sa.select(Worker).where(Worker.skills_text != "")
    if not everyone:
        stmt = stmt.where(~sa.exists().where(WorkerSkill.worker_id == Worker.id))
    n = unresolved = 0
    for worker in db.session.scalars(stmt).all():
        rows = resolve_worker_skills(worker)
        n += 1
        unresolved += sum(1 for r in rows if r.skill_code is None)
    db.session.commit()
    click.echo(f"{n} workers resolved; {unresolved} skill texts left unresolved")
