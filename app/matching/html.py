"""The HTML of match lists, written in Python: score bars, explained components, wages,
and a worker's matches page's two long lists.

The matches page is the one an officer opens most after the worker list (a sixth of the
officers' requests at province scale, and every referral starts there). Its 20 best
openings and 20 closest ruled-out ones were some 1,000 small Jinja outputs, each escaped
and joined: here each row is one f-string and only the data is escaped, like the worker
list's rows (``app/registry/listing_html.py``). Below 576 px each row is a card
(``stack-sm`` in app.css) whose facts carry their column's name in ``data-label``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.areas.service import area_name
from app.employers.models import Job
from app.placements.models import ACTIVE_REFERRAL, ReferralStatus
from app.templating import memo

from .service import ComponentView, JobCard

# A referral that replaces the Refer button: one in progress, or the hire it led to.
SHOWN_REFERRAL = (*ACTIVE_REFERRAL, ReferralStatus.hired.value)


def _pct(v: float) -> str:
    """A bar's width: at most 100, one decimal, as Jinja's ``round(1)`` wrote it."""
    return repr(round(min(float(v), 100.0), 1))


def score_bar(score: float, label: str | None = None) -> Markup:
    """A score as a bar and a number (0-100) with its label for screen readers."""
    label = escape(label or _("Score"))
    return Markup(  # noqa: S704 - numbers and an escaped label
        f'<div class="d-flex align-items-center gap-2" title="{score:.1f}">\n'
        f'  <div class="score-bar flex-grow-1" role="progressbar" aria-valuemin="0" '
        f'aria-valuemax="100" aria-valuenow="{round(float(score), 1)!r}" aria-label="{label}">'
        f'<span style="width: {_pct(score)}%"></span></div>\n'
        f'  <strong class="small">{score:.0f}</strong>\n</div>')


def score_components(items: Sequence[ComponentView], summary: str | None = None) -> Markup:
    """The explained parts of a score, folded under ``summary``: label, a bar of the part's
    0..1 value, points of its weight, and the sentence that explains it. Python, not a
    macro: a matches page shows 20 of these (a hundred rows)."""
    rows = "".join(
        f'      <tr>\n        <th class="fw-normal text-nowrap">{escape(c.label)}</th>\n'
        f'        <td class="w-25"><div class="score-bar" title="{round(100 * c.value)}%">'
        f'<span style="width: {_pct(100 * c.value)}%"></span></div></td>\n'
        f'        <td class="text-nowrap text-end">{c.points:.1f} / {c.weight:.0f}</td>\n'
        f'        <td>{escape(c.text)}</td>\n      </tr>\n'
        for c in items)
    return Markup(  # noqa: S704 - numbers and escaped text
        f'<details class="small mt-1">\n  <summary>{escape(summary or _("Why this score"))}'
        f'</summary>\n  <table class="table table-sm mb-0 mt-1">\n    <tbody>\n{rows}'
        f'    </tbody>\n  </table>\n</details>')


def wage_range(job: Job | JobCard) -> str:
    """An opening's monthly wage as the lists show it: "4500–6000", "5000" or "Negotiable"."""
    low, high = job.wage_min, job.wage_max
    if low and high and low != high:
        return f"{low}–{high}"
    if low or high:
        return str(low or high)
    return _("Negotiable")


def _links(job_href: str | None) -> Any:
    """A job's link: the prefix plus its id, or "#" where openings have no page."""
    prefix = escape(job_href) if job_href else None
    return (lambda job_id: f"{prefix}{job_id}") if prefix else (lambda _job_id: "#")


def _place(job: Any) -> str:
    return job.county_code or job.city_code or job.province_code


def match_rows_html(matches: Sequence[Any], *, job_href: str | None, refer_action: str,
                    token: str, trainee: bool, status_labels: Mapping[str, Any]) -> Markup:
    """Two ``<tr>`` per recommended opening: rank, title and employer with the places left,
    place, wage, score bar and the Refer button (or the referral's status), then the
    explained components."""
    link = _links(job_href)
    place = memo(lambda code: escape(area_name(code)))
    score_label, why_label = _("Score"), _("Why this score")
    l_opening, l_place, l_wage, l_score = (escape(_(text)) for text in (
        "Opening", "Place", "Wage (CNY/month)", "Score"))
    several = escape(_("several places (no fixed number)"))
    button = (f'        <form method="post" action="{escape(refer_action)}" class="d-inline">\n'
              f'          <input type="hidden" name="csrf_token" value="{escape(token)}">\n'
              '          <input type="hidden" name="job_id" value="{job_id}">\n'
              '          <button type="submit" class="btn btn-primary btn-sm">'
              f'{escape(_("Ask for a referral") if trainee else _("Refer"))}</button>\n'
              '        </form>\n')
    out = []
    for rank, m in enumerate(matches, 1):
        job = m.job
        left = several if job.remaining is None else escape(
            _("%(n)d places left", n=job.remaining))
        if m.referral and m.referral.status in SHOWN_REFERRAL:
            action = (f'          <span class="badge text-bg-secondary">'
                      f'{escape(status_labels[m.referral.status])}</span>\n')
        else:
            action = button.replace("{job_id}", str(job.id))
        out.append(
            f'    <tr data-job="{job.id}">\n'
            f'      <td>{rank}</td>\n'
            f'      <td class="stack-title" data-label="{l_opening}"><a href="{link(job.id)}">'
            f'{escape(job.title)}</a><div class="small text-muted">'
            f'{escape(job.employer.name)} · {left}</div></td>\n'
            f'      <td data-label="{l_place}">{place[_place(job)]}</td>\n'
            f'      <td data-label="{l_wage}">{escape(wage_range(job))}</td>\n'
            f'      <td data-label="{l_score}">{score_bar(m.score, score_label)}</td>\n'
            f'      <td class="text-nowrap">\n{action}      </td>\n'
            f'    </tr>\n'
            f'    <tr class="explain" data-explain="{job.id}"><td></td>'
            f'<td colspan="5" class="pt-0">{score_components(m.components, why_label)}</td></tr>\n')
    return Markup("".join(out))  # noqa: S704 - ids, numbers, escaped data and labels


def ruled_out_rows_html(ruled_out: Sequence[Any], *, job_href: str | None) -> Markup:
    """A ``<tr>`` per ruled-out opening: title and employer, place, and every reason, with
    a link to the courses that fix it where training can."""
    link = _links(job_href)
    place = memo(lambda code: escape(area_name(code)))
    courses = memo(lambda subject: escape(url_for("training.courses", gives=subject)))
    courses_fix = escape(_("Courses that fix this"))
    training_fix = escape(_("Training can fix this"))
    l_opening, l_place, l_why = (escape(_(text)) for text in ("Opening", "Place", "Why not"))
    out = []
    for r in ruled_out:
        job = r.job
        reasons = []
        for x in r.reasons:
            if x.fixable and x.subject:
                fix = (f' <a class="badge text-bg-info text-decoration-none" '
                       f'href="{courses[x.subject]}">{courses_fix}</a>')
            elif x.fixable:
                fix = f' <span class="badge text-bg-info">{training_fix}</span>'
            else:
                fix = ""
            reasons.append(f'  <li><span class="badge text-bg-light border">{escape(x.label)}'
                           f'</span> {escape(x.text)}{fix}</li>\n')
        out.append(
            f'    <tr data-job="{job.id}">\n'
            f'      <td class="stack-title" data-label="{l_opening}"><a href="{link(job.id)}">'
            f'{escape(job.title)}</a><div class="small text-muted">'
            f'{escape(job.employer.name)}</div></td>\n'
            f'      <td data-label="{l_place}">{place[_place(job)]}</td>\n'
            f'      <td data-label="{l_why}"><ul class="list-unstyled mb-0 small">\n'
            f'{"".join(reasons)}</ul></td>\n'
            f'    </tr>\n')
    return Markup("".join(out))  # noqa: S704 - ids, escaped data and escaped labels
