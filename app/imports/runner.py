"""Running an ImportJob: synchronously (CLI, small uploads) or in a background thread.

Two phases keep "nothing half-imported" and "progress visible" both true on SQLite and
PostgreSQL:

1. checking — rows are read and validated; good records are spooled to a temporary file
   (so memory stays bounded), bad rows are kept for the report; the job's progress is
   committed every ``PROGRESS_EVERY`` rows (short transactions a status page can poll).
2. saving — the spooled records are applied batch by batch in ONE transaction, with the
   job's final counts; any failure rolls everything back and marks the job failed.
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

from app.clock import utcnow
from app.extensions import db

from .base import CELLS_KEY, NOTES_KEY, ApplyResult, Importer, RowErrors, get_importer
from .models import ImportJob, JobStatus
from .reading import FileProblem, Limits, is_blank, open_table

log = logging.getLogger(__name__)

PROGRESS_EVERY = 1000
BATCH = 1000
MAX_REPORTED_ROWS = 20_000  # bad rows kept for the report; more are counted only
STALE_AFTER = timedelta(minutes=10)

Progress = Callable[[int, int], None]  # (processed, total)


def upload_folder() -> Path:
    """instance/imports: where uploads wait until their job has finished."""
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def create_job(kind: str, filename: str, source: Any, *, user: Any = None,
               area_code: str | None = None, employer_id: int | None = None,
               options: dict | None = None) -> ImportJob:
    """Store the uploaded file (a path or a file object) and create a queued job (flushes)."""
    suffix = Path(filename).suffix.lower()
    target = upload_folder() / f"{secrets.token_hex(12)}{suffix}"
    if isinstance(source, str | Path):
        target.write_bytes(Path(source).read_bytes())
    else:
        with target.open("wb") as fh:
            while chunk := source.read(1 << 20):
                fh.write(chunk)
    job = ImportJob(kind=kind, filename=Path(filename).name[:256], stored_path=str(target),
                    status=JobStatus.queued.value, created_by_id=getattr(user, "id", None),
                    area_code=area_code, employer_id=employer_id, options=options or {})
    db.session.add(job)
    db.session.flush()
    return job


def _json_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Run:
    """State of one run of a job."""

    def __init__(self, job: ImportJob, importer: Importer, progress: Progress | None,
                 commit_progress: bool) -> None:
        self.job = job
        self.importer = importer
        self.progress = progress
        self.commit_progress = commit_progress
        self.errors: list[dict] = []
        self.bad_rows: list[dict] = []
        self.labels: dict[str, str] = {}

    def reject(self, line: int, values: list[Any], errors: RowErrors) -> None:
        self.job.bad += 1
        if len(self.bad_rows) >= MAX_REPORTED_ROWS:
            return
        self.bad_rows.append({"row": line, "values": [_json_cell(v) for v in values]})
        for error in errors.errors:
            self.errors.append({"row": line, "column": self.labels.get(error.column or "", ""),
                                "value": _json_cell(error.value), "reason": error.reason,
                                **({"msg": error.message} if error.message else {})})

    def note(self, line: int, notes: RowErrors) -> None:
        """A kept row whose listed values were left out: reported on the row, not counted
        as bad and not in the rows to fix."""
        if len(self.errors) >= MAX_REPORTED_ROWS * 4:
            return
        kept = _("The row was kept with this field left empty.")
        for error in notes.errors:
            entry = {"row": line, "column": self.labels.get(error.column or "", ""),
                     "value": _json_cell(error.value), "kept": True}
            if error.changed_to is not None:  # a rule put another value in its place
                entry["reason"] = f"{error.reason} " + _("Imported as “%(value)s”.",
                                                         value=error.changed_to)
                entry["changed_to"] = error.changed_to
            else:
                entry["reason"] = f"{error.reason} {kept}"
            if error.message:
                entry["msg"] = error.message
            self.errors.append(entry)

    def tick(self, force: bool = False) -> None:
        job = self.job
        if self.progress:
            self.progress(job.processed, job.total)
        if self.commit_progress and (force or job.processed % PROGRESS_EVERY == 0):
            job.heartbeat_at = utcnow()
            db.session.commit()

    def check(self, spool: Any) -> int:
        """Phase 1: validate every row; spool good records (with their original cells, for
        rows that apply() may still refuse); returns how many were good."""
        job = self.job
        limits = Limits.from_config(current_app.config)
        good = 0
        if job.stored_path is None:
            raise RuntimeError(f"import job {job.id} has no stored upload to check")
        table = open_table(job.stored_path, job.filename, self.importer.columns,
                           limits=limits, mapping=(job.options or {}).get("mapping"))
        with table:
            job.columns = table.headers
            self.labels = {k: h for k, h in zip(table.keys, table.headers, strict=True) if k}
            job.total = table.estimated_rows
            job.phase = "checking"
            self.tick(force=True)
            batch: list[tuple[int, Any, list[Any]]] = []
            cells_except = getattr(self.importer, "cells_except", None)
            for line, record, values in table.rows():
                job.processed += 1
                job.total = max(job.total, job.processed)
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
                if job.processed % PROGRESS_EVERY == 0:
                    self.tick()
            if batch:
                pickle.dump(batch, spool)
            job.blank = table.blank
            job.total = job.processed
        return good

    def save(self, spool: Any) -> None:
        """Phase 2: apply every spooled batch in one transaction."""
        job = self.job
        spool.seek(0)
        while True:
            try:
                batch = pickle.load(spool)  # noqa: S301 - our own spool file, written above
            except EOFError:
                break
            result: ApplyResult = self.importer.apply([(ln, rec) for ln, rec, _v in batch])
            values_by_line = {ln: values for ln, _rec, values in batch}
            job.added += result.added
            job.updated += result.updated
            job.unchanged += result.unchanged
            for line, errors in sorted(result.rejected.items()):
                self.reject(line, values_by_line.get(line, []), errors)
        self.importer.finish()


def run_job(job: ImportJob, *, progress: Progress | None = None,
            commit_progress: bool = True, importer: Importer | None = None,
            commit: bool = True) -> ImportJob:
    """Run a queued job to the end and commit; never raises for a bad file or bad rows.

    ``commit=False`` runs it inside the caller's unit of work (the demo data): nothing is
    committed, progress included, and a failure is raised for the caller to roll back."""
    locale = (job.options or {}).get("locale") or current_app.config.get(
        "BABEL_DEFAULT_LOCALE", "zh")
    with force_locale(locale):
        return _run(job, progress, commit_progress and commit, importer, commit)


def _run(job: ImportJob, progress: Progress | None, commit_progress: bool,
         importer: Importer | None, commit: bool = True) -> ImportJob:
    importer = importer or get_importer(job.kind)
    run = _Run(job, importer, progress, commit_progress)
    if db.session.get_bind().dialect.name == "sqlite":
        # A large import touches every index of the table at random places; SQLite's 2 MB
        # default page cache makes each batch slower than the last. 64 MB, this connection.
        db.session.execute(sa.text("PRAGMA cache_size = -65536"))
    job.status = JobStatus.running.value
    job.started_at = job.heartbeat_at = utcnow()
    job.phase = "reading"
    job_id = job.id
    try:
        importer.begin(job)
        with tempfile.TemporaryFile(dir=upload_folder()) as spool:
            run.check(spool)
            job.phase = "saving"
            run.tick(force=True)
            run.save(spool)
    except FileProblem as exc:
        if not commit:
            raise
        db.session.rollback()
        return _fail(job_id, str(exc.message))
    except Exception:  # a crash must end the job, not leave it running
        if not commit:
            raise
        db.session.rollback()
        log.exception("import job %s failed", job_id)
        return _fail(job_id, _("The import stopped because of an internal error; nothing "
                               "was imported. The error has been logged."))
    job.errors = run.errors
    job.bad_rows = run.bad_rows
    job.status = JobStatus.done.value
    job.phase = ""
    job.finished_at = job.heartbeat_at = utcnow()
    notes = list(getattr(importer, "notes", list)())
    job.message = " ".join([summary(job), *notes])
    job.options = {**(job.options or {}), "notes": notes}  # the page says the summary again
    _remove_file(job)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    if progress:
        progress(job.processed, job.total)
    return job


def summary(job: ImportJob) -> str:
    """The counts of a finished job, in the current language."""
    text = _("%(total)d rows: %(added)d added, %(updated)d updated, %(unchanged)d unchanged, "
             "%(bad)d with problems.", total=job.total, added=job.added, updated=job.updated,
             unchanged=job.unchanged, bad=job.bad)
    if job.blank:
        text += " " + _("%(n)d blank rows were skipped.", n=job.blank)
    if job.bad > MAX_REPORTED_ROWS:
        text += " " + _("The report lists the first %(n)d rows with problems.",
                        n=MAX_REPORTED_ROWS)
    return text


def _fail(job_id: int, message: str) -> ImportJob:
    job = db.session.get_one(ImportJob, job_id)
    job.status = JobStatus.failed.value
    job.phase = ""
    job.added = job.updated = job.unchanged = 0
    job.message = message
    job.finished_at = job.heartbeat_at = utcnow()
    _remove_file(job)
    db.session.commit()
    return job


def _remove_file(job: ImportJob) -> None:
    if job.stored_path:
        try:
            os.remove(job.stored_path)
        except FileNotFoundError:
            pass
        job.stored_path = None


def start_in_background(app: Flask, job_id: int) -> threading.Thread:
    """Run a committed job in a daemon thread with its own app context and session."""

    def work() -> None:
        with app.app_context():
            try:
                job = db.session.get(ImportJob, job_id)
                if job is not None and job.status == JobStatus.queued.value:
                    run_job(job)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread


def mark_if_stale(job: ImportJob) -> bool:
    """A running job without progress for STALE_AFTER was interrupted (process restart):
    mark it failed (flushes) and say so."""
    if job.finished or job.heartbeat_at is None:
        return False
    if utcnow() - job.heartbeat_at < STALE_AFTER:
        return False
    job.status = JobStatus.failed.value
    job.message = _("The import was interrupted (the server restarted); nothing was "
                    "imported. Please upload the file again.")
    job.finished_at = utcnow()
    _remove_file(job)
    db.session.flush()
    return True
