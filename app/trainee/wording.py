"""Match explanations in plain sentences for trainees ("你有焊工证，这个岗位需要").

The engine explains with reason codes and component keys (officer wording, in
``app.matching``); this layer rewrites them for the worker, from the opening's and the
worker's own data, in the page's language. It never changes what the engine decided.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.matching.service import lang
from app.registry.models import LABELS as REGISTRY_LABELS
from app.skills.taxonomy import default_taxonomy


def _skill_codes(entries: Any) -> list[str]:
    return [e["code"] for e in entries or [] if isinstance(e, dict) and e.get("code")]


def why_it_fits(job: Any, worker: Any, components: list, skills: set[str]) -> list[str]:
    """Why a recommended opening suits the worker (``skills``: the worker's skill codes),
    one short sentence each."""
    tax, lg = default_taxonomy(), lang()
    held = {c.kind for c in worker.certificates}
    sentences = [_("You have the %(cert)s; this job needs it.", cert=tax.cert_label(c, lg))
                 for c in job.required_certificates or [] if c in held]
    needed = _skill_codes(job.required_skills) or (
        [job.occupation_code] if job.occupation_code else [])
    sentences += [_("You can do %(skill)s; this job needs it.", skill=tax.skill_label(code, lg))
                  for code in needed if code in skills][:2]
    keys = {c.key for c in components if c.points >= 5}
    if "wage" in keys and (job.wage_min or job.wage_max):
        wage = job.wage_min or job.wage_max
        sentences.append(_("It pays %(wage)s CNY a month.", wage=f"{wage:,}"))
    if "region" in keys:
        sentences.append(_("The work is in a place you said you would go to."))
    if job.housing and job.meals:
        sentences.append(_("Meals and a bed are provided."))
    elif job.housing:
        sentences.append(_("A bed is provided."))
    return sentences


def why_not(job: Any, reason: Any) -> str:
    """Why the worker cannot take an opening yet, as one plain sentence."""
    tax, lg = default_taxonomy(), lang()
    subject = reason.subject or ""
    if reason.code == "cert_missing" and subject:
        return _("This job needs the %(cert)s and you do not have it yet; a course can get "
                 "it for you.", cert=tax.cert_label(subject, lg))
    if reason.code == "cert_expired" and subject:
        return _("Your %(cert)s runs out before the job starts; renew it first.",
                 cert=tax.cert_label(subject, lg))
    if reason.code == "skill_gap" and subject:
        return _("This job needs someone who can do %(skill)s; a course can teach you.",
                 skill=tax.skill_label(subject, lg))
    if reason.code == "age":
        return _("This job takes people aged %(lo)s to %(hi)s.", lo=job.age_min,
                 hi=job.age_max)
    if reason.code == "region":
        return _("The work is in a place you did not choose.")
    if reason.code == "care_duties":
        return _("You look after your family, and this work is outside your county.")
    if reason.code == "education":
        return _("This job asks for at least %(level)s.",
                 level=REGISTRY_LABELS["education"].get(job.min_education, ""))
    return str(reason.text)
