"""Panels other features add to the worker page (placements and follow-ups, …).

A feature registers ``panel(worker, user) -> Markup | None`` with :func:`register_worker_panel`
when its blueprint is set up; the worker page shows each non-empty result, in order, as a
full-width card. The register stays free of imports from those features.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

WorkerPanel = Callable[[Any, Any], Markup | None]
_PANELS: list[WorkerPanel] = []


def register_worker_panel(panel: WorkerPanel) -> None:
    """Add a panel to the worker page (idempotent)."""
    if panel not in _PANELS:
        _PANELS.append(panel)


def worker_panels(worker: Any, user: Any) -> list[Markup]:
    """The rendered panels the user sees on the worker's page."""
    shown = (panel(worker, user) for panel in _PANELS)
    return [html for html in shown if html]
