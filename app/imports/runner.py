"""Running an ImportRun: synchronously (CLI, small uploads) or in a background thread.

Two phases keep "nothing half-imported" and "progress visible" both true on SQLite and
PostgreSQL:

1. checking — rows are read and validated; good records are spooled to a temporary file
   (so memory stays bounded), bad rows are kept for the report; the run's progress is
   committed every ``PROGRESS_EVERY`` rows (short transactions a status page can poll).
2. saving — the spooled records are applied batch by batch in ONE transaction, with the
   run's final counts; any failure rolls everything back and marks the run failed.
"""
from __future__ import annotations

import logging
import os
import pickle
import secrets
import tempfile
import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import utcnow
from app.extensions import db
from app.i18n import each_language, words_of

from .base import CELLS_KEY, NOTES_KEY, ApplyResult, Importer, RowErrors, get_importer
from .models import ImportRun, ImportStatus
from .reading import FileProblem, Limits, is_blank, open_table

log = logging.getLogger(__name__)

PROGRESS_EVERY = 1000
BATCH = 1000
MAX_REPORTED_ROWS = 20_000  # bad rows kept for the report; more are counted only
STALE_AFTER = timedelta(minutes=10)

Progress = Callable[[int, int], None]  # (processed, total)


def upload_folder() -> Path:
    """instance/imports: where uploads wait until their run has finished."""
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def create_run(kind: str, filename: str, source: Any, *, user: Any = None,
               area_code: str | None = None, employer_id: int | None = None,
               options: dict | None = None) -> ImportRun:
    """Store the uploaded file (a path or a file object) and create a queued run (flushes)."""
    suffix = Path(filename).suffix.lower()
    target = upload_folder() / f"{secrets.token_hex(12)}{suffix}"
    if isinstance(source, str | Path):
        target.write_bytes(Path(source).read_bytes())
    else:
        with target.open("wb") as fh:
            while chunk := source.read(1 << 20):
                fh.write(chunk)
    run = ImportRun(kind=kind, filename=Path(filename).name[:256], stored_path=str(target),
                    status=ImportStatus.queued.value, created_by_id=getattr(user, "id", None),
                    area_code=area_code, employer_id=employer_id, options=options or {})
    db.session.add(run)
    db.session.flush()
    return run


def _words(said: object, then: object = None) -> dict[str, Any]:
    """{"words": …}: a problem the product wrote (a lazy string), in every language, followed
    by what was done with the row (``then``); nothing for plain text (stored as "reason")."""
    words = words_of(said)
    if words is None:
        return {}
    if then is not None:
        after = each_language(then)
        words = {lang: f"{text} {after.get(lang, '')}".strip() for lang, text in words.items()}
    return {"words": words}


def _json_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _RunState:
    """State of one import run while it runs."""

    def __init__(self, run: ImportRun, importer: Importer, progress: Progress | None,
                 commit_progress: bool) -> None:
        self.run = run
        self.importer = importer
        self.progress = progress
        self.commit_progress = commit_progress
        self.errors: list[dict] = []
        self.bad_rows: list[dict] = []
        self.labels: dict[str, str] = {}

    def reject(self, line: int, values: list[Any], errors: RowErrors) -> None:
        self.run.bad += 1
        if len(self.bad_rows) >= MAX_REPORTED_ROWS:
            return
        self.bad_rows.append({"row": line, "values": [_json_cell(v) for v in values]})
        for error in errors.errors:
            self.errors.append({"row": line, "column": self.labels.get(error.column or "", ""),
                                "value": _json_cell(error.value), "reason": error.reason,
                                **_words(error.said)})

    def note(self, line: int, notes: RowErrors) -> None:
        """A kept row whose listed values were left out: reported on the row, not counted
        as bad and not in the rows to fix."""
        if len(self.errors) >= MAX_REPORTED_ROWS * 4:
            return
        kept = _l("The row was kept with this field left empty.")
        for error in notes.errors:
            entry = {"row": line, "column": self.labels.get(error.column or "", ""),
                     "value": _json_cell(error.value), "kept": True}
            if error.changed_to is not None:  # a rule put another value in its place
                done = _l("Imported as “%(value)s”.", value=error.changed_to)
                entry["changed_to"] = error.changed_to
            else:
                done = kept
            entry["reason"] = f"{error.reason} {done}"
            entry.update(_words(error.said, then=done))
            self.errors.append(entry)

    def tick(self, force: bool = False) -> None:
        run = self.run
        if self.progress:
            self.progress(run.processed, run.total)
        if self.commit_progress and (force or run.processed % PROGRESS_EVERY == 0):
            run.heartbeat_at = utcnow()
            db.session.commit()

    def check(self, spool: Any) -> int:
        """Phase 1: validate every row; spool good records (with their original cells, for
        rows that apply() may still refuse); returns how many were good."""
        run = self.run
        limits = Limits.from_config(current_app.config)
        good = 0
        if run.stored_path is None:
            raise RuntimeError(f"import run {run.id} has no stored upload to check")
        table = open_table(run.stored_path, run.filename, self.importer.columns,
                           limits=limits, mapping=(run.options or {}).get("mapping"))
        with table:
            run.columns = table.headers
            self.labels = {k: h for k, h in zip(table.keys, table.headers, strict=True) if k}
            run.total = table.estimated_rows
            run.phase = "checking"
            self.tick(force=True)
            batch: list[tuple[int, Any, list[Any]]] = []
            cells_except = getattr(self.importer, "cells_except", None)
            for line, record, values in table.rows():
                run.processed += 1
                run.total = max(run.total, run.processed)
                if cells_except is not None and isinstance(record, dict):
                    record[CELLS_KEY] = {
                        header: value for header, key, value in zip(
                            table.headers, table.keys, values, strict=True)
                        if header and key not in cells_except and not is_blank([value])}
                result = (record if isinstance(record, RowErrors)  # a misshapen row
                          else self.importer.validate(record, line))
                if isinstance(result, RowErrors):
                    self.reject(line, values, result)
                else:
                    if isinstance(result, dict) and result.get(NOTES_KEY):
                        self.note(line, result.pop(NOTES_KEY))
                    batch.append((line, result, values))  # made JSON-safe if refused
                    good += 1
                    if len(batch) >= BATCH:
                        pickle.dump(batch, spool)
                        batch = []
                if run.processed % PROGRESS_EVERY == 0:
                    self.tick()
            if batch:
                pickle.dump(batch, spool)
            run.blank = table.blank
            run.total = run.processed
        return good

    def save(self, spool: Any) -> None:
        """Phase 2: apply every spooled batch in one transaction."""
        run = self.run
        spool.seek(0)
        while True:
            try:
                batch = pickle.load(spool)  # noqa: S301 - our own spool file, written above
            except EOFError:
                break
            result: ApplyResult = self.importer.apply([(ln, rec) for ln, rec, _v in batch])
            values_by_line = {ln: values for ln, _rec, values in batch}
            run.added += result.added
            run.updated += result.updated
            run.unchanged += result.unchanged
            for line, errors in sorted(result.rejected.items()):
                self.reject(line, values_by_line.get(line, []), errors)
        self.importer.finish()


def run_import(run: ImportRun, *, progress: Progress | None = None,
               commit_progress: bool = True, importer: Importer | None = None,
               commit: bool = True) -> ImportRun:
    """Run a queued run to the end and commit; never raises for a bad file or bad rows.

    ``commit=False`` runs it inside the caller's unit of work (the demo data): nothing is
    committed, progress included, and a failure is raised for the caller to roll back."""
    locale = (run.options or {}).get("locale") or current_app.config.get(
        "BABEL_DEFAULT_LOCALE", "zh")
    with force_locale(locale):
        return _run(run, progress, commit_progress and commit, importer, commit)


def _run(run: ImportRun, progress: Progress | None, commit_progress: bool,
         importer: Importer | None, commit: bool = True) -> ImportRun:
    importer = importer or get_importer(run.kind)
    state = _RunState(run, importer, progress, commit_progress)
    if db.session.get_bind().dialect.name == "sqlite":
        # A large import touches every index of the table at random places; SQLite's 2 MB
        # default page cache makes each batch slower than the last. 64 MB, this connection.
        db.session.execute(sa.text("PRAGMA cache_size = -65536"))
    run.status = ImportStatus.running.value
    run.started_at = run.heartbeat_at = utcnow()
    run.phase = "reading"
    run_id = run.id
    try:
        importer.begin(run)
        with tempfile.TemporaryFile(dir=upload_folder()) as spool:
            state.check(spool)
            run.phase = "saving"
            state.tick(force=True)
            state.save(spool)
    except FileProblem as exc:
        if not commit:
            raise
        db.session.rollback()
        return _fail(run_id, str(exc.message))
    except Exception:  # a crash must end the run, not leave it running
        if not commit:
            raise
        db.session.rollback()
        log.exception("import run %s failed", run_id)
        return _fail(run_id, _("The import stopped because of an internal error; nothing "
                               "was imported. The error has been logged."))
    run.errors = state.errors
    run.bad_rows = state.bad_rows
    run.status = ImportStatus.done.value
    run.phase = ""
    run.finished_at = run.heartbeat_at = utcnow()
    notes = list(getattr(importer, "notes", list)())
    run.message = " ".join([summary(run), *notes])
    run.options = {**(run.options or {}), "notes": notes}  # the page says the summary again
    _remove_file(run)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    if progress:
        progress(run.processed, run.total)
    return run


def summary(run: ImportRun) -> str:
    """The counts of a finished run, in the current language."""
    text = _("%(total)d rows: %(added)d added, %(updated)d updated, %(unchanged)d unchanged, "
             "%(bad)d with problems.", total=run.total, added=run.added, updated=run.updated,
             unchanged=run.unchanged, bad=run.bad)
    if run.blank:
        text += " " + _("%(n)d blank rows were skipped.", n=run.blank)
    if run.bad > MAX_REPORTED_ROWS:
        text += " " + _("The report lists the first %(n)d rows with problems.",
                        n=MAX_REPORTED_ROWS)
    return text


def _fail(run_id: int, message: str) -> ImportRun:
    run = db.session.get_one(ImportRun, run_id)
    run.status = ImportStatus.failed.value
    run.phase = ""
    run.added = run.updated = run.unchanged = 0
    run.message = message
    run.finished_at = run.heartbeat_at = utcnow()
    _remove_file(run)
    db.session.commit()
    return run


def _remove_file(run: ImportRun) -> None:
    if run.stored_path:
        try:
            os.remove(run.stored_path)
        except FileNotFoundError:
            pass
        run.stored_path = None


def start_in_background(app: Flask, run_id: int) -> threading.Thread:
    """Run a committed run in a daemon thread with its own app context and session."""

    def work() -> None:
        with app.app_context():
            try:
                run = db.session.get(ImportRun, run_id)
                if run is not None and run.status == ImportStatus.queued.value:
                    run_import(run)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"import-{run_id}", daemon=True)
    thread.start()
    return thread


def mark_if_stale(run: ImportRun) -> bool:
    """A running run without progress for STALE_AFTER was interrupted (process restart):
    mark it failed (flushes) and say so."""
    if run.finished or run.heartbeat_at is None:
        return False
    if utcnow() - run.heartbeat_at < STALE_AFTER:
        return False
    run.status = ImportStatus.failed.value
    run.message = _("The import was interrupted (the server restarted); nothing was "
                    "imported. Please upload the file again.")
    run.finished_at = utcnow()
    _remove_file(run)
    db.session.flush()
    return True
