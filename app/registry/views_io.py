"""Roster import (upload, template) and the 台账 export."""
from __future__ import annotations

import io
import os
import tempfile
from datetime import date

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from app import clock
from app.areas.service import area_names, county_choices
from app.auth.audit import audit
from app.auth.models import User
from app.auth.scoping import roles_required, visible
from app.confirm import confirmed
from app.extensions import db
from app.imports.models import ImportRun
from app.imports.reading import FileProblem, check_upload_name
from app.imports.report import safe_cell
from app.imports.runner import create_run, run_import, start_in_background
from app.vocabulary import OFFICERS

from . import export
from .demo import demo_id_number
from .forms import ImportForm
from .models import RelocationSite
from .queries import WorkerFilters, list_workers
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


def example_rows(user: User) -> list[dict[str, str]]:
    """Two roster rows that pass the import for ``user``: ID numbers with a right check
    digit from a county of the user's area, a relocation site of that county (if any)."""



    county = next((code for code, _label in county_choices(user) if code), "520526")
    county_name = area_names().get(county, (county, county))[0]  # 威宁彝族回族苗族自治县
    site = db.session.scalar(sa.select(RelocationSite.name).where(
        RelocationSite.county_code == county).order_by(RelocationSite.id).limit(1)) or ""
    return [
        {"name": "张三", "id_number": demo_id_number(county, date(1990, 1, 1), 1, "M"),
         "phone": "13885001234", "site": site, "county": county_name,
         "category": "易地搬迁", "education": "初中", "skills_text": "电焊、叉车",
         "regions_acceptable": "省内、珠三角", "min_wage": "4000",
         "available_from": "2026-03-01", "care_duties": "否", "status": "求职中"},
        {"name": "李梅", "id_number": demo_id_number(county, date(1995, 6, 1), 2, "F"),
         "site": site, "county": county_name, "category": "一般",
         "education": "高中", "skills_text": "缝纫", "regions_acceptable": "本县",
         "care_duties": "是", "status": "求职中"},
    ]


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
    examples = workbook.create_sheet(_("Examples (not imported)"))
    examples.append([column.header + ("*" if column.required else "") for column in COLUMNS])
    for row in example_rows(me()):
        examples.append([safe_cell(row.get(column.key, "")) for column in COLUMNS])
    examples.append([])
    examples.append([_("Only the first sheet is imported. These rows pass for your area: "
                       "copy them to the first sheet to try an import.")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True,
                     download_name="劳动力花名册模板.xlsx")


@bp.route("/workers/export.xlsx", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def export_workers():
    """The filtered worker list as .xlsx (台账); full numbers only when asked, after the
    officer has said what for and confirmed (the purpose goes to the audit log)."""
    filters = WorkerFilters.from_args(request.args)
    full = request.args.get("full") == "1"
    purpose = " ".join((request.form.get("purpose") or "").split())[:200]
    if full and (request.method != "POST" or not purpose
                 or not confirmed()):
        people = list_workers(me(), filters, 1, 1)
        problem = (_("Say what the full numbers are needed for.")
                   if request.method == "POST" else "")
        return render_template("registry/export_confirm.html", filters=filters,
                               people=people.total, capped=getattr(people, "capped", False),
                               purpose=purpose, problem=problem), \
            422 if request.method == "POST" else 200
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    count = export.write_export(spool, me(), filters, full)
    detail: dict[str, object] = {"filters": filters.as_args(), "rows": count,
                                 "full_numbers": full}
    if full:
        detail["purpose"] = purpose
    audit("registry_export", target_type="Worker", detail=detail)
    db.session.commit()
    spool.seek(0)
    name = f"劳动力台账-{clock.today():%Y%m%d}.xlsx"
    return send_file(spool, mimetype=XLSX, as_attachment=True, download_name=name)
