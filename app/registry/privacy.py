"""Who sees full ID numbers and phones, and the masks everyone else sees.

Officers whose area contains the worker's area, administrators and the worker themself
(a trainee account linked to the worker) see full values; everyone else, and every export
that does not need them, sees masks. Views that show a full value audit-log it
(``reveal``); other features import these helpers rather than masking on their own.
"""
from __future__ import annotations

from typing import Any

from app.auth.audit import audit
from app.auth.models import Area, User
from app.auth.scoping import code_in_area


def mask_id(number: str | None) -> str:
    """5201**********123X: the first four and the last four characters."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """138****5678: the first three and the last four digits."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def can_see_full(user: User | Any, worker: Any) -> bool:
    """Whether ``user`` may see ``worker``'s full ID number and phone."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == "admin":
        return True
    if user.role == "officer":
        area: Area | None = user.area
        return code_in_area(worker.area_code, area)
    if user.role == "trainee":
        return user.worker_id is not None and user.worker_id == worker.id
    return False


def shown_id(user: User | Any, worker: Any, reveal: bool = False) -> str:
    """The ID number as ``user`` may see it: full only when allowed and asked for."""
    if reveal and can_see_full(user, worker):
        return worker.id_number
    return mask_id(worker.id_number)


def shown_phone(user: User | Any, worker: Any, reveal: bool = False) -> str:
    """The phone as ``user`` may see it: full only when allowed and asked for."""
    if reveal and can_see_full(user, worker):
        return worker.phone or ""
    return mask_phone(worker.phone)


def init_privacy_templating(app: Any) -> None:
    """Template helpers: ``mask_id``/``mask_phone`` filters, ``can_see_full`` global."""
    app.jinja_env.filters.setdefault("mask_id", mask_id)
    app.jinja_env.filters.setdefault("mask_phone", mask_phone)
    app.jinja_env.globals.setdefault("can_see_full", can_see_full)


def record_reveal(worker: Any, user: User | None) -> None:
    """The worker's full ID number and phone were shown to ``user``: audit-logged."""
    audit("worker_reveal", worker, user=user, detail={"fields": ["id_number", "phone"]})
