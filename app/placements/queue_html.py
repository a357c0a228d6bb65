"""The follow-up queue's rows, written in Python.

The queue is the page a county officer works from all day (a sixth of the officers'
requests at province scale); its 50-row page spent half of its time in Jinja, escaping
and joining some 2,000 small outputs. Here each row is one f-string and only the data is
escaped, like the worker list's rows (``app/registry/listing_html.py``). The markup is the
template's: a table row, and below 576 px a card (``stack-sm`` in app.css) whose facts
carry their column's name in ``data-label``.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.registry.privacy import mask_phone
from app.templating import memo, url_prefix

from .followups import followup_label


def followup_rows_html(rows: Iterable[Any], tab: str, today: date) -> Markup:
    """``<tr>`` of each row of ``queue_page``: due date (overdue marked), worker (monitored
    and at-risk households marked), masked phone with a Call link, employer, which
    follow-up, failed attempts (escalation marked) and the Record link."""
    record_href = escape(url_prefix("placements.record", "followup_id"))
    worker_href = escape(url_prefix("registry.worker", "worker_id"))
    record_query = escape("?" + urlencode({"tab": tab}))
    call_query = escape("?" + urlencode({"tab": tab, "reveal": 1}))
    overdue = f' <span class="badge text-bg-danger">{escape(_("Overdue"))}</span>'
    monitored = (f'<span class="badge text-bg-warning" title="{escape(_("Monitored household"))}">'
                 f'{escape(_("Monitored"))}</span>')
    at_risk = f'<span class="badge text-bg-danger">{escape(_("At risk"))}</span>'
    escalated = f' <span class="badge text-bg-info">{escape(_("Escalated"))}</span>'
    call_title, call_label, record_label = (escape(_(text)) for text in (
        "Shows the full number (recorded in the audit log)", "Call", "Record"))
    l_due, l_worker, l_phone, l_employer, l_kind, l_failed = (escape(_(text)) for text in (
        "Due", "Worker", "Phone", "Employer", "Follow-up", "Failed attempts"))
    label_of = memo(lambda kind_slot: escape(followup_label(*kind_slot)))
    out = []
    for fu in rows:
        phone = (f'<span class="masked">{escape(mask_phone(fu.worker_phone))}</span>\n'
                 f'        <a class="btn btn-outline-success btn-sm" '
                 f'href="{record_href}{fu.id}{call_query}" title="{call_title}">&#9742; '
                 f'{call_label}</a>') if fu.worker_phone else ""
        out.append(
            f'    <tr>\n'
            f'      <td class="text-nowrap" data-label="{l_due}">{fu.due_date.isoformat()}'
            f'{overdue if fu.due_date < today else ""}</td>\n'
            f'      <td data-label="{l_worker}"><a href="{worker_href}{fu.worker_id}">'
            f'{escape(fu.worker_name)}</a>\n'
            f'        {monitored if fu.monitored else ""}\n'
            f'        {at_risk if fu.at_risk else ""}\n'
            f'      </td>\n'
            f'      <td data-label="{l_phone}" class="text-nowrap">{phone}</td>\n'
            f'      <td data-label="{l_employer}">{escape(fu.employer_name or "")}</td>\n'
            f'      <td data-label="{l_kind}">{label_of[fu.kind, fu.slot]}</td>\n'
            f'      <td data-label="{l_failed}">{fu.failed_attempts}'
            f'{escalated if fu.escalated_to_id else ""}</td>\n'
            f'      <td class="text-end"><a class="btn btn-primary btn-sm" '
            f'href="{record_href}{fu.id}{record_query}">{record_label}</a></td>\n'
            f'    </tr>\n')
    return Markup("".join(out))  # noqa: S704 - ids, dates, escaped data and escaped labels
