"""flask jobs import FILE --user USERNAME: a partner's sheet of openings from the command line.

The same import as the web page (app.employers.importer on app.imports): each row's employer
is found by credit code or name, or registered as pending from the sheet; the counts are
printed and the rows with problems written to a report file (row, column, value, reason).
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint

from app.extensions import db
from app.imports.cli import cli_user, run_from_cli

from .importer import KIND, remembered_mapping
from .models import Employer

bp = Blueprint("jobs_cli", __name__, cli_group="jobs")


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True,
              help="The officer (or admin) the import is made by.")
@click.option("--publish", is_flag=True,
              help="Publish the openings at once (verified employers only; the others' "
                   "openings stay drafts).")
@click.option("--partner", default="",
              help="The partner that sent the sheet, e.g. 苏州市人社局: the source of "
                   "employers registered from it, and whose column mapping is used.")
@click.option("--employer", "employer_id", type=int,
              help="Employer id for rows that name none (a sheet without 用人单位).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the rows with problems (.xlsx); default FILE.report.xlsx.")
def import_command(path: Path, username: str, publish: bool, partner: str,
                   employer_id: int | None, report_path: Path | None) -> None:
    """Import a partner's sheet of openings (.xlsx or .csv) with a progress bar."""
    user = cli_user(username, required=True)
    if employer_id is not None and db.session.get(Employer, employer_id) is None:
        raise click.ClickException(f"no employer with id {employer_id}")
    options = {"publish": publish, "partner": partner.strip()}
    mapping = remembered_mapping(partner.strip(), employer_id)
    if mapping:
        options["mapping"] = mapping
    run_from_cli(KIND, path, user, options=options, employer_id=employer_id,
                 report_path=report_path or path.with_name(path.name + ".report.xlsx"))
