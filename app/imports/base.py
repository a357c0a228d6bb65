"""What an importer is: its columns, a per-row check and a batch apply."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import Flask, current_app
from flask_babel import gettext

from app.i18n import in_language, said_from_catalogue

from .models import ImportRun


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``header`` is the Chinese header written in the template; ``aliases`` are other headers
    accepted for it (English, older wordings); ``label`` is the translated name shown in
    messages; ``example`` fills the template's sample row.
    """

    key: str
    header: str
    label: Any = None
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    help: Any = ""

    def all_names(self) -> tuple[str, ...]:
        """Header, key and aliases."""
        return (self.header, self.key, *self.aliases)


@dataclass(frozen=True)
class RowError:
    """Why one cell (or the row, column=None) was refused."""

    column: str | None
    value: Any
    reason: str
    # The reason as given (a lazy string ``_l("…")`` when the product wrote it): the report
    # stores it in every language (``app.i18n.words_of``) so each reader reads their own.
    said: Any = None
    changed_to: str | None = None  # a kept row: the value a rule put in its place


@dataclass
class RowErrors:
    """The errors of one row; an importer's validate() returns this instead of a record."""

    errors: list[RowError] = field(default_factory=list)

    def add(self, column: str | None, value: Any, reason: object) -> None:
        """Record one problem (reason may be a lazy string)."""
        self.errors.append(RowError(column, value, str(reason), reason))

    def change(self, column: str | None, value: Any, changed_to: str, reason: object) -> None:
        """Record a value a rule changed on a kept row (reported, the row is imported)."""
        self.errors.append(RowError(column, value, str(reason), reason,
                                    changed_to=changed_to))

    def __bool__(self) -> bool:
        return bool(self.errors)


def reason_text(entry: Mapping[str, Any]) -> str:
    """A stored report entry's problem in the current language: from its ``words`` (every
    language, ``app.i18n.each_language``); an entry stored before them by its ``msg`` (a
    catalogue message said again, with what was done with the row); else the text stored."""
    if entry.get("words"):
        return str(in_language(entry["words"]))
    text = said_from_catalogue(entry.get("msg"))
    if text is None:
        return str(entry.get("reason", ""))
    if entry.get("changed_to") is not None:
        return text + " " + gettext("Imported as “%(value)s”.", value=entry["changed_to"])
    if entry.get("kept"):
        return text + " " + gettext("The row was kept with this field left empty.")
    return text


# A good row may carry notes under this key: values a rule left out of the record (a bad
# optional cell), reported on the row while the row itself is imported.
NOTES_KEY = "_notes"
# An importer with ``cells_except`` (column keys) gets, under this key, every other cell of
# the row by the file's own header ({header: value}, blank cells left out): the columns it
# does not know as well as the ones it does (a department list's own fields).
CELLS_KEY = "_cells"


@dataclass
class ApplyResult:
    """What apply() did with a batch; ``rejected`` are rows refused at apply time
    (for example an ID number registered outside the officer's area)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: dict[int, RowErrors] = field(default_factory=dict)


class Importer(Protocol):
    """The interface the runner drives. See the package docstring for the contract."""

    @property
    def kind(self) -> str:
        """The importer's name (the key it is registered under)."""

    @property
    def columns(self) -> Sequence[Column]:
        """The columns it reads, in the template's order."""

    def begin(self, run: ImportRun) -> None:
        """Prepare before the first row (load lookups, read the run's user and options)."""

    def validate(self, row: Mapping[str, Any], line: int) -> Any:
        """Check one row ({column key: raw cell value}); return a record or RowErrors."""

    def apply(self, batch: list[tuple[int, Any]]) -> ApplyResult:
        """Write a batch of (line, record); flush, never commit."""

    def finish(self) -> None:
        """After the last batch, in the same transaction (e.g. duplicate checks)."""

    # Optional: ``notes() -> list[str]``, translated sentences added to the job's summary
    # after the counts (e.g. "12 employers were registered from the sheet").


ImporterFactory = Callable[[], Importer]


@dataclass(frozen=True)
class ImporterInfo:
    """How the run pages present an importer's runs."""

    factory: ImporterFactory
    title: Any = None  # shown on the run page, e.g. _l("Roster import")
    back_endpoint: str | None = None  # where "back" on the run page leads


def init_importers(app: Flask, importers: Mapping[str, ImporterInfo]) -> None:
    """The factory's list of importers: kind → how to build and present it."""
    app.extensions["qianlu.importers"] = dict(importers)


def _importers() -> Mapping[str, ImporterInfo]:
    return current_app.extensions.get("qianlu.importers", {})


def importer_info(kind: str) -> ImporterInfo:
    """How ``kind`` is built and presented (a bare entry for unknown kinds)."""
    return _importers().get(kind) or ImporterInfo(lambda: None)  # type: ignore[arg-type,return-value]


def get_importer(kind: str) -> Importer:
    """A fresh importer for ``kind`` (KeyError when unknown)."""
    return _importers()[kind].factory()
