"""flask registry import FILE: the roster import from the command line."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.imports.reading import FileProblem, check_upload_name
from app.imports.report import error_report
from app.imports.runner import create_run, run_import

from .roster import KIND
from .views import bp


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", help="Import as this officer (limits rows to the area).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rows with problems to this .xlsx file.")
def import_command(path: Path, username: str | None, report_path: Path | None) -> None:
    """Import a roster (.xlsx or .csv) with a progress bar."""
    try:
        check_upload_name(path.name)
    except FileProblem as exc:
        raise click.ClickException(str(exc.message)) from exc
    user = None
    if username:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None or user.role not in ("officer", "admin"):
            raise click.ClickException(f"no officer or admin named {username!r}")
    run = create_run(KIND, path.name, path, user=user,
                     area_code=user.area_code if user and user.role == "officer" else None,
                     options={"locale": "zh"})
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
            click.echo(f"  row {error['row']}: {error['column']} {error['reason']}")
