"""flask checkins send: the month's check-ins (the same work as the scheduled job)."""
from __future__ import annotations

import json
from datetime import date

import click
from flask import Blueprint

from app.clock import today
from app.unit_of_work import cli_action

bp = Blueprint("checkins_cli", __name__, cli_group="checkins")


@bp.cli.command("send")
@click.option("--day", "day_text", help="Pretend it is this day (YYYY-MM-DD).")
def send(day_text: str | None) -> None:
    """Create and send this month's check-ins, remind, and queue calls (idempotent; takes
    the scheduler's lock, so it never runs beside the scheduled job)."""
    from app.scheduler.lock import job_lock

    from .checkins import sweep

    day = date.fromisoformat(day_text) if day_text else today()
    with job_lock("checkins") as acquired:
        if not acquired:
            raise click.ClickException("checkins: another process is sending; not run")
        with cli_action():
            result = sweep(day)
    click.echo(f"checkins: {json.dumps(result)}")
