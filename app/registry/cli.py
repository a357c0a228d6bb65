"""flask registry import FILE: the roster import from the command line."""
from __future__ import annotations

from pathlib import Path

import click

from app.imports.cli import cli_user, run_from_cli

from .roster import KIND
from .views import bp


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", help="Import as this officer (limits rows to the area).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rows with problems to this .xlsx file.")
def import_command(path: Path, username: str | None, report_path: Path | None) -> None:
    """Import a roster (.xlsx or .csv) with a progress bar."""
    run_from_cli(KIND, path, cli_user(username), report_path=report_path)
