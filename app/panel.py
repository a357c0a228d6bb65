"""A dashboard panel: what a feature's panel function returns for the landing page.

Each feature keeps its panel functions (``fn(user) -> Panel | None``) in its own
``panels.py``; ``app/dashboard/panels.py`` lists them with the roles that see them.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Panel:
    """A block on the landing page: a title, headline figures and links."""

    title: str
    figures: list[tuple[str, object, str | None]] = field(default_factory=list)  # label, value, url
    template: str | None = None
    context: dict = field(default_factory=dict)
    order: int = 50
    note: str | None = None  # a line under the figures (e.g. when they were counted)
