"""Dashboard panels: each feature registers a function that returns figures for a user."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.auth.models import User


@dataclass
class Panel:
    """A block on the landing page: a title, headline figures and links."""

    title: str
    figures: list[tuple[str, object, str | None]] = field(default_factory=list)  # label, value, url
    template: str | None = None
    context: dict = field(default_factory=dict)
    order: int = 50
    note: str | None = None  # a line under the figures (e.g. when they were counted)


PanelProvider = Callable[[User], "Panel | None"]
_providers: list[tuple[tuple[str, ...], PanelProvider]] = []


def register_panel(roles: tuple[str, ...]) -> Callable[[PanelProvider], PanelProvider]:
    """Decorator: add a panel provider for the given roles."""

    def decorator(fn: PanelProvider) -> PanelProvider:
        _providers.append((roles, fn))
        return fn

    return decorator


def panels_for(user: User) -> list[Panel]:
    """Every panel that applies to the user, in display order."""
    panels = [fn(user) for roles, fn in _providers if user.role in roles]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)
