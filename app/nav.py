"""The navigation bar: one list of entries, each for the roles that may use it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.vocabulary import OFFICERS


@dataclass(frozen=True)
class NavItem:
    """A link in the top bar."""

    endpoint: str
    label: object
    roles: tuple[str, ...]
    # Used less often: under "More" when a role has more entries than fit one line.
    secondary: bool = False


FIRST_LINE = 11  # entries that fit one line of a 1366 px laptop in English


NAV: list[NavItem] = [
    NavItem("dashboard.index", _l("Dashboard"),
            ("officer", "employer", "trainee", "admin", "partner")),
    NavItem("registry.workers", _l("Workers"), OFFICERS),
    NavItem("registry.households", _l("Households"), OFFICERS),
    NavItem("registry.sites", _l("Relocation sites"), OFFICERS, secondary=True),
    NavItem("registry.duplicates", _l("Duplicates"), OFFICERS, secondary=True),
    NavItem("employers.officer_list", _l("Employers"), OFFICERS),
    NavItem("employers.my_jobs", _l("My openings"), ("employer",)),
    NavItem("matching.employer_referrals", _l("Candidates"), ("employer",)),
    NavItem("matching.dispatch", _l("Dispatch"), ("officer",), secondary=True),
    NavItem("matching.employer_referrals", _l("Referrals"), ("officer",)),
    NavItem("training.courses", _l("Training"), ("officer", "trainee", "admin")),
    NavItem("placements.queue", _l("Follow-ups"), ("officer",)),
    NavItem("todo.index", _l("To do"), OFFICERS),
    NavItem("employment.destinations", _l("Destinations"), OFFICERS, secondary=True),
    NavItem("employment.layoff_alerts", _l("Layoff alerts"), (*OFFICERS, "partner"),
            secondary=True),
    NavItem("monitoring.zero_queue", _l("Monitoring"), OFFICERS),
    NavItem("notifications.inbox", _l("Notifications"), OFFICERS),
    NavItem("trainee.me", _l("My profile"), ("trainee",)),
    NavItem("board.index", _l("Job board"), ("officer", "employer", "trainee", "admin")),
    NavItem("admin.users", _l("Users"), ("admin",)),
]


def split_nav(items: list[Any]) -> tuple[list[Any], list[Any]]:
    """(the bar's entries, those under "More"): the secondary ones move only when there are
    more entries than fit one line."""
    if len(items) <= FIRST_LINE:
        return items, []
    return [i for i in items if not i.secondary], [i for i in items if i.secondary]


def nav_for(role: str | None) -> list[NavItem]:
    """Entries for a role whose endpoint exists in this app."""
    rules = {r.endpoint for r in current_app.url_map.iter_rules()}
    return [i for i in NAV if role in i.roles and i.endpoint in rules]
