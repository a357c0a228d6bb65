"""The audit log: one function every feature calls."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db

from .models import AuditLog, User


def _entry(action: str, target: Any, target_type: str | None, target_id: Any,
           detail: dict | None, user: User | None) -> dict:
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()
    if target is not None:
        target_type = target_type or type(target).__name__
        target_id = target_id if target_id is not None else getattr(target, "id", None)
    return {"user_id": user.id if user else None, "username": user.username if user else "",
            "action": action, "target_type": target_type,
            "target_id": None if target_id is None else str(target_id), "detail": detail,
            "ip": request.remote_addr if has_request_context() else "cli"}


def audit(
    action: str,
    target: Any = None,
    *,
    target_type: str | None = None,
    target_id: Any = None,
    detail: dict | None = None,
    user: User | None = None,
) -> AuditLog:
    """Record who did ``action`` on which record, when and from which address (flushes only)."""
    entry = AuditLog(**_entry(action, target, target_type, target_id, detail, user))
    db.session.add(entry)
    db.session.flush()
    return entry


def audit_many(entries: Iterable[tuple[str, Any, dict | None]], *,
               user: User | None = None) -> int:
    """``audit`` for many (action, target, detail) at once, in one INSERT (for batches of
    records made together, e.g. an import's openings); returns how many were written."""
    rows = [_entry(action, target, None, None, detail, user)
            for action, target, detail in entries]
    if rows:
        db.session.execute(sa.insert(AuditLog), rows)
    return len(rows)
