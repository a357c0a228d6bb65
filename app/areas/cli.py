"""flask areas … commands."""
from __future__ import annotations

import click
from flask import Blueprint

from app.extensions import db

from .service import load_areas

bp = Blueprint("areas_cli", __name__, cli_group=None)


@bp.cli.group("areas")
def areas() -> None:
    """Administrative areas (GB/T 2260)."""


@areas.command("load")
def areas_load() -> None:
    """Load or update the national map of areas from the shipped data file."""
    try:
        added, changed = load_areas()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"areas: {added} added, {changed} changed")
