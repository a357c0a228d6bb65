"""Import run pages: progress (polled by a small static script), result and bad-rows report."""
from __future__ import annotations

import io

from flask import Blueprint, jsonify, render_template, send_file, url_for
from flask_babel import gettext as _

from app.auth.audit import audit
from app.auth.scoping import get_visible_or_404, roles_required
from app.extensions import db
from app.imports.base import reason_text
from app.imports.runner import summary as runner_summary
from app.vocabulary import OFFICERS

from .base import importer_info
from .models import ImportRun
from .report import error_report
from .runner import mark_if_stale

bp = Blueprint("imports", __name__, url_prefix="/imports", template_folder="templates",
               static_folder="static", static_url_path="/static")

ROLES = (*OFFICERS, "employer")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _load(run_id: int) -> ImportRun:
    run = get_visible_or_404(ImportRun, run_id)
    if mark_if_stale(run):
        db.session.commit()
    return run


def _phase(run: ImportRun) -> str:
    return {"reading": _("Reading the file"), "checking": _("Checking rows"),
            "saving": _("Saving")}.get(run.phase, "")


@bp.route("/<int:run_id>")
@roles_required(*ROLES)
def run(run_id: int):
    """Progress while running; counts, problems and the report once finished."""
    run = _load(run_id)
    info = importer_info(run.kind)
    back = url_for(info.back_endpoint) if info.back_endpoint else None
    summary = " ".join([runner_summary(run), *(run.options or {}).get("notes", [])]) \
        if run.status == "done" else run.message
    return render_template("imports/run.html", run=run, phase=_phase(run),
                           title=info.title or run.kind, back=back, summary=summary,
                           errors=(run.errors or [])[:500], reason_text=reason_text)


@bp.route("/<int:run_id>/status.json")
@roles_required(*ROLES)
def run_status(run_id: int):
    """Progress as JSON for the status page's script."""
    run = _load(run_id)
    return jsonify(status=run.status, phase=_phase(run), processed=run.processed,
                   total=run.total, percent=run.percent, finished=run.finished)


@bp.route("/<int:run_id>/report.xlsx")
@roles_required(*ROLES)
def report(run_id: int):
    """The rows with problems as .xlsx, to fix and import again."""
    run = _load(run_id)
    audit("import_report_download", run, detail={"rows": len(run.bad_rows or [])})
    db.session.commit()
    stem = run.filename.rsplit(".", 1)[0]
    return send_file(io.BytesIO(error_report(run)), mimetype=XLSX, as_attachment=True,
                     download_name=stem + "-" + _("rows to fix") + ".xlsx")
