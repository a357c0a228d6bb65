"""How timeline events read on the worker page; features add their kinds here."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .models import LABELS, WorkerEvent

Describer = Callable[[WorkerEvent], str]
_KINDS: dict[str, tuple[Any, Describer | None]] = {}


def register_event_kind(kind: str, title: Any, describe: Describer | None = None) -> None:
    """Name an event kind (and optionally how its detail reads) for the timeline."""
    _KINDS[kind] = (title, describe)


def _status(event: WorkerEvent) -> str:
    d = event.detail or {}
    before = LABELS["status"].get(d.get("from") or "", d.get("from") or "—")
    text = f"{before} → {LABELS['status'].get(d.get('to') or '', d.get('to'))}"
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
