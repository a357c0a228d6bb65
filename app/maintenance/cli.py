"""flask backup / flask restore."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, current_app

from .backup import BackupError, backup, default_backup_path, restore

bp = Blueprint("maintenance_cli", __name__, cli_group=None)


@bp.cli.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path | None) -> None:
    """Back up the database (SQLite online backup, or pg_dump) to PATH."""
    target = path or default_backup_path(Path(current_app.instance_path) / "backups")
    try:
        written = backup(target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written: {written} ({written.stat().st_size:,} bytes)")


@bp.cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's contents with the backup at PATH."""
    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    try:
        restore(path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored from {path}")
