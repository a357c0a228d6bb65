"""Every form's problems listed once at the top of the page it is shown on.

One mechanism for every form of the product: before a template renders, each form in its
context (any name: ``form``, ``id_form``…) is read for field and form-level errors, and
``form_problems`` (label, message, field id) is handed to ``templates/_form_summary.html``,
which ``base.html`` shows above the page. The fields keep their own messages too.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, before_render_template
from wtforms import Form
from wtforms.fields import HiddenField


@dataclass(frozen=True)
class Problem:
    """One problem of a form: the field's label ("" for the form), message, anchor id."""

    label: str
    message: str
    field_id: str


def _messages(errors: Any) -> Iterator[str]:
    """Messages of a field's errors (nested lists and dicts of sub-forms flattened)."""
    if isinstance(errors, str):
        yield errors
    elif isinstance(errors, dict):
        for value in errors.values():
            yield from _messages(value)
    elif isinstance(errors, (list, tuple)):
        for value in errors:
            yield from _messages(value)
    elif errors:
        yield str(errors)


def problems_of(form: Form) -> list[Problem]:
    """The form's problems in field order, form-level ones first."""
    found = [Problem("", str(message), "") for message in getattr(form, "form_errors", [])]
    for field in form:
        hidden = isinstance(field, HiddenField) or field.type == "CSRFTokenField"
        for message in _messages(field.errors):
            found.append(Problem("" if hidden else str(field.label.text), message,
                                 "" if hidden else field.id))
    return found


def form_problems(context: dict[str, Any]) -> list[Problem]:
    """Every problem of every form in a template's context (each form once)."""
    seen: set[int] = set()
    found: list[Problem] = []
    for value in context.values():
        if isinstance(value, Form) and id(value) not in seen:
            seen.add(id(value))
            found.extend(problems_of(value))
    return list(dict.fromkeys(found))


def _add_problems(_app: Flask, template: Any = None, context: dict | None = None,
                  **_extra: Any) -> None:
    if context is not None and "form_problems" not in context:
        context["form_problems"] = form_problems(context)


def init_form_summary(app: Flask) -> None:
    """Hand ``form_problems`` to every template rendered by ``app``."""
    before_render_template.connect(_add_problems, app, weak=False)
