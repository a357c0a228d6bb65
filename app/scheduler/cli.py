"""flask scheduler …: run the scheduler process, run one task, show the tasks' state."""
from __future__ import annotations

import json
import logging
from datetime import datetime

import click
import sqlalchemy as sa
from flask import Blueprint

from app.extensions import db, real_app

from .lock import lease
from .runner import build_scheduler
from .tasks import TASKS

bp = Blueprint("scheduler_cli", __name__, cli_group=None)


@bp.cli.group("scheduler")
def scheduler() -> None:
    """Scheduled tasks (follow-up sweep, outbox, nightly tasks)."""


@scheduler.command("run")
def run() -> None:
    """Run the scheduler in the foreground (one per installation; extras are harmless)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = real_app()
    click.echo("scheduler: starting (Ctrl-C to stop)")
    try:
        build_scheduler(app, blocking=True).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("scheduler: stopped")


@scheduler.command("run-job")  # the documented name (README)
@click.argument("name", type=click.Choice(sorted(TASKS)))
@click.option("--now", "now_text", help="Pretend it is this UTC time (ISO 8601).")
def run_job(name: str, now_text: str | None) -> None:
    """Run one task once, now (it takes the same lock as the scheduler)."""
    now = datetime.fromisoformat(now_text) if now_text else None
    result = TASKS[name](now=now)
    if result is None:
        raise click.ClickException(f"{name}: another process holds the lock; not run")
    click.echo(f"{name}: {json.dumps(result, default=str, ensure_ascii=False)}")


@scheduler.command("status")
def status() -> None:
    """Each task's last run and current lease."""
    rows = db.session.execute(sa.select(lease).order_by(lease.c.name)).all()
    if not rows:
        click.echo("no task has run yet")
    for r in rows:
        click.echo(f"{r.name:<20} {r.last_status or '-':<8} finished {r.last_finished_at or '-'}"
                   f"  lease {r.holder or '-'} until {r.expires_at or '-'}")
