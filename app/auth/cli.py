"""flask users … and flask areas … commands."""
from __future__ import annotations

import click
from flask import Blueprint

from app.unit_of_work import cli_action

from .areas import load_areas
from .service import AccountError, create_user

bp = Blueprint("auth_cli", __name__, cli_group=None)


@bp.cli.group("users")
def users() -> None:
    """Manage user accounts."""


ROLES = click.Choice(["officer", "employer", "trainee", "admin"])


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=ROLES)
@click.option("--area", "area_code", help="GB/T 2260 code of the officer's area")
@click.option("--name", "display_name", default="")
@click.password_option()
def users_create(username: str, role: str, area_code: str | None, display_name: str,
                 password: str) -> None:
    """Create a user."""
    with cli_action(errors=AccountError):
        user = create_user(username, password, role, area_code=area_code,
                           display_name=display_name)
    click.echo(f"created {user.username} ({user.role})")


@bp.cli.group("areas")
def areas() -> None:
    """Administrative areas (GB/T 2260)."""


@areas.command("load")
def areas_load() -> None:
    """Load or update the areas from the shipped data file."""
    with cli_action(errors=ValueError):
        added, changed = load_areas()
    click.echo(f"areas: {added} added, {changed} changed")
