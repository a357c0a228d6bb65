"""Employer pages: sign-up, the officers' employer list, an employer's openings."""
from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.auth.models import Role
from app.auth.scoping import get_visible_or_404, roles_required, visible, visible_codes
from app.clock import today
from app.extensions import db
from app.skills.entries import (
    format_skill_entries,
    parse_skill_entries,
    resolve_occupation,
    skill_label,
)
from app.unit_of_work import action, posted
from app.vocabulary import OFFICERS, REGIONS

from . import jobs as job_service
from . import service
from .display import init_display
from .forms import (
    ActionForm,
    ClassifyForm,
    EditEmployerForm,
    JobForm,
    OfficerEmployerForm,
    SignupForm,
    SuspendForm,
)
from .jobs import JobData
from .models import Employer, EmployerStatus, Job, JobStatus
from .skill_picker import suggest_skills as suggest

bp = Blueprint("employers", __name__, url_prefix="/employers", template_folder="templates")
init_display(bp)

ANY = (*OFFICERS, "employer")


def _me():
    return current_user._get_current_object()


def _my_area() -> tuple[str, str] | None:
    """The officer's area as a code range; None for admins and officers of no area."""
    me = _me()
    return None if me.role != Role.officer.value or me.area is None else visible_codes(me)


def _employer_data(form) -> service.EmployerData:
    return service.EmployerData(
        name=form.name.data or "", credit_code=form.credit_code.data or "",
        industry=form.industry.data or "", area_code=form.area_code.data or None,
        address=form.address.data or "", contact_name=form.contact_name.data or "",
        contact_phone=form.contact_phone.data or "", labour_coop=form.labour_coop.data,
        coop_county_code=form.coop_county_code.data or None)


# ---- employers --------------------------------------------------------------------------


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Public self-service sign-up; the employer is pending until an officer verifies it."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignupForm()
    form.fill_choices()
    if posted(form):
        with action(form) as done:
            employer, user = service.sign_up(_employer_data(form), form.username.data,
                                             form.password.data)
        if done:
            login_user(user)
            flash(_("Registered. You can prepare openings now; they can be published once an "
                    "officer has verified %(name)s.", name=employer.name), "success")
            return redirect(url_for(".my_jobs"))
    return render_template("employers/signup.html", form=form)


@bp.route("/")
@roles_required(*OFFICERS)
def officer_list():
    """Every employer, pending ones first, with filters."""
    stmt = visible(sa.select(Employer), Employer, _me())
    status = request.args.get("status", "")
    region = request.args.get("region", "")
    q = request.args.get("q", "").strip()
    if status in {s.value for s in EmployerStatus}:
        stmt = stmt.where(Employer.status == status)
    if region in REGIONS:
        stmt = stmt.where(Employer.region == region)
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(sa.or_(Employer.name.like(like), Employer.credit_code == q.upper()))
    pending_first = sa.case((Employer.status == "pending", 0), else_=1)
    stmt = stmt.order_by(pending_first, Employer.created_at.desc(), Employer.id.desc())
    listing = db.paginate(stmt, page=request.args.get("page", 1, type=int), per_page=30,
                          error_out=False)
    counts = dict(db.session.execute(
        sa.select(Job.employer_id, sa.func.count()).where(
            Job.employer_id.in_([e.id for e in listing.items]),
            Job.open_clause(today())).group_by(Job.employer_id)).all())
    to_classify = len(job_service.unclassified_jobs(visible(sa.select(Job), Job, _me()),
                                                    _my_area()))
    return render_template("employers/list.html", listing=listing, counts=counts,
                           status=status, region=region, q=q, to_classify=to_classify)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def create():
    """An officer registers an employer that never signed up itself."""
    form = OfficerEmployerForm()
    form.fill_choices()
    if posted(form):
        with action(form) as done:
            employer = service.create_employer(
                _employer_data(form), _me(), verify_now=form.verify_now.data,
                username=form.username.data or "", password=form.password.data or "")
        if done:
            flash(_("Employer %(name)s registered.", name=employer.name), "success")
            return redirect(url_for(".detail", employer_id=employer.id))
    return render_template("employers/form.html", form=form, employer=None)


@bp.route("/<int:employer_id>")
@roles_required(*ANY)
def detail(employer_id: int):
    """An employer's details and openings; officers verify or suspend here."""
    employer = get_visible_or_404(Employer, employer_id)
    jobs = db.session.scalars(sa.select(Job).where(Job.employer_id == employer.id)
                              .order_by(Job.created_at.desc(), Job.id.desc())).all()
    return render_template("employers/detail.html", employer=employer, jobs=jobs,
                           suspend_form=SuspendForm(), action=ActionForm())


@bp.route("/<int:employer_id>/edit", methods=["GET", "POST"])
@roles_required(*ANY)
def edit(employer_id: int):
    """Change an employer's details (its own account or an officer)."""
    employer = get_visible_or_404(Employer, employer_id)
    form = EditEmployerForm(obj=employer)
    form.fill_choices()
    if request.method == "GET":
        form.area_code.data = employer.county_code or employer.city_code or \
            employer.province_code
    if posted(form):
        status = employer.status
        with action(form) as done:
            service.update_employer(employer, _employer_data(form), _me())
        if done:
            if employer.status != status:
                flash(_("Saved. The company name changed, so an officer verifies it again; "
                        "until then your openings are not shown and no hire can be "
                        "confirmed."), "warning")
            else:
                flash(_("Saved."), "success")
            return redirect(url_for(".detail", employer_id=employer.id))
    return render_template("employers/form.html", form=form, employer=employer)


def _status_action(employer_id: int, fn, message: str):
    employer = get_visible_or_404(Employer, employer_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with action() as done:
        fn(employer)
    if done:
        flash(message % {"name": employer.name}, "success")
    return redirect(url_for(".detail", employer_id=employer_id))


@bp.route("/<int:employer_id>/verify", methods=["POST"])
@roles_required(*OFFICERS)
def verify(employer_id: int):
    """Confirm a pending employer."""
    return _status_action(employer_id, lambda e: service.verify(e, _me()),
                          _("%(name)s is verified and may publish openings."))


@bp.route("/<int:employer_id>/reinstate", methods=["POST"])
@roles_required(*OFFICERS)
def reinstate(employer_id: int):
    """Lift a suspension."""
    return _status_action(employer_id, lambda e: service.reinstate(e, _me()),
                          _("%(name)s is reinstated."))


@bp.route("/<int:employer_id>/suspend", methods=["POST"])
@roles_required(*OFFICERS)
def suspend(employer_id: int):
    """Suspend with a reason; the openings leave the board and matching."""
    employer = get_visible_or_404(Employer, employer_id)
    form = SuspendForm()
    if form.validate_on_submit():
        with action() as done:
            service.suspend(employer, form.reason.data, _me())
        if done:
            flash(_("%(name)s is suspended; its openings are off the board.",
                    name=employer.name), "warning")
    else:
        flash(_("Give the reason for the suspension."), "danger")
    return redirect(url_for(".detail", employer_id=employer_id))


# ---- openings ---------------------------------------------------------------------------


@bp.route("/jobs")
@roles_required("employer")
def my_jobs():
    """The logged-in employer's openings with filled and remaining places."""
    employer = get_visible_or_404(Employer, current_user.employer_id)
    stmt = visible(sa.select(Job), Job, _me()).order_by(Job.created_at.desc(), Job.id.desc())
    status = request.args.get("status", "")
    day = today()
    lapsed = sa.and_(Job.status == JobStatus.open.value, Job.closing_date < day)
    full = sa.and_(Job.status == JobStatus.open.value, Job.filled >= Job.headcount)
    if status == "open":
        stmt = stmt.where(Job.open_clause(day))
    elif status == "expired":  # shown as expired whether or not the sweep has run
        stmt = stmt.where(sa.or_(Job.status == status, lapsed))
    elif status == "filled":
        stmt = stmt.where(sa.or_(Job.status == status, sa.and_(full, sa.not_(lapsed))))
    elif status in {s.value for s in JobStatus}:
        stmt = stmt.where(Job.status == status)
    listing = db.paginate(stmt, page=request.args.get("page", 1, type=int), per_page=30,
                          error_out=False)
    return render_template("employers/my_jobs.html", employer=employer, listing=listing,
                           status=status, action=ActionForm())


def _job_data(form: JobForm) -> JobData:
    """Turn the form into JobData; skills not in the list are kept as typed (an officer
    classifies them), never refused."""
    basis = form.wage_basis.data
    occupation = form.occupation_code.data or None  # else resolved from the text and title
    return JobData(
        title=form.title.data or "", area_code=form.area_code.data or None,
        place_detail=form.place_detail.data or "", occupation_code=occupation or None,
        occupation_text=form.occupation_text.data or "",
        description=form.description.data or "",
        required_skills=parse_skill_entries(form.required_skills.data, "required_skills",
                                            keep_unknown=True),
        preferred_skills=parse_skill_entries(form.preferred_skills.data, "preferred_skills",
                                             keep_unknown=True),
        required_certificates=list(form.required_certificates.data or []),
        headcount=form.headcount.data,
        wage_min=None if basis == "negotiable" else form.wage_min.data,
        wage_max=None if basis == "negotiable" else form.wage_max.data,
        piece_rate=basis == "piece", age_min=form.age_min.data, age_max=form.age_max.data,
        min_education=form.min_education.data, housing=form.housing.data,
        meals=form.meals.data, shifts=form.shifts.data or "",
        contract_months=form.contract_months.data, start_date=form.start_date.data,
        closing_date=form.closing_date.data, kind=form.kind.data,
        eligibility_county_code=form.eligibility_county_code.data or None)


def _flash_notes(data: JobData) -> None:
    """Say what is unusual (not wrong) about a saved opening."""
    for note in job_service.date_notes(data):
        flash(note, "warning")


def _fill_form(form: JobForm, job: Job) -> None:
    data = JobData.from_job(job)
    for name in ("title", "occupation_code", "occupation_text", "description", "headcount",
                 "wage_min", "wage_max", "age_min", "age_max", "min_education", "area_code",
                 "place_detail", "housing", "meals", "shifts", "contract_months", "start_date",
                 "closing_date", "kind", "eligibility_county_code", "required_certificates"):
        getattr(form, name).data = getattr(data, name)
    form.occupation_code.data = data.occupation_code or ""
    form.required_skills.data = format_skill_entries(data.required_skills)
    form.preferred_skills.data = format_skill_entries(data.preferred_skills)
    form.wage_basis.data = job.wage_basis


@bp.route("/<int:employer_id>/jobs/new", methods=["GET", "POST"])
@roles_required(*ANY)
def new_job(employer_id: int):
    """Prepare a new opening as a draft (an officer may do it for the employer)."""
    employer = get_visible_or_404(Employer, employer_id)
    form = JobForm()
    form.fill_choices()
    if posted(form):
        with action(form) as done:
            data = _job_data(form)
            job = job_service.create_job(employer, data, _me())
        if done:
            flash(_("Opening saved."), "success")
            _flash_notes(data)
            if request.form.get("publish"):
                return _job_action(job.id, lambda j: job_service.publish_job(j, _me()),
                                   _("The opening is on the job board."))
            return redirect(url_for(".job_detail", job_id=job.id))
    return render_template("employers/job_form.html", form=form, employer=employer, job=None)


@bp.route("/jobs/<int:job_id>")
@roles_required(*ANY)
def job_detail(job_id: int):
    """One opening as its employer (or an officer) sees it, drafts included."""
    job = get_visible_or_404(Job, job_id)
    return render_template("employers/job_detail.html", job=job, action=ActionForm())


@bp.route("/jobs/<int:job_id>/edit", methods=["GET", "POST"])
@roles_required(*ANY)
def edit_job(job_id: int):
    """Change an opening; the form keeps what was typed when a rule is broken."""
    job = get_visible_or_404(Job, job_id)
    form = JobForm()
    form.fill_choices()
    if request.method == "GET":
        _fill_form(form, job)
    if posted(form):
        with action(form) as done:
            data = _job_data(form)
            job_service.update_job(job, data, _me())
        if done:
            flash(_("Opening saved."), "success")
            _flash_notes(data)
            return redirect(url_for(".job_detail", job_id=job.id))
    return render_template("employers/job_form.html", form=form, employer=job.employer,
                           job=job)


def _job_action(job_id: int, fn, message: str, to_new: bool = False):
    job = get_visible_or_404(Job, job_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with action() as done:
        result = fn(job)
    if not done:
        return redirect(url_for(".job_detail", job_id=job_id))
    flash(message, "success")
    return redirect(url_for(".job_detail", job_id=result.id if to_new else job_id))


@bp.route("/jobs/<int:job_id>/publish", methods=["POST"])
@roles_required(*ANY)
def publish_job(job_id: int):
    """Put an opening on the board."""
    return _job_action(job_id, lambda j: job_service.publish_job(j, _me()),
                       _("The opening is on the job board."))


@bp.route("/jobs/<int:job_id>/close", methods=["POST"])
@roles_required(*ANY)
def close_job(job_id: int):
    """Take an opening off the board."""
    return _job_action(job_id, lambda j: job_service.close_job(j, _me()),
                       _("The opening is closed."))


@bp.route("/jobs/<int:job_id>/copy", methods=["POST"])
@roles_required(*ANY)
def copy_job(job_id: int):
    """Start a new draft from an opening."""
    return _job_action(job_id, lambda j: job_service.copy_job(j, _me()),
                       _("Copied into a new draft. Check the dates and publish it."),
                       to_new=True)


@bp.route("/skills/suggest")
@roles_required(*OFFICERS, "employer", "trainee")
def suggest_skills():
    """The skill picker's suggestions for what was typed (JSON, signed-in users)."""

    lang = "en" if str(get_locale()) == "en" else "zh"
    items = suggest(request.args.get("q", "")[:64], lang)
    return jsonify(items=[item.as_json() for item in items])


@bp.route("/jobs/unclassified")
@roles_required(*OFFICERS)
def unclassified():
    """Openings in the officer's area whose title named no skill, each with a picker."""
    jobs = job_service.unclassified_jobs(visible(sa.select(Job), Job, _me()), _my_area())
    form = ClassifyForm()
    form.fill_choices()
    suggestions = {j.id: resolve_occupation(j.occupation_text or "") for j in jobs}
    return render_template("employers/unclassified.html", jobs=jobs, form=form,
                           suggestions=suggestions, limit=job_service.UNCLASSIFIED_LIMIT)


@bp.route("/jobs/<int:job_id>/classify", methods=["POST"])
@roles_required(*OFFICERS)
def classify(job_id: int):
    """Classify one opening from the queue; it then matches normally."""
    job = get_visible_or_404(Job, job_id)
    form = ClassifyForm()
    form.fill_choices()
    if not form.validate_on_submit():
        flash(_("Choose an occupation."), "danger")
        return redirect(url_for(".unclassified"))
    with action() as done:
        job_service.classify_job(job, form.occupation_code.data, _me())
    if done:
        flash(_("%(title)s is classified as %(occupation)s.", title=job.title,
                occupation=skill_label(job.occupation_code)), "success")
    return redirect(url_for(".unclassified"))
