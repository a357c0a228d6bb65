"""How employers and openings are shown: wages, places, statuses (template filters)."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import format_decimal
from flask_babel import gettext as _

from app.areas.service import area_name
from app.clock import today
from app.registry.models import LABELS as REGISTRY_LABELS
from app.skills.entries import LEVELS, cert_label, skill_label

from .models import LABELS, Job


def _n(value: int) -> str:
    return format_decimal(value, format="#,##0")


def format_wage(job: Job) -> str:
    """"4,500–6,000 元/月", "计件（月均 5,000–8,000 元）", "约 4,872 元/月" (from a day or
    hour rate), the partner's own words when there is no amount ("多劳多得"), or "面议"."""
    text = _monthly_wage(job)
    if job.wage_estimated and (job.wage_min is not None or job.wage_max is not None):
        return _("about %(wage)s", wage=text)
    return text


def _monthly_wage(job: Job) -> str:
    lo, hi = job.wage_min, job.wage_max
    if job.piece_rate:
        if lo is None and hi is None:
            return _("Piece rate")
        if lo is not None and hi is not None and lo != hi:
            return _("Piece rate (about %(low)s–%(high)s CNY a month)", low=_n(lo), high=_n(hi))
        return _("Piece rate (about %(amount)s CNY a month)", amount=_n(lo or hi or 0))
    if lo is None and hi is None:
        return job.wage_note or _("Negotiable")
    if lo is not None and hi is not None:
        if lo == hi:
            return _("%(amount)s CNY/month", amount=_n(lo))
        return _("%(low)s–%(high)s CNY/month", low=_n(lo), high=_n(hi))
    if lo is not None:
        return _("from %(amount)s CNY/month", amount=_n(lo))
    return _("up to %(amount)s CNY/month", amount=_n(hi or 0))


def format_places(n: int | None) -> str:
    """A head-count or places left; None (no fixed head-count) is shown as 若干."""
    return _("Several") if n is None else _n(n)


def format_place(obj: object) -> str:
    """"广东省 东莞市 长安镇", "上海市 松江区", "贵州省 毕节市 威宁县" of a job or an employer
    (an opening's place detail last; "place to be confirmed" for an opening without a place)."""
    codes = [getattr(obj, "province_code", None), getattr(obj, "city_code", None),
             getattr(obj, "county_code", None)]
    names = [area_name(c) for c in dict.fromkeys(c for c in codes if c)]
    detail = getattr(obj, "place_detail", None)
    if isinstance(obj, Job) and not names:
        names = [_("Place to be confirmed")]
    return " ".join(n for n in [*names, detail] if n)


def status_label(job: Job) -> str:
    """The status shown for an opening today (expired past its closing date)."""
    return str(LABELS["job_status"][job.status_on(today())])


def init_display(bp: Blueprint) -> None:
    """Register the template filters and globals (app-wide, from the blueprint)."""
    bp.add_app_template_filter(format_wage, "wage")
    bp.add_app_template_filter(format_place, "place")
    bp.add_app_template_filter(format_places, "places")
    bp.add_app_template_filter(area_name, "area_name")
    bp.add_app_template_filter(status_label, "job_status")
    bp.add_app_template_filter(skill_label, "skill_label")
    bp.add_app_template_filter(cert_label, "cert_label")
    bp.add_app_template_global(today, "today_cn")
    bp.record_once(lambda state: state.app.jinja_env.globals.update(
        employer_labels=LABELS, education_labels=REGISTRY_LABELS["education"],
        skill_levels=LEVELS))
