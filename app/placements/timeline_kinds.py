"""How referral, hire and follow-up events read on the worker's timeline."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.registry.models import WorkerEvent
from app.registry.timeline import join_list, link, register_event_kind, say

from .followup_models import LABELS as FOLLOWUP_LABELS


def _d(event: WorkerEvent) -> dict[str, Any]:
    return event.detail or {}


def _job(d: dict[str, Any]) -> Markup:
    title = d.get("job_title") or _("an opening")
    return link("board.detail", title, job_id=d["job_id"]) if d.get("job_id") else escape(title)


def _employer(d: dict[str, Any]) -> str:
    return d.get("employer") or _("an employer")


def _referral(e: WorkerEvent) -> Markup:
    d = _d(e)
    return say(_("Referred to %(job)s at %(employer)s."), job=_job(d), employer=_employer(d))


def _interview(e: WorkerEvent) -> Markup:
    return say(_("Invited to interview for %(job)s."), job=_job(_d(e)))


def _declined(e: WorkerEvent) -> Markup:
    d = _d(e)
    if d.get("reason"):
        return say(_("Not taken for %(job)s: %(reason)s."), job=_job(d), reason=d["reason"])
    return say(_("Not taken for %(job)s."), job=_job(d))


def _undeclined(e: WorkerEvent) -> Markup:
    return say(_("The decline for %(job)s was undone: the referral is open again."),
               job=_job(_d(e)))


def _withdrawn(e: WorkerEvent) -> Markup:
    d = _d(e)
    if d.get("reason"):
        return say(_("The referral to %(job)s was withdrawn: %(reason)s."), job=_job(d),
                   reason=d["reason"])
    return say(_("The referral to %(job)s was withdrawn."), job=_job(d))


def _placement(e: WorkerEvent) -> Markup:
    d = _d(e)
    text = say(_("Hired as %(job)s at %(employer)s, starting %(day)s."), job=_job(d),
               employer=_employer(d), day=d.get("start_date", ""))
    return text + " " + link("registry.worker", _("Follow-ups"), anchor="placements",
                             worker_id=e.worker_id)


def _follow_up(e: WorkerEvent) -> Markup:
    d = _d(e)
    what = str(FOLLOWUP_LABELS["employment"].get(d.get("employment") or "", "")) or _(
        "recorded")
    parts = [what]
    if d.get("wage"):
        parts.append(_("%(n)s CNY/month", n=d["wage"]))
    issues = [str(FOLLOWUP_LABELS["issue"].get(i, i)) for i in d.get("issues") or []]
    if issues:
        parts.append(_("issues: %(list)s", list=join_list(issues)))
    if d.get("satisfaction"):
        parts.append(_("satisfaction %(n)s of 5", n=d["satisfaction"]))
    which = d.get("followup_kind")
    name = (str(FOLLOWUP_LABELS["kind"][which]) % {"n": d["slot"]}
            if which in FOLLOWUP_LABELS["kind"] and d.get("slot") else "")
    name = _("Follow-up (%(which)s)", which=name) if name else _("Follow-up")
    followup = link("placements.record", name, followup_id=d["follow_up_id"]) \
        if d.get("follow_up_id") else escape(name)
    return say(_("%(followup)s: %(what)s."), followup=followup, what=_(", ").join(parts))


def _job_loss(e: WorkerEvent) -> Markup:
    d = _d(e)
    if d.get("reason"):
        return say(_("Left the job at %(employer)s on %(day)s: %(reason)s."),
                   employer=_employer(d), day=d.get("end_date", ""), reason=d["reason"])
    return say(_("Left the job at %(employer)s on %(day)s."), employer=_employer(d),
               day=d.get("end_date", ""))


def _job_change(e: WorkerEvent) -> Markup:
    d = _d(e)
    if d.get("wage"):
        return say(_("Changed job: now at %(employer)s, %(wage)s CNY/month."),
                   employer=_employer(d), wage=d["wage"])
    return say(_("Changed job: now at %(employer)s."), employer=_employer(d))


def _arrears(e: WorkerEvent) -> Markup:
    return say(_("Reported wage arrears by %(employer)s (%(case)s)."), employer=_employer(_d(e)),
               case=link("placements.arrears", _("case #%(id)s", id=_d(e).get("case_id", "")),
                         status="all"))


def _arrears_resolved(e: WorkerEvent) -> Markup:
    return say(_("The wage-arrears case #%(id)s was resolved."), id=_d(e).get("case_id", ""))


register_event_kind("referral", _l("Referred"), _referral)
register_event_kind("referral_interview", _l("Invited to interview"), _interview)
register_event_kind("referral_declined", _l("Declined"), _declined)
register_event_kind("referral_undeclined", _l("Decline undone"), _undeclined)
register_event_kind("referral_withdrawn", _l("Referral withdrawn"), _withdrawn)
register_event_kind("placement", _l("Hired"), _placement)
register_event_kind("follow_up", _l("Follow-up"), _follow_up)
register_event_kind("job_loss", _l("Left the job"), _job_loss)
register_event_kind("job_change", _l("Changed job"), _job_change)
register_event_kind("wage_arrears", _l("Wage arrears"), _arrears)
register_event_kind("wage_arrears_resolved", _l("Wage arrears resolved"), _arrears_resolved)
