"""Import job pages: progress (polled by a small static script), result and bad-rows report."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, send_file, url_for
from flask_babel import gettext as _

from app.auth.audit import audit
from app.auth.scoping import get_visible_or_404, roles_required
from app.extensions import db
from app.imports.base import message_text
from app.imports.runner import summary as runner_summary
from app.vocabulary import OFFICERS

from .base import importer_info
from .models import ImportJob
from .report import error_report
from .runner import mark_if_stale

bp = Blueprint("imports", __name__, url_prefix="/imports", template_folder="templates",
               static_folder="static", static_url_path="/static")

ROLES = (*OFFICERS, "employer")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _load(job_id: int) -> ImportJob:
    job = get_visible_or_404(ImportJob, job_id)
    if mark_if_stale(job):
        db.session.commit()
    return job


def _phase(job: ImportJob) -> str:
    return {"reading": _("Reading the file"), "checking": _("Checking rows"),
            "saving": _("Saving")}.get(job.phase, "")


@bp.route("/<int:job_id>")
@roles_required(*ROLES)
def job(job_id: int):
    """Progress while running; counts, problems and the report once finished."""
    job = _load(job_id)
    info = importer_info(job.kind)
    back = url_for(info.back_endpoint) if info.back_endpoint else None
    summary = " ".join([runner_summary(job), *(job.options or {}).get("notes", [])]) \
        if job.status == "done" else job.message
    return render_template("imports/job.html", job=job, phase=_phase(job),
                           title=info.title or job.kind, back=back, summary=summary,
                           errors=(job.errors or [])[:500], reason_text=message_text)


@bp.route("/<int:job_id>/status.json")
@roles_required(*ROLES)
def job_status(job_id: int):
    """Progress as JSON for the status page's script."""
    job = _load(job_id)
    return jsonify(status=job.status, phase=_phase(job), processed=job.processed,
                   total=job.total, percent=job.percent, finished=job.finished)


@bp.route("/<int:job_id>/report.xlsx")
@roles_required(*ROLES)
def report(job_id: int):
    """The rows with problems as .xlsx, to fix and import again."""
    import io

    job = _load(job_id)
    audit("import_report_download", job, detail={"rows": len(job.bad_rows or [])})
    db.session.commit()
    stem = job.filename.rsplit(".", 1)[0]
    return send_file(io.BytesIO(error_report(job)), mimetype=XLSX, as_attachment=True,
                     download_name=stem + "-" + _("rows to fix") + ".xlsx")
