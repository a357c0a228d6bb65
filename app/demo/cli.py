"""flask demo seed: realistic demo data for every feature."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Blueprint

from app.auth.models import User
from app.extensions import db

from .seed import reset_database, seed_all

bp = Blueprint("demo_cli", __name__, cli_group=None)


@bp.cli.group("demo")
def demo() -> None:
    """Demo data."""


@demo.command("seed")
@click.option("--reset", is_flag=True, help="Wipe the database's data first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (quietly) when data exists.")
@click.option("--seed", "random_seed", default=2025, show_default=True)
def seed(reset: bool, if_empty: bool, random_seed: int) -> None:
    """Create demo users and data; refuses to run twice unless --reset."""
    has_users = (db.session.scalar(sa.select(sa.func.count(User.id))) or 0) > 0
    if has_users and if_empty:
        click.echo("demo: database already has data, nothing seeded")
        return
    if has_users and not reset:
        raise click.ClickException(
            "the database already has data; run with --reset to wipe it and seed again"
        )
    if reset:
        reset_database()
    logins = seed_all(random_seed, echo=click.echo)
    db.session.commit()
    click.echo("\nDemo logins (shown once):")
    for username, password, role, note in logins:
        click.echo(f"  {role:<9} {username:<16} {password:<16} {note}")
