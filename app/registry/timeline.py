"""The worker timeline: the one place its events are built, and how they read on the
worker page (features add their kinds here).

Services call :func:`add_event` (one row, flushes) or, when writing many rows in one
statement, :func:`event_values`; nothing else builds a ``WorkerEvent``.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

from app.clock import utcnow
from app.extensions import db
from app.i18n import in_language, said_from_catalogue

from .models import LABELS, Worker, WorkerEvent

if TYPE_CHECKING:
    from app.auth.models import User


def event_values(worker_id: int, area_code: str, kind: str, detail: dict | None = None, *,
                 by_user_id: int | None = None, at: datetime | None = None) -> dict[str, Any]:
    """The column values of one timeline event (for a bulk insert, or :func:`add_event`)."""
    return {"worker_id": worker_id, "area_code": area_code, "kind": kind,
            "detail": detail or {}, "by_user_id": by_user_id, "at": at or utcnow()}


def add_event(worker: Worker, kind: str, detail: dict | None = None, *,
              by: User | None = None, at: datetime | None = None,
              area_code: str | None = None) -> WorkerEvent:
    """Add one line to the worker's timeline (flushes). The event is seen in the worker's
    area (``area_code``: the area a record of the event keeps, e.g. an arrears case's)."""
    event = WorkerEvent(**event_values(worker.id, area_code or worker.area_code, kind, detail,
                                       by_user_id=getattr(by, "id", None), at=at))
    db.session.add(event)
    db.session.flush()
    return event

Describer = Callable[[WorkerEvent], Markup | str]
_KINDS: dict[str, tuple[Any, Describer | None]] = {}


def register_event_kind(kind: str, title: Any, describe: Describer | None = None) -> None:
    """Name an event kind and how it reads: ``describe(event)`` returns the whole sentence
    (Markup, with links made by :func:`link`), in the page's language, from the codes and
    values the event stored. Features register their own kinds when they are set up."""
    _KINDS[kind] = (title, describe)


def registered_kinds() -> set[str]:
    """Every kind the timeline knows how to say."""
    return set(_KINDS)


def link(endpoint: str, text: Any, anchor: str = "", **values: Any) -> Markup:
    """``text`` as a link to ``endpoint`` when the viewer may open it, else plain text."""

    text = escape(str(text))
    view = current_app.view_functions.get(endpoint)
    roles = getattr(view, "allowed_roles", None)
    if view is None or (roles is not None and getattr(current_user, "role", None) not in roles):
        return text
    try:
        href = url_for(endpoint, **values) + (f"#{anchor}" if anchor else "")
    except BuildError:
        return text
    return Markup('<a href="{}">{}</a>').format(href, text)


def say(message: str, **values: Any) -> Markup:
    """A sentence, already translated by the caller (``say(_("…"), …)``), with its values
    escaped and links in them kept."""
    # The message is catalogue text (trusted); Markup's % escapes every value but links.
    template = Markup(message)  # noqa: S704 - a translation from our own catalogue
    return template % {k: "" if v is None else v for k, v in values.items()}


def join_list(items: Any) -> str:
    """Items of a list as a sentence lists them: 手机号、技能 / phone, skills."""

    return ("、" if str(get_locale()).startswith("zh") else ", ").join(str(i) for i in items)


def _label(kind: str, value: Any) -> str:
    return str(LABELS.get(kind, {}).get(value or "", value or "—"))


def _status(event: WorkerEvent) -> Markup:
    d = event.detail or {}
    if d.get("from"):
        text = say(_("Status changed from %(before)s to %(after)s."),
                   before=_label("status", d["from"]), after=_label("status", d.get("to")))
    else:
        text = say(_("Status set to %(after)s."), after=_label("status", d.get("to")))
    # the reason in the reader's language when the product wrote it ("reason_words"; older
    # events: "reason_msg"), else as it was typed
    reason = in_language(d.get("reason_words")) or said_from_catalogue(d.get("reason_msg")) \
        or d.get("reason")
    return text + (say(_(" Reason: %(reason)s."), reason=reason) if reason else "")


FIELD_NAMES = {
    "name": _l("name"), "name_pinyin": _l("name"), "name_initials": _l("name"),
    "id_number": _l("ID number"), "phone": _l("phone"), "phone_rev": _l("phone"),
    "household_id": _l("household"), "area_code": _l("county"), "category": _l("category"),
    "education": _l("education"), "skills_text": _l("skills"),
    "regions_acceptable": _l("regions acceptable"), "min_wage": _l("lowest wage"),
    "job_kinds_wanted": _l("job kinds wanted"), "available_from": _l("available from"),
    "care_duties": _l("care duties"), "health_notes": _l("health notes"),
    "status": _l("status"), "birth_date": _l("birth date"), "sex": _l("sex"),
}


def _fields(event: WorkerEvent) -> Markup:
    d = event.detail or {}
    names = list(dict.fromkeys(str(FIELD_NAMES.get(f, f)) for f in d.get("fields", [])))
    fields = join_list(names) if names else "—"
    if d.get("import"):
        return say(_("Details updated by roster import #%(id)s: %(fields)s."), id=d["import"],
                   fields=fields)
    return say(_("Details updated: %(fields)s."), fields=fields)


def _registered(event: WorkerEvent) -> Markup:
    d = event.detail or {}
    status = _label("status", d.get("status")) if d.get("status") else ""
    if d.get("import"):
        return say(_("Registered by roster import #%(id)s (%(status)s)."), id=d["import"],
                   status=status or "—")
    if status:
        return say(_("Registered as a worker (%(status)s)."), status=status)
    return say(_("Registered as a worker."))


register_event_kind("registered", _l("Newly registered"), _registered)
register_event_kind("status", _l("Status changed"), _status)
register_event_kind("updated", _l("Details updated"), _fields)
register_event_kind("certificate", _l("Certificate added"),
                    lambda e: say(_("Certificate added: %(kind)s."),
                                  kind=(e.detail or {}).get("kind", "")))
register_event_kind("merged", _l("Duplicate record merged in"),
                    lambda e: say(_("A duplicate record (%(name)s) was merged into this one."),
                                  name=(e.detail or {}).get("name", "")))


def describe_event(event: WorkerEvent) -> Markup:
    """One timeline event as a sentence (with links), in the page's language."""
    title, describe = _KINDS.get(event.kind, (None, None))
    if describe is not None:
        try:
            return escape(describe(event))
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    if title is not None:
        return say(_("%(what)s."), what=str(title))
    return say(_("Something was recorded (%(kind)s)."), kind=event.kind.replace("_", " "))
