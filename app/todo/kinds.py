"""What a to-do item can be about: one list, with the label officers read.

A feature that opens a new kind of item adds it here (one line each), so the queue's tabs
and labels stay in one place.
"""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class TodoKind(enum.StrEnum):
    """Kinds of to-do item."""

    callback = "callback"  # someone asked to be called back (public opening page)


LABELS = {
    TodoKind.callback: _l("Call back"),
}


def label(kind: str) -> object:
    """The officer-facing label of a kind (the code itself if unknown)."""
    try:
        return LABELS[TodoKind(kind)]
    except ValueError:
        return kind
