"""Labour-cooperation import pages: upload a partner's list, map its columns, run it.

A partner's sheet names each row's employer (用人单位, optionally its credit code):
``/employers/import``. A list for one employer is uploaded from that employer's page
(``/employers/<id>/import``); its rows need no employer column (a row that names one is
still filed under the employer it names). The mapping step shows the file's own headers
with a sample of rows; the officer says which column is the title, the wage, the place…;
the choice is remembered for the employer (``Employer.import_mapping``) and, when named,
for the partner (``PartnerMapping``), and offered first next time. Running, progress and
the row report are the generic import pages (app/imports). Employers registered from a
sheet wait on ``/employers/to-verify`` for an officer to verify them in bulk.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length, Optional

from app.auth.audit import audit
from app.auth.scoping import get_visible_or_404, roles_required, visible
from app.extensions import db, real_app
from app.imports.models import ImportRun
from app.imports.reading import (
    FileProblem,
    Limits,
    check_upload_name,
    map_headers,
    preview_rows,
)
from app.imports.runner import create_run, run_import, start_in_background
from app.vocabulary import OFFICERS

from . import service
from .importer import COLUMNS, KIND, REQUIRED, remembered_mapping
from .models import Employer, EmployerStatus, Job, PartnerMapping
from .views import _me, bp

PREVIEW_ROWS = 3


class UploadForm(FlaskForm):
    """A partner's list of openings (for one employer, or naming each row's employer)."""

    file = FileField(_l("File (.xlsx or .csv)"), validators=[FileRequired()])
    partner = StringField(_l("Partner (optional)"), validators=[Optional(), Length(max=128)],
                          description=_l("e.g. 苏州市人社局: its column mapping is remembered"))
    publish = BooleanField(_l("Publish the openings at once (verified employers only)"))
    submit = SubmitField(_l("Upload and map the columns"))


def preview_table(path: str, filename: str) -> tuple[list[str], list[list[str]]]:
    """The header (first row with two or more filled cells) and a few rows after it."""
    rows = preview_rows(path, filename, Limits.from_config(current_app.config))
    cells = [["" if v is None else str(v).strip() for v in r] for r in rows]
    for i, row in enumerate(cells):
        if sum(1 for v in row if v) >= 2:
            width = max(j for j, v in enumerate(row) if v) + 1
            samples = [r[:width] + [""] * (width - len(r)) for r in cells[i + 1:]
                       if any(r)][:PREVIEW_ROWS]
            return row[:width], samples
    raise FileProblem(_("No header row found. The first row must hold the column headers: "
                        "%(expected)s.", expected="、".join(c.header for c in COLUMNS)))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def import_partner_sheet():
    """Upload a partner's sheet of openings whose rows name their employers."""
    return _upload(None)


@bp.route("/<int:employer_id>/import", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def import_jobs(employer_id: int):
    """Upload a labour-cooperation list of openings for an employer."""
    return _upload(get_visible_or_404(Employer, employer_id))


def _upload(employer: Employer | None):
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            check_upload_name(upload.filename or "")
        except FileProblem as exc:
            form.file.errors = [*form.file.errors, str(exc.message)]
        else:
            user = _me()
            run = create_run(KIND, upload.filename, upload.stream, user=user,
                             area_code=user.area_code,
                             employer_id=employer.id if employer else None,
                             options={"locale": str(get_locale()),
                                      "publish": bool(form.publish.data),
                                      "partner": (form.partner.data or "").strip()})
            audit("import_upload", run, detail={"kind": KIND, "file": run.filename,
                                                "employer": employer.id if employer else None})
            db.session.commit()
            return redirect(url_for(".import_mapping", run_id=run.id))
    partners = db.session.scalars(sa.select(PartnerMapping.name).order_by(PartnerMapping.name))
    mine = (ImportRun.employer_id == employer.id if employer
            else sa.and_(ImportRun.employer_id.is_(None), ImportRun.created_by_id == _me().id))
    recent = db.session.scalars(sa.select(ImportRun).where(ImportRun.kind == KIND, mine)
                                .order_by(ImportRun.id.desc()).limit(10)).all()
    return render_template("employers/import.html", form=form, employer=employer,
                           partners=partners.all(), columns=COLUMNS, recent=recent)


def _initial_mapping(run: ImportRun, employer: Employer | None,
                     headers: list[str]) -> list[str]:
    remembered = remembered_mapping((run.options or {}).get("partner"),
                                    employer.id if employer else None)
    auto = map_headers(headers, COLUMNS)
    return [remembered[h] if h in remembered else (auto[i] or "")
            for i, h in enumerate(headers)]


@bp.route("/import/<int:run_id>/mapping", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def import_mapping(run_id: int):
    """Say which of the file's columns holds which field, then run the import."""
    run = get_visible_or_404(ImportRun, run_id)
    if run.kind != KIND or run.status != "queued" or not run.stored_path:
        return redirect(url_for("imports.run", run_id=run.id))
    employer = get_visible_or_404(Employer, run.employer_id) if run.employer_id else None
    try:
        headers, samples = preview_table(run.stored_path, run.filename)
    except FileProblem as exc:
        flash(str(exc.message), "danger")
        return redirect(url_for(".import_jobs", employer_id=employer.id) if employer
                        else url_for(".import_partner_sheet"))
    chosen = _initial_mapping(run, employer, headers)
    problems: list[str] = []
    if request.method == "POST":
        form = FlaskForm()
        if not form.validate_on_submit():
            problems.append(_("The form has expired or is invalid. Please reload and try "
                              "again."))
        keys = {c.key for c in COLUMNS}
        chosen = [request.form.get(f"map_{i}", "") for i in range(len(headers))]
        chosen = [k if k in keys else "" for k in chosen]
        labels = {c.key: c.header for c in COLUMNS}
        needed = REQUIRED | ({"employer"} if employer is None else set())
        missing = [labels[k] for k in sorted(needed) if k not in chosen]
        if missing:
            problems.append(_("Say which column holds: %(fields)s.", fields="、".join(missing)))
        doubled = sorted({labels[k] for k in chosen if k and chosen.count(k) > 1})
        if doubled:
            problems.append(_("Each field can come from one column only: %(fields)s.",
                              fields="、".join(doubled)))
        if not problems:
            mapping = {h: k for h, k in zip(headers, chosen, strict=True) if h}
            _remember(run, employer, mapping)
            db.session.commit()
            _run(run)
            return redirect(url_for("imports.run", run_id=run.id))
    return render_template("employers/import_mapping.html", run=run, employer=employer,
                           headers=headers, samples=samples, chosen=chosen, columns=COLUMNS,
                           problems=problems, form=FlaskForm()), (422 if problems else 200)


def _remember(run: ImportRun, employer: Employer | None, mapping: dict[str, str]) -> None:
    run.options = {**(run.options or {}), "mapping": mapping}
    if employer is not None:
        employer.import_mapping = mapping
    partner = (run.options or {}).get("partner")
    if partner:
        saved = db.session.scalar(sa.select(PartnerMapping).where(
            PartnerMapping.name == partner))
        if saved is None:
            saved = PartnerMapping(name=partner[:128])
            db.session.add(saved)
        saved.mapping = mapping
        saved.updated_by_id = _me().id
    audit("import_mapping", run, detail={"mapping": mapping, "partner": partner})


def _run(run: ImportRun) -> None:
    size = Path(run.stored_path).stat().st_size if run.stored_path else 0
    if size > current_app.config.get("IMPORT_BACKGROUND_BYTES", 256 * 1024):
        start_in_background(real_app(), run.id)
        flash(_("The file is being imported; you can leave this page and come back."), "info")
    else:
        run_import(run)


# ---- employers registered from partners' sheets ----------------------------------------------


class VerifyForm(FlaskForm):
    """Verify the ticked employers."""

    submit = SubmitField(_l("Verify the selected employers"))


@bp.route("/to-verify", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def to_verify():
    """Employers waiting for verification (those registered from partners' sheets first),
    with a tick box each, verified in bulk; each verification is audited."""
    form = VerifyForm()
    source = request.args.get("source", "").strip()
    if form.validate_on_submit():
        ids = [int(v) for v in request.form.getlist("employer") if v.isdigit()]
        done = service.verify_many(ids, _me())
        if done:
            audit("employer_verify_bulk", None, target_type="Employer",
                  detail={"employers": [e.id for e in done]})
        db.session.commit()
        if done:
            flash(_("%(n)d employers verified; their openings can now be published.",
                    n=len(done)), "success")
        else:
            flash(_("Tick the employers to verify."), "warning")
        return redirect(url_for(".to_verify", source=source or None))
    stmt = visible(sa.select(Employer), Employer, _me()).where(
        Employer.status == EmployerStatus.pending.value)
    if source:
        stmt = stmt.where(Employer.source == source)
    from_sheet = sa.case((Employer.source != "", 0), else_=1)
    stmt = stmt.order_by(from_sheet, Employer.source, Employer.name, Employer.id)
    listing = db.paginate(stmt, page=request.args.get("page", 1, type=int), per_page=100,
                          error_out=False)
    ids = [e.id for e in listing.items]
    drafts = dict(db.session.execute(
        sa.select(Job.employer_id, sa.func.count()).where(Job.employer_id.in_(ids))
        .group_by(Job.employer_id)).all()) if ids else {}
    sources = db.session.scalars(sa.select(Employer.source).distinct().where(
        Employer.status == EmployerStatus.pending.value, Employer.source != "")
        .order_by(Employer.source)).all()
    return render_template("employers/to_verify.html", listing=listing, form=form,
                           drafts=drafts, sources=sources, source=source)
