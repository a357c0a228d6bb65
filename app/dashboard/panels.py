"""The landing page's panels: every feature's panel function and the roles that see it.

A feature writes ``fn(user) -> Panel | None`` in its own ``panels.py`` (``app.panel.Panel``);
this list is the one place that puts it on the dashboard.
"""
from __future__ import annotations

from collections.abc import Callable

from app.auth.models import User
from app.board.views import BoardFilters, board_query, board_total
from app.employers.panels import employers_panel, my_openings_panel
from app.employment.panels import employment_panel
from app.panel import Panel
from app.placements.panels import followups_panel
from app.registry.panels import register_panel_figures
from app.vocabulary import OFFICERS

PanelProvider = Callable[[User], "Panel | None"]



def _employers_and_board(user: User) -> Panel:
    listed = board_total(BoardFilters(), board_query(BoardFilters()), capped=False)
    return employers_panel(user, listed=listed)


PANELS: tuple[tuple[tuple[str, ...], PanelProvider], ...] = (
    (OFFICERS, register_panel_figures),
    (OFFICERS, _employers_and_board),
    (("employer",), my_openings_panel),
    (OFFICERS, followups_panel),
    (OFFICERS, employment_panel),
)


def panels_for(user: User) -> list[Panel]:
    """Every panel that applies to the user, in display order."""
    panels = [fn(user) for roles, fn in PANELS if user.role in roles]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)
