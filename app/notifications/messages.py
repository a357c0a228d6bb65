"""Message texts by kind, rendered in the recipient's language."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale
from flask_babel import gettext as _

from app.i18n import in_language

LANGUAGES = ("zh", "en")


def _followup_due(p: dict) -> str:
    return _("Qianlu employment service: %(name)s, your employment officer will contact you "
             "in the next few days to ask how your work is going. If you have any problem at "
             "work (unpaid wages, injury, housing), please tell us.", name=p.get("name", ""))


def _digest(p: dict) -> str:
    return _("Follow-ups in your area: %(overdue)s overdue, %(today)s due today.",
             overdue=p.get("overdue", 0), today=p.get("today", 0))


def _escalated(p: dict) -> str:
    return _("Follow-up of %(name)s escalated to you: %(n)s attempts to reach the worker "
             "failed.", name=p.get("name", ""), n=p.get("attempts", 0))


def _job_lost(p: dict) -> str:
    if p.get("jobs"):
        return _("%(name)s left the job at %(employer)s (%(reason)s) and is seeking work "
                 "again. Fresh recommendations: %(jobs)s.", name=p.get("name", ""),
                 employer=p.get("employer", ""), reason=p.get("reason", ""), jobs=p["jobs"])
    return _("%(name)s left the job at %(employer)s (%(reason)s) and is seeking work again. "
             "Open the worker's page for fresh recommendations.", name=p.get("name", ""),
             employer=p.get("employer", ""), reason=p.get("reason", ""))


def _arrears(p: dict) -> str:
    return _("Wage arrears reported by %(name)s against %(employer)s. The employer is "
             "flagged until the case is resolved.", name=p.get("name", ""),
             employer=p.get("employer", ""))


def _household(p: dict) -> str:
    return _("Monitored household %(number)s is at risk: a member lost their job.",
             number=p.get("number", ""))


def _checkin(p: dict) -> str:
    return _("Qianlu employment service: %(name)s, how is your work this month? Three taps "
             "to tell us: %(link)s", name=p.get("name", ""), link=p.get("link", ""))


def _checkin_reminder(p: dict) -> str:
    return _("Qianlu employment service: %(name)s, we have not heard from you this month. "
             "Please tell us how your work is going: %(link)s", name=p.get("name", ""),
             link=p.get("link", ""))


def _layoff(p: dict) -> str:
    return _("%(employer)s: %(kind)s on %(date)s. Workers of your area recorded there: "
             "%(names)s. Matches are proposed on the alert's page.",
             employer=p.get("employer", ""), kind=p.get("what", ""), date=p.get("date", ""),
             names=p.get("names", ""))


def _not_working(p: dict) -> str:
    return _("%(name)s answered the monthly check-in: not working (%(reason)s). Fresh "
             "recommendations: %(jobs)s", name=p.get("name", ""), reason=p.get("reason", ""),
             jobs=p.get("jobs") or "—")


def _declare_code(p: dict) -> str:
    return _("Qianlu employment service: your one-time code is %(code)s (valid %(minutes)s "
             "minutes). Do not give it to anyone.", code=p.get("code", ""),
             minutes=p.get("minutes", 10))


def _declare_answer(p: dict) -> str:
    return _("Qianlu employment service: your declaration of %(day)s was handled: "
             "%(answer)s See: %(link)s", day=p.get("day", ""), answer=p.get("answer", ""),
             link=p.get("link", ""))



# ---- employers and trainees (issue 15) ------------------------------------------------


def _employer_verified(p: dict) -> str:
    return _("Qianlu: %(name)s is verified. Your openings can now go on the job board.",
             name=p.get("name", ""))


def _employer_suspended(p: dict) -> str:
    return _("Qianlu: %(name)s is suspended (%(reason)s). Its openings are off the job "
             "board; call your employment officer to sort it out.", name=p.get("name", ""),
             reason=p.get("reason", ""))


def _employer_reinstated(p: dict) -> str:
    return _("Qianlu: the suspension of %(name)s is lifted.", name=p.get("name", ""))


def _candidate_referred(p: dict) -> str:
    return _("Qianlu: an employment officer put forward a candidate, %(worker)s, for your "
             "opening %(job)s. Open Candidates to invite them to an interview.",
             worker=p.get("worker", ""), job=p.get("job", ""))


def _course_enrolled(p: dict) -> str:
    return _("Qianlu: you are enrolled in %(course)s, starting %(start)s in %(place)s. Bring "
             "your ID card on the first day.", course=p.get("course", ""),
             start=p.get("start", ""), place=p.get("place", ""))


def _course_waitlisted(p: dict) -> str:
    return _("Qianlu: %(course)s (starting %(start)s) is full. You are number %(n)s on the "
             "waiting list; we tell you when a place frees up.", course=p.get("course", ""),
             start=p.get("start", ""), n=p.get("position", ""))


def _course_promoted(p: dict) -> str:
    return _("Qianlu: a place freed up. You are now enrolled in %(course)s, starting "
             "%(start)s. Bring your ID card on the first day.", course=p.get("course", ""),
             start=p.get("start", ""))


def _session_changed(p: dict) -> str:
    return _("Qianlu: the dates of %(course)s changed: now %(start)s to %(end)s.",
             course=p.get("course", ""), start=p.get("start", ""), end=p.get("end", ""))


MESSAGES: dict[str, Callable[[dict], str]] = {
    "checkin": _checkin,
    "checkin_reminder": _checkin_reminder,
    "layoff_alert": _layoff,
    "checkin_not_working": _not_working,
    "employer_verified": _employer_verified,
    "employer_suspended": _employer_suspended,
    "employer_reinstated": _employer_reinstated,
    "candidate_referred": _candidate_referred,
    "course_enrolled": _course_enrolled,
    "course_waitlisted": _course_waitlisted,
    "course_promoted": _course_promoted,
    "session_changed": _session_changed,
    "followup_due": _followup_due,
    "followup_digest": _digest,
    "followup_escalated": _escalated,
    "job_lost": _job_lost,
    "arrears_open": _arrears,
    "household_at_risk": _household,
    "declare_code": _declare_code,
    "declare_answer": _declare_answer,
}


def render(kind: str, locale: str | None, params: dict) -> str:
    """The text of a message of ``kind`` in ``locale`` (Chinese when unknown)."""
    locale = locale if locale in LANGUAGES else "zh"
    said = {key: in_language(value, locale) for key, value in params.items()}
    with force_locale(locale):
        return MESSAGES[kind](said)
