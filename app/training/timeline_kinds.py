"""How course and trainee-account events read on the worker's timeline."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.areas.service import area_name
from app.registry.models import WorkerEvent
from app.registry.timeline import join_list, link, register_event_kind, say

from .models import LABELS


def _d(event: WorkerEvent) -> dict[str, Any]:
    return event.detail or {}


def _course(d: dict[str, Any]) -> Markup:
    name = d.get("course") or _("a course")
    return link("training.course", name, course_id=d["course_id"]) if d.get("course_id") \
        else escape(name)


def _starting(message: Any, with_start: Any) -> Any:
    def describe(e: WorkerEvent) -> Markup:
        d = _d(e)
        if d.get("start"):
            return say(str(with_start), course=_course(d), day=d["start"])
        return say(str(message), course=_course(d))
    return describe


def _withdrawn(e: WorkerEvent) -> Markup:
    d = _d(e)
    if d.get("reason"):
        return say(_("Withdrew from %(course)s: %(reason)s."), course=_course(d),
                   reason=d["reason"])
    return say(_("Withdrew from %(course)s."), course=_course(d))


def _completed(e: WorkerEvent) -> Markup:
    from app.matching.views import skill_name

    d = _d(e)
    text = say(_("Completed %(course)s."), course=_course(d))
    if d.get("certificate"):
        text += " " + say(_("Certificate: %(cert)s %(number)s."), cert=skill_name(
            d["certificate"]) or d["certificate"], number=d.get("number") or "")
    if d.get("skills"):
        text += " " + say(_("Skills added: %(list)s."), list=join_list(
            skill_name(s) or s for s in d["skills"]))
    return text


def _referral_failed(e: WorkerEvent) -> Markup:
    d = _d(e)
    return say(_("Could not be referred to the opening of %(course)s: %(reason)s."),
               course=_course(d), reason=d.get("reason") or "—")


def _report(e: WorkerEvent) -> Markup:
    d = _d(e)
    kind = d.get("kind")
    if kind == "found_job":
        text = say(_("Reported finding a job: %(job)s at %(employer)s."),
                   job=d.get("job_title") or "—", employer=d.get("employer") or "—")
    elif kind == "moved":
        text = say(_("Reported moving to %(place)s."),
                   place=area_name(d["new_area_code"]) if d.get("new_area_code") else "—")
    elif kind in LABELS["change_kind"]:
        text = say(_("Reported: %(what)s."), what=str(LABELS["change_kind"][kind]))
    else:
        text = say(_("Reported a change."))
    if d.get("on_date"):
        text += " " + say(_("(on %(day)s)"), day=d["on_date"])
    return text + " " + link("training.reports", _("Reports"))


register_event_kind("course_invite", _l("Invited to a course"), _starting(
    _l("Invited to %(course)s."), _l("Invited to %(course)s, starting %(day)s.")))
register_event_kind("course_enrolled", _l("Enrolled"), _starting(
    _l("Enrolled in %(course)s."), _l("Enrolled in %(course)s, starting %(day)s.")))
register_event_kind("course_waitlisted", _l("On the waiting list"), _starting(
    _l("On the waiting list for %(course)s."),
    _l("On the waiting list for %(course)s, starting %(day)s.")))
register_event_kind("course_promoted", _l("Moved off the waiting list"), lambda e: say(
    _("Moved from the waiting list into %(course)s."), course=_course(_d(e))))
register_event_kind("course_withdrawn", _l("Withdrew from a course"), _withdrawn)
register_event_kind("course_completed", _l("Completed a course"), _completed)
register_event_kind("course_failed", _l("Did not pass a course"), lambda e: say(
    _("Did not pass %(course)s."), course=_course(_d(e))))
register_event_kind("course_referral_failed", _l("Referral after a course failed"),
                    _referral_failed)
register_event_kind("account_activated", _l("Account activated"), lambda e: say(
    _("Activated a trainee account (%(username)s)."), username=_d(e).get("username", "")))
register_event_kind("trainee_report", _l("Reported a change"), _report)
