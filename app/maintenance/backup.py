"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess  # runs pg_dump/pg_restore with fixed argument lists
from pathlib import Path

import sqlalchemy as sa

from app import clock
from app.extensions import db


class BackupError(RuntimeError):
    """A backup or restore could not be done (the message says why)."""


def _url() -> sa.engine.URL:
    return db.engine.url


def _libpq_url(url: sa.engine.URL) -> str:
    """The URL pg_dump understands (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def default_backup_path(folder: Path) -> Path:
    """instance/backups/qianlu-YYYYmmdd-HHMMSS.(db|dump)."""
    suffix = ".db" if _url().get_backend_name() == "sqlite" else ".dump"
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    return folder / f"qianlu-{stamp}{suffix}"


def backup(target: Path) -> Path:
    """Write a consistent copy of the whole database to ``target`` while the app runs."""
    url = _url()
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        dest = sqlite3.connect(str(target))
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target
    if url.get_backend_name() == "postgresql":
        result = subprocess.run(  # noqa: S603
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
             f"--dbname={_libpq_url(url)}"],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip() or "pg_dump failed")
        return target
    raise BackupError(f"backups are not supported for {url.get_backend_name()}")


def restore(source: Path) -> None:
    """Replace the database's contents with the backup at ``source``."""
    if not source.exists():
        raise BackupError(f"no such backup: {source}")
    url = _url()
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            src.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"not a SQLite backup: {source}") from exc
        dest = sqlite3.connect(url.database)
        try:
            with dest:
                src.backup(dest)
        finally:
            dest.close()
            src.close()
        return
    if url.get_backend_name() == "postgresql":
        result = subprocess.run(  # noqa: S603
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             f"--dbname={_libpq_url(url)}", str(source)],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip() or "pg_restore failed")
        return
    raise BackupError(f"restore is not supported for {url.get_backend_name()}")
