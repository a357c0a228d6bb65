"""Running an import from the command line: the same job, runner and report as the web.

``flask registry import`` and ``flask jobs import`` call :func:`run_from_cli`: it checks the
file's name and the acting user, creates the ImportJob, runs it with a progress bar, prints
the summary (counts) and writes the rows with problems (row, column, value, reason) to the
report file the web import offers for download.
"""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.imports.models import ImportJob
from app.imports.reading import FileProblem, check_upload_name
from app.imports.report import error_report
from app.imports.runner import create_job, run_job
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
                 employer_id: int | None = None, report_path: Path | None = None) -> ImportJob:
    """Import ``path`` as ``kind`` with a progress bar; print the counts and the problems
    (all of them to ``report_path`` as .xlsx, else the first 20 on screen)."""
    try:
        check_upload_name(path.name)
    except FileProblem as exc:
        raise click.ClickException(str(exc.message)) from exc
    job = create_job(kind, path.name, path, user=user,
                     area_code=user.area_code if user and user.role == "officer" else None,
                     employer_id=employer_id, options={"locale": "zh", **(options or {})})
    db.session.commit()
    with click.progressbar(length=1, label=f"import #{job.id}", show_pos=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = max(total, done, 1)
            bar.update(done - bar.pos)

        job = run_job(job, progress=progress)
    click.echo(job.message)
    if job.status == "failed":
        raise click.ClickException("nothing was imported")
    if job.bad and report_path:
        report_path.write_bytes(error_report(job))
        click.echo(f"rows with problems written to {report_path}")
    elif job.bad:
        for error in (job.errors or [])[:20]:
            click.echo(f"  row {error['row']}: {error['column']} {error['value']!r} "
                       f"{error['reason']}")
    return job
