"""Public job board: list with filters and search, and one opening's page."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy.orm import contains_eager
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from app.areas.service import area_name
from app.auth.models import Area
from app.clock import today
from app.employers.models import Employer, EmployerStatus, Job, JobStatus
from app.employers.search import search_condition
from app.employers.service import listed_jobs
from app.employers.skills import occupation_choices
from app.extensions import db
from app.freshness import Cache
from app.sql import count_up_to, show_capped
from app.unit_of_work import action
from app.vocabulary import JOB_KINDS, REGIONS

from .contact import office_for, request_callback, responsible_area

bp = Blueprint("board", __name__, url_prefix="/jobs", template_folder="templates")

PER_PAGE = 20


class CallMeForm(FlaskForm):
    """Ask an officer to call: a name (optional) and a mobile number."""

    name = StringField(_l("Your name"), validators=[Optional(), Length(max=64)])
    phone = StringField(_l("Mobile number"), validators=[
        DataRequired(_l("Enter your mobile number so that an officer can call you.")),
        Length(max=20)])
WAGE_STEPS = (2000, 3000, 4000, 5000, 6000, 8000)


@dataclass(frozen=True)
class BoardFilters:
    """What the visitor asked for (all optional)."""

    q: str = ""
    region: str = ""
    city: str = ""
    wage: int | None = None  # at least this much a month
    kind: str = ""
    occupation: str = ""
    housing: bool = False

    @classmethod
    def from_args(cls, args) -> BoardFilters:
        """Read filters from the query string, ignoring values that make no sense."""
        wage = args.get("wage", type=int)
        return cls(
            q=(args.get("q") or "").strip()[:50],
            region=args.get("region", "") if args.get("region") in REGIONS else "",
            city=(args.get("city") or "")[:6] if (args.get("city") or "").isdigit() else "",
            wage=wage if wage and 0 < wage <= 200_000 else None,
            kind=args.get("kind", "") if args.get("kind") in JOB_KINDS else "",
            occupation=(args.get("occupation") or "")[:48],
            housing=args.get("housing") in ("1", "on", "true"),
        )


def board_query(f: BoardFilters) -> sa.Select:
    """The board's SELECT: listed openings narrowed by the filters, newest first."""
    stmt = listed_jobs(today()).options(contains_eager(Job.employer))
    if f.region:
        stmt = stmt.where(Job.region == f.region)
    if f.city:
        stmt = stmt.where(Job.city_code == f.city)
    if f.wage:
        stmt = stmt.where(sa.func.coalesce(Job.wage_max, Job.wage_min) >= f.wage)
    if f.kind:
        stmt = stmt.where(Job.kind == f.kind)
    if f.occupation:
        stmt = stmt.where(Job.occupation_code == f.occupation)
    if f.housing:
        stmt = stmt.where(Job.housing.is_(True))
    condition = search_condition(f.q)
    if condition is not None:
        stmt = stmt.where(condition)
    return stmt.order_by(Job.published_at.desc(), Job.id.desc())


def count_of(stmt: sa.Select) -> int:
    """COUNT(*) of a board query without wrapping it in a subquery of whole rows, so the
    database can answer from the covering index when no search text is involved."""
    count = stmt.with_only_columns(sa.func.count(Job.id), maintain_column_froms=True)
    return db.session.scalar(count.order_by(None)) or 0


# "N open openings" for each filter set: a count over every listed opening (~100 ms with
# 50,000 open at province scale) that every page of the same filters repeats; and each
# page of results, rendered (the same for every visitor; it names areas). Reused until any
# process commits a change to what they show (app.freshness), at most BOARD_CACHE_SECONDS.
_COUNTS: Cache[int] = Cache(depends_on=(Job, Employer), max_age="BOARD_CACHE_SECONDS")
_BODIES: Cache[Markup] = Cache(depends_on=(Job, Employer, Area),
                               max_age="BOARD_CACHE_SECONDS", max_entries=512)


COUNT_CAP = 1000  # the board counts this many, then says "more than"


def board_total(f: BoardFilters, stmt: sa.Select, *, capped: bool = True) -> int:
    """The number of openings the filters list (see ``_COUNTS``), counted up to
    ``COUNT_CAP`` (COUNT_CAP + 1 means "more"): a search matching thousands stops early
    instead of reading every open opening's text. ``capped=False`` counts them all."""
    cap = COUNT_CAP if capped else None

    def compute() -> int:
        if cap is None:
            return count_of(stmt)
        return count_up_to(stmt, Job.id, cap)

    return _COUNTS.get((today(), f, cap), compute)


_CITIES: Cache[list[tuple[str, str]]] = Cache(depends_on=(Area,), max_age=3600.0)


def city_choices() -> list[tuple[str, str, str]]:
    """(code, name, region) of the cities openings can be in (municipalities included);
    areas change only with `flask areas load`, so they are read once per process."""
    stmt = sa.select(Area.code, Area.region).where(
        sa.or_(Area.level == "prefecture", Area.code == "310000"),
        Area.region.in_(("yrd", "prd", "guizhou"))).order_by(Area.region, Area.code)
    cities = _CITIES.get("cities", lambda: [tuple(r) for r in db.session.execute(stmt)])
    return [(code, area_name(code), region) for code, region in cities]


@bp.route("")
def index():
    """Open openings with filters, search and pages; public."""
    f = BoardFilters.from_args(request.args)

    def body() -> Markup:
        stmt = board_query(f)
        listing = db.paginate(stmt, page=request.args.get("page", 1, type=int),
                              per_page=PER_PAGE, error_out=False, count=False)
        show_capped(listing, board_total(f, stmt), COUNT_CAP)
        # Jinja rendered it with autoescaping: already-safe HTML, kept as such
        return Markup(render_template(  # noqa: S704
            "board/_body.html", listing=listing, f=f, cities=city_choices(),
            occupations=occupation_choices(), wage_steps=WAGE_STEPS))

    # the filters and page links repeat the query string: it is all the fragment shows
    key = (today(), str(get_locale()), request.query_string)
    return render_template("board/index.html", body=_BODIES.get(key, body))


def _shown_job(job_id: int) -> Job:
    job = db.session.scalars(
        sa.select(Job).join(Employer, Job.employer_id == Employer.id)
        .options(contains_eager(Job.employer))
        .where(Job.id == job_id, Job.status != JobStatus.draft.value,
               Employer.status == EmployerStatus.verified.value)).first()
    if job is None:
        abort(404)
    return job


def _detail(job: Job, form: CallMeForm | None = None, code: int = 200):
    area = responsible_area(job)
    return render_template("board/detail.html", job=job, is_open=job.is_open_on(today()),
                           office=office_for(area), office_area=area,
                           call_form=form or CallMeForm()), code


@bp.route("/<int:job_id>")
def detail(job_id: int):
    """One opening: employer, wage, conditions and how to apply through an officer (the
    responsible office's phone and address, and a call-me request)."""
    return _detail(_shown_job(job_id))


@bp.route("/<int:job_id>/call-me", methods=["POST"])
def call_me(job_id: int):
    """A visitor asks an officer to call them about an opening: a to-do item (待办) with
    their phone in the responsible county's queue."""
    job = _shown_job(job_id)
    form = CallMeForm()
    if form.validate_on_submit():
        with action(form) as done:
            request_callback(job, name=form.name.data or "", phone=form.phone.data or "",
                             ip=request.remote_addr)
        if done:
            flash(_("Thank you. An employment officer will call you on %(phone)s, usually "
                    "within one working day.", phone=form.phone.data.strip()), "success")
            return redirect(url_for(".detail", job_id=job.id) + "#contact")
    return _detail(job, form, 422)
