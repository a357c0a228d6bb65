"""Qianlu (黔路): Guizhou public employment service platform."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import freshness  # noqa: F401 - registers the session write watch

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory (``app/factory.py``): a short list of register steps, no
    database work."""
    # Loading the factory loads every feature. Importing ``app.skills.text`` or the pure
    # matching engine must not, so the factory module is imported when an app is made.
    from .factory import build_app  # noqa: PLC0415 - keeps `import app.<pure module>` light

    return build_app(config)
