"""What an importer is: its columns, a per-row check and a batch apply."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .models import ImportJob


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
    # The reason as a catalogue message ({"id": msgid, "params": {...}}) when it was given
    # as a lazy string: the report says it again in the reader's language.
    message: dict[str, Any] | None = None
    changed_to: str | None = None  # a kept row: the value a rule put in its place


@dataclass
class RowErrors:
    """The errors of one row; an importer's validate() returns this instead of a record."""

    errors: list[RowError] = field(default_factory=list)

    def add(self, column: str | None, value: Any, reason: object) -> None:
        """Record one problem (reason may be a lazy string)."""
        self.errors.append(RowError(column, value, str(reason), message_of(reason)))

    def change(self, column: str | None, value: Any, changed_to: str, reason: object) -> None:
        """Record a value a rule changed on a kept row (reported, the row is imported)."""
        self.errors.append(RowError(column, value, str(reason), message_of(reason),
                                    changed_to=changed_to))

    def __bool__(self) -> bool:
        return bool(self.errors)


def message_of(reason: object) -> dict[str, Any] | None:
    """A lazy ``_l("…", name=value)`` as {"id": "…", "params": {name: text}} (kept with the
    report so it reads in whichever language it is read in); None for plain text."""
    func = getattr(reason, "_func", None)
    args: tuple[Any, ...] = tuple(getattr(reason, "_args", ()))
    if getattr(func, "__name__", "") != "gettext" or len(args) != 1:
        return None
    params = {k: v if isinstance(v, int | float) else str(v)
              for k, v in getattr(reason, "_kwargs", {}).items()}
    return {"id": str(args[0]), "params": params}


def message_text(entry: Mapping[str, Any]) -> str:
    """A stored report entry's reason in the current language: said again from its ``msg``
    when it has one, else the text stored at import time."""
    from flask_babel import gettext

    msg = entry.get("msg")
    if not msg:
        return str(entry.get("reason", ""))
    try:
        text = gettext(msg["id"], **msg.get("params", {}))
    except (KeyError, TypeError, ValueError):
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

    def begin(self, job: ImportJob) -> None:
        """Prepare before the first row (load lookups, read the job's user and options)."""

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
    """How the job pages present an importer's jobs."""

    factory: ImporterFactory
    title: Any = None  # shown on the job page, e.g. _l("Roster import")
    back_endpoint: str | None = None  # where "back" on the job page leads


_IMPORTERS: dict[str, ImporterInfo] = {}


def register_importer(kind: str, factory: ImporterFactory, *, title: Any = None,
                      back_endpoint: str | None = None) -> None:
    """Make an importer available to the runner under ``kind``."""
    _IMPORTERS[kind] = ImporterInfo(factory, title, back_endpoint)


def importer_info(kind: str) -> ImporterInfo:
    """Registration details of ``kind`` (a bare entry for unknown kinds)."""
    return _IMPORTERS.get(kind) or ImporterInfo(lambda: None)  # type: ignore[arg-type,return-value]


def get_importer(kind: str) -> Importer:
    """A fresh importer for ``kind`` (KeyError when unknown)."""
    return _IMPORTERS[kind].factory()


def column_label(columns: Sequence[Column], key: str | None) -> str:
    """Header text of a column key (for reports); "" for row-level errors."""
    if key is None:
        return ""
    for col in columns:
        if col.key == key:
            return col.header
    return key
