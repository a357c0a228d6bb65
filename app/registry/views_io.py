"""Roster import (upload, template) and the 台账 export."""
from __future__ import annotations

import io
import os
import tempfile

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from app import clock
from app.auth.audit import audit
from app.auth.scoping import roles_required, visible
from app.extensions import db
from app.imports.models import ImportRun
from app.imports.reading import FileProblem, check_upload_name
from app.imports.report import safe_cell
from app.imports.runner import create_run, run_import, start_in_background
from app.vocabulary import OFFICERS

from . import export
from .forms import ImportForm
from .queries import WorkerFilters
from .roster import COLUMNS, KIND, WORDS
from .views import bp, me

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def import_roster():
    """Upload a roster; small files are imported at once, large ones in the background."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            check_upload_name(upload.filename or "")
        except FileProblem as exc:
            form.file.errors = [*form.file.errors, str(exc.message)]
        else:
            user = me()
            run = create_run(KIND, upload.filename, upload.stream, user=user,
                             area_code=user.area_code if user.role == "officer" else None,
                             options={"locale": str(get_locale())})
            audit("import_upload", run, detail={"kind": KIND, "file": run.filename})
            db.session.commit()
            size = upload.content_length or _stored_size(run)
            if size > current_app.config.get("IMPORT_BACKGROUND_BYTES", 256 * 1024):
                start_in_background(current_app._get_current_object(), run.id)
                flash(_("The file is being imported; you can leave this page and come back."),
                      "info")
            else:
                run_import(run)
            return redirect(url_for("imports.run", run_id=run.id))
    runs = db.session.scalars(visible(sa.select(ImportRun).where(ImportRun.kind == KIND),
                                      ImportRun, me()).order_by(ImportRun.id.desc()).limit(10))
    code = 422 if request.method == "POST" else 200
    return render_template("registry/import.html", form=form, runs=runs.all(),
                           columns=COLUMNS, words=WORDS), code


def _stored_size(run: ImportRun) -> int:
    return os.path.getsize(run.stored_path) if run.stored_path else 0


@bp.route("/import/template.xlsx")
@roles_required(*OFFICERS)
def import_template():
    """The roster template: Chinese headers on the first sheet, instructions on the second."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header + ("*" if column.required
                                                                      else ""))
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        sheet.column_dimensions[cell.column_letter].width = 14
        sheet.cell(row=2, column=index).number_format = "@"  # text: keeps ID numbers intact
    for row in range(2, 1002):
        for col in (2, 3, 4):  # 身份证号, 手机号, 户编号 as text
            sheet.cell(row=row, column=col).number_format = "@"
    notes = workbook.create_sheet("填写说明")
    notes.append([_("Column"), _("Required"), _("Example"), _("Accepted values")])
    accepted = {"category": "category", "education": "education",
                "regions_acceptable": "region", "job_kinds_wanted": "job_kind",
                "status": "status", "care_duties": "bool"}
    for column in COLUMNS:
        kind = accepted.get(column.key)
        words = "、".join(dict.fromkeys(WORDS[kind])) if kind else ""
        notes.append([safe_cell(column.header), _("yes") if column.required else "",
                      safe_cell(column.example), safe_cell(words)])
    notes.append([])
    notes.append([_("The first row holds the headers. Empty cells never overwrite what is "
                    "registered. Importing the same ID number again updates the worker "
                    "instead of adding a new one.")])
    for letter, width in zip("ABCD", (14, 6, 22, 80), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True,
                     download_name="劳动力花名册模板.xlsx")


@bp.route("/workers/export.xlsx")
@roles_required(*OFFICERS)
def export_workers():
    """The filtered worker list as .xlsx (台账); full numbers only when asked, audit-logged."""
    filters = WorkerFilters.from_args(request.args)
    full = request.args.get("full") == "1"
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    count = export.write_export(spool, me(), filters, full)
    audit("registry_export", target_type="Worker", detail={
        "filters": filters.as_args(), "rows": count, "full_numbers": full})
    db.session.commit()
    spool.seek(0)
    name = f"劳动力台账-{clock.today():%Y%m%d}.xlsx"
    return send_file(spool, mimetype=XLSX, as_attachment=True, download_name=name)
