"""How this feature's events read on the worker's timeline."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry.timeline import register_event_kind

from .models import LABELS


def _answer(event) -> str:
    d = event.detail or {}
    text = str(LABELS["answer"].get(d.get("answer") or "", d.get("answer") or ""))
    return text + (f" · {d['wage']}" if d.get("wage") else "")


register_event_kind("employment_record", _l("Job found elsewhere recorded"),
                    lambda e: (e.detail or {}).get("employer", ""))
register_event_kind("employment_record_end", _l("Job found elsewhere ended"),
                    lambda e: (e.detail or {}).get("employer", ""))
register_event_kind("check_in", _l("Monthly check-in answered"), _answer)
register_event_kind("layoff_alert", _l("Layoff alert at the employer"),
                    lambda e: (e.detail or {}).get("employer", ""))
register_event_kind("rights_report", _l("Rights or hardship report"),
                    lambda e: str(LABELS["issue"].get((e.detail or {}).get("issue") or "", "")))
