"""The worker list's rows, written in Python.

A 50-row page of the worker list (and of each search, a sixth of the officers' requests at
province scale) spent a third of its time in Jinja escaping and joining some 800 small
outputs; here each row is one f-string and only the data is escaped (bench/README.md,
"Session 7"). The markup is the template's: a table row, and below 576 px a card
(``stack-sm`` in app.css) whose facts carry their column's name in ``data-label``.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from app.areas.service import area_name
from app.templating import memo, url_prefix

from .privacy import mask_id, mask_phone

_BADGE_COLOURS = {"seeking": "warning text-dark", "training": "info text-dark",
                  "employed": "success", "unavailable": "secondary"}


def status_badge_html(status: str | None, text: str) -> Markup:
    """A worker status as a coloured badge showing ``text`` (its translated label)."""
    colour = _BADGE_COLOURS.get(status or "", "light text-dark")
    return Markup(f'<span class="badge bg-{colour}">{escape(text)}</span>')  # noqa: S704


def worker_rows_html(rows: Iterable[Any], categories: dict[str, str],
                     statuses: dict[str, str]) -> Markup:
    """``<tr>`` of each row of ``list_workers`` (id, name, masked ID number and phone with
    a Call button for phones, household, site, county, category, status)."""
    worker_href = url_prefix("registry.worker", "worker_id")
    household_href = url_prefix("registry.household", "household_id")
    l_id, l_phone, l_household, l_site, l_county, l_category, l_status = (
        escape(_(text)) for text in ("ID number", "Mobile phone", "Household",
                                     "Relocation site", "County", "Category", "Status"))
    call = (f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
            f'<button class="btn btn-outline-success btn-sm call-worker" type="submit" '
            f'title="{escape(_("Shows the full number (recorded in the audit log)"))}">'
            f'&#9742; {escape(_("Call"))}</button>')
    county_of = memo(lambda code: escape(area_name(code)))
    badge_of = memo(lambda status: status_badge_html(status, statuses.get(status, status or "")))
    out = []
    for w in rows:
        phone = (f'<span class="masked">{escape(mask_phone(w.phone))}</span>\n'
                 f'        <form class="d-inline d-sm-none" method="post" '
                 f'action="{worker_href}{w.id}/reveal">{call}</form>') if w.phone else ""
        household = (f'<a href="{household_href}{w.household_id}">'
                     f'{escape(w.household_number)}</a>') if w.household_id else ""
        category = escape(categories.get(w.category, w.category or ""))
        out.append(
            f'    <tr data-worker="{w.id}">\n'
            f'      <td class="text-nowrap stack-title"><a href="{worker_href}{w.id}">'
            f'{escape(w.name)}</a></td>\n'
            f'      <td class="masked" data-label="{l_id}">{escape(mask_id(w.id_number))}</td>\n'
            f'      <td class="d-none d-md-table-cell" data-label="{l_phone}">{phone}</td>\n'
            f'      <td class="d-none d-lg-table-cell text-nowrap" data-label="{l_household}">'
            f'{household}</td>\n'
            f'      <td class="d-none d-lg-table-cell" data-label="{l_site}">'
            f'{escape(w.site_name or "")}</td>\n'
            f'      <td class="d-none d-md-table-cell" data-label="{l_county}">'
            f'{county_of[w.area_code]}</td>\n'
            f'      <td class="d-none d-sm-table-cell" data-label="{l_category}">{category}</td>\n'
            f'      <td class="text-nowrap" data-label="{l_status}">{badge_of[w.status]}</td>\n'
            f'    </tr>\n')
    return Markup("".join(out))  # noqa: S704 - ids, escaped data and escaped labels
