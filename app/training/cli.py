"""flask catalog load | check | link: the course catalogue from training_catalog/."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint

from app.unit_of_work import cli_action

from .catalog import COURSES_FILE, CatalogError, load_catalog, resolve_order_links

bp = Blueprint("training_cli", __name__, cli_group=None)


@bp.cli.group("catalog")
def catalog() -> None:
    """The training catalogue (courses, sessions) and the skill taxonomy."""


def _fail(exc: CatalogError) -> None:
    for problem in exc.problems:
        click.echo(f"  {problem}", err=True)
    raise click.ClickException(f"{len(exc.problems)} problem(s); nothing was loaded")


@catalog.command("load")
@click.option("--file", "path", type=click.Path(path_type=Path), default=COURSES_FILE,
              show_default=True)
@click.option("--strict-links", is_flag=True,
              help="Fail when an order course's employer or opening is not registered yet.")
def load(path: Path, strict_links: bool) -> None:
    """Validate the taxonomy and the courses; load them all-or-nothing, upserting by code."""
    with cli_action(errors=CatalogError, on_error=_fail):
        report = load_catalog(path, strict_links=strict_links)
    click.echo(f"courses: {len(report.added)} added, {len(report.changed)} changed, "
               f"{len(report.unchanged)} unchanged, {len(report.retired)} retired")
    if report.pending:
        click.echo(f"order links pending (employer or opening not registered yet): "
                   f"{', '.join(report.pending)}")


@catalog.command("check")
@click.option("--file", "path", type=click.Path(path_type=Path), default=COURSES_FILE,
              show_default=True)
def check(path: Path) -> None:
    """Validate without writing anything."""
    with cli_action(errors=CatalogError, on_error=_fail, commit=False):
        report = load_catalog(path)
    click.echo(f"ok: {len(report.added) + len(report.changed) + len(report.unchanged)} courses")


@catalog.command("link")
def link() -> None:
    """Link pending order courses to employers and openings registered since the load."""
    with cli_action():
        linked, pending = resolve_order_links()
    click.echo(f"order links: {len(linked)} linked, {len(pending)} pending")
