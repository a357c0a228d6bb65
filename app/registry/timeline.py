"""The worker timeline: the one place its events are built, and how they read on the
worker page (features add their kinds here).

Services call :func:`add_event` (one row, flushes) or, when writing many rows in one
statement, :func:`event_values`; nothing else builds a ``WorkerEvent``.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import utcnow
from app.extensions import db

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

Describer = Callable[[WorkerEvent], str]
_KINDS: dict[str, tuple[Any, Describer | None]] = {}


def register_event_kind(kind: str, title: Any, describe: Describer | None = None) -> None:
    """Name an event kind (and optionally how its detail reads) for the timeline."""
    _KINDS[kind] = (title, describe)


def _status(event: WorkerEvent) -> str:
    d = event.detail or {}
    before = LABELS["status"].get(d.get("from"), d.get("from") or "—")
    text = f"{before} → {LABELS['status'].get(d.get('to'), d.get('to'))}"
    return text + (f" ({d['reason']})" if d.get("reason") else "")


def _fields(event: WorkerEvent) -> str:
    d = event.detail or {}
    text = ", ".join(d.get("fields", []))
    if d.get("import"):
        text += " " + _("(roster import #%(id)s)", id=d["import"])
    return text


def _registered(event: WorkerEvent) -> str:
    d = event.detail or {}
    return _("roster import #%(id)s", id=d["import"]) if d.get("import") else ""


register_event_kind("registered", _l("Newly registered"), _registered)
register_event_kind("status", _l("Status changed"), _status)
register_event_kind("updated", _l("Details updated"), _fields)
register_event_kind("certificate", _l("Certificate added"),
                    lambda e: (e.detail or {}).get("kind", ""))
register_event_kind("merged", _l("Duplicate record merged in"),
                    lambda e: (e.detail or {}).get("name", ""))


def describe_event(event: WorkerEvent) -> tuple[str, str]:
    """(title, detail text) of one timeline event."""
    title, describe = _KINDS.get(event.kind, (event.kind, None))
    if describe is not None:
        try:
            return str(title), describe(event)
        except (KeyError, TypeError, ValueError):
            pass
    detail = event.detail or {}
    text = "; ".join(f"{v}" for v in detail.values() if isinstance(v, str | int) and v)
    return str(title), text
