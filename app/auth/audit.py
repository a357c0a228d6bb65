"""The audit log: one function every feature calls."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db

from .models import AuditLog, User


def audit(
    action: str,
    target: Any = None,
    *,
    target_type: str | None = None,
    target_id: Any = None,
    detail: dict | None = None,
    user: User | None = None,
    flush: bool = True,
) -> AuditLog:
    """Record who did ``action`` on which record, when and from which address (flushes only;
    ``flush=False`` leaves it to the caller's next flush, for entries written in bulk)."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()
    if target is not None:
        target_type = target_type or type(target).__name__
        target_id = target_id if target_id is not None else getattr(target, "id", None)
    entry = AuditLog(
        user_id=user.id if user else None,
        username=user.username if user else "",
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        detail=detail,
        ip=request.remote_addr if has_request_context() else "cli",
    )
    db.session.add(entry)
    if flush:
        db.session.flush()
    return entry
