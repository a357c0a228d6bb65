"""Running an import from the command line: the same run, runner and report as the web.

``flask registry import`` and ``flask jobs import`` call :func:`run_from_cli`: it checks the
file's name and the acting user, creates the ImportRun, runs it with a progress bar, prints
the summary (counts) and writes the rows with problems (row, column, value, reason) to the
report file the web import offers for download.
"""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.imports.models import ImportRun
from app.imports.reading import FileProblem, check_upload_name
from app.imports.report import error_report
from app.imports.runner import create_run, run_import
from app.vocabulary import OFFICERS


def cli_user(username: str | None, *, required: bool = False) -> User | None:
    """The officer or admin a command acts as (ClickException when unknown)."""
    if not username:
        if required:
            raise click.ClickException("give --user: the officer the import is made by")
        return None
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or user.role not in OFFICERS:
        raise click.ClickException(f"no officer or admin named {username!r}")
    return user


def run_from_cli(kind: str, path: Path, user: User | None, *, options: dict | None = None,
                 employer_id: int | None = None, report_path: Path | None = None) -> ImportRun:
    """Import ``path`` as ``kind`` with a progress bar; print the counts and the problems
    (all of them to ``report_path`` as .xlsx, else the first 20 on screen)."""
    try:
        check_upload_name(path.name)
    except FileProblem as exc:
        raise click.ClickException(str(exc.message)) from exc
    run = create_run(kind, path.name, path, user=user,
                     area_code=user.area_code if user and user.role == "officer" else None,
                     employer_id=employer_id, options={"locale": "zh", **(options or {})})
    db.session.commit()
    with click.progressbar(length=1, label=f"import #{run.id}", show_pos=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = max(total, done, 1)
            bar.update(done - bar.pos)

        run = run_import(run, progress=progress)
    click.echo(run.message)
    if run.status == "failed":
        raise click.ClickException("nothing was imported")
    if run.bad and report_path:
        report_path.write_bytes(error_report(run))
        click.echo(f"rows with problems written to {report_path}")
    elif run.bad:
        for error in (run.errors or [])[:20]:
            click.echo(f"  row {error['row']}: {error['column']} {error['value']!r} "
                       f"{error['reason']}")
    return run
