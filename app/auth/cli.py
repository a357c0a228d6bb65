"""flask users … commands."""
from __future__ import annotations

import click
from flask import Blueprint

from app.unit_of_work import cli_action

from .service import AccountError, create_user

bp = Blueprint("auth_cli", __name__, cli_group=None)


@bp.cli.group("users")
def users() -> None:
    """Manage user accounts."""


ROLES = click.Choice(["officer", "employer", "trainee", "admin", "partner"])


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=ROLES)
@click.option("--area", "area_code", help="GB/T 2260 code of the officer's area")
@click.option("--name", "display_name", default="")
@click.option("--partner", "partner_id", type=int, help="Partner office id (role partner)")
@click.password_option()
def users_create(username: str, role: str, area_code: str | None, display_name: str,
                 partner_id: int | None, password: str) -> None:
    """Create a user."""
    with cli_action(errors=AccountError):
        user = create_user(username, password, role, area_code=area_code,
                           display_name=display_name, partner_id=partner_id)
    click.echo(f"created {user.username} ({user.role})")

