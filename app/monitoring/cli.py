"""flask risk …: compare a department's list, sweep the zero-employment spells."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import Blueprint

from app.extensions import db
from app.imports.cli import cli_user
from app.imports.reading import FileProblem, check_upload_name
from app.imports.runner import run_job
from app.unit_of_work import cli_action

from . import compare, zero
from .models import ListComparison

bp = Blueprint("risk_cli", __name__, cli_group=None)


@bp.cli.group("risk")
def risk() -> None:
    """Monitoring against return to poverty (防返贫监测)."""


@risk.command("compare")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", required=True, type=click.Choice(sorted(compare.SOURCE_CAUSE)))
@click.option("--list-date", "list_date", required=True,
              type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--user", "username", required=True, help="the officer comparing the list")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="where to write the report (.xlsx); default FILE.report.xlsx")
def compare_cmd(file: Path, source: str, list_date, username: str,
                report_path: Path | None) -> None:
    """Compare FILE (columns 姓名, 身份证号 and the source's own) with the register."""
    user = cli_user(username, required=True)
    if user is None:  # cli_user refuses a missing user; this tells mypy
        raise click.ClickException("give --user")
    try:
        check_upload_name(file.name)
    except FileProblem as exc:
        raise click.ClickException(str(exc.message)) from exc
    with cli_action(), file.open("rb") as fh:
        comparison, job = compare.start(file.name, fh, source=source,
                                        list_date=list_date.date(), user=user)
    comparison_id = comparison.id
    job = run_job(job)
    comparison = db.session.get_one(ListComparison, comparison_id)
    if job.status == "failed":
        raise click.ClickException(job.message or "nothing was imported")
    click.echo(compare.summary(comparison))
    target = report_path or file.with_name(file.name + ".report.xlsx")
    target.write_bytes(compare.report_bytes(comparison, full=True))
    click.echo(f"report written to {target}")


@risk.command("sweep")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
def sweep_cmd(day) -> None:
    """Zero-employment spells for changes made outside the app, escalations, exits."""
    with cli_action():
        result = zero.sweep(day.date() if day else None)
    click.echo(", ".join(f"{k} {v}" for k, v in result.items()) or "nothing to do")


__all__ = ["bp", "date"]
