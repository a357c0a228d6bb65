"""What a to-do item can be about: one list, with the label officers read.

A feature that opens a new kind of item adds it here (one line each), so the queue's tabs
and labels stay in one place.
"""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class TodoKind(enum.StrEnum):
    """Kinds of to-do item."""

    callback = "callback"  # someone asked to be called back (public opening page)
    checkin_no_answer = "checkin_no_answer"  # a monthly check-in unanswered after reminders
    checkin_not_working = "checkin_not_working"  # a check-in answered "not working"
    layoff_alert = "layoff_alert"  # an employer of the area's workers lays off or closes
    declaration = "declaration"  # a household's self-declaration (/declare/<code>)
    new_risk = "new_risk"  # another department's list shows a new risk (app.monitoring)
    zero_employment = "zero_employment"  # a household with nobody in work: clear it in time
    zero_escalated = "zero_escalated"  # not cleared in time: escalated to the prefecture


LABELS = {
    TodoKind.callback: _l("Call back"),
    TodoKind.checkin_no_answer: _l("Check-in not answered"),
    TodoKind.checkin_not_working: _l("Out of work (check-in)"),
    TodoKind.layoff_alert: _l("Layoff alert"),
    TodoKind.declaration: _l("Self-declaration"),
    TodoKind.new_risk: _l("New risk from a department's list"),
    TodoKind.zero_employment: _l("Zero-employment household"),
    TodoKind.zero_escalated: _l("Zero-employment household not cleared in time"),
}


def label(kind: str) -> object:
    """The officer-facing label of a kind (the code itself if unknown)."""
    try:
        return LABELS[TodoKind(kind)]
    except ValueError:
        return kind
