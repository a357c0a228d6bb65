"""Domain errors: a rule was broken; the message is translated and safe to show."""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager


class DomainError(ValueError):
    """A business rule refused an operation.

    ``field`` names the form/API field at fault (or None); ``code`` is a stable machine
    code for the API (for example ``"headcount_full"``); ``status`` is the HTTP status the
    API answers with (409 for conflicts with current state, 422 for invalid data).
    """

    status = 422

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid",
                 status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        if status is not None:
            self.status = status

    def messages(self) -> dict[str, str]:
        """The refusal's messages by field name ("" for none): several when ``errors`` is
        set (a :class:`FieldErrors`, or a subclass that checks several fields)."""
        errors = getattr(self, "errors", None)
        if errors:
            return {name or "": str(message) for name, message in errors.items()}
        return {self.field or "": str(self.message)}


class ConflictError(DomainError):
    """The operation conflicts with the current state (full head-count, already done…)."""

    status = 409


class FieldErrors(DomainError):
    """Several fields at fault at once: ``errors`` maps field name ("" for none) to its
    message. Raised by :class:`Problems` so a form shows every problem after one submit."""

    def __init__(self, errors: Mapping[str, object], *, code: str = "invalid",
                 status: int | None = None,
                 refusals: Sequence[DomainError] = ()) -> None:
        self.errors = {name: str(message) for name, message in errors.items()}
        # the refusals gathered (a view finds the one it shows more of: "already
        # registered: <link to the record>")
        self.refusals = list(refusals)
        field, message = next(iter(self.errors.items()))
        super().__init__(message, field=field or None, code=code, status=status)


class Problems:
    """Run every check of an action and refuse once with all their problems.

    ``with problems.check(): rule(...)`` records a DomainError instead of stopping at it
    (the first message per field is kept); ``problems.raise_any()`` then raises: the one
    error itself when there is one (its code and status kept), else a
    :class:`FieldErrors` with every field (409 when any was a conflict)::

        problems = Problems()
        with problems.check():
            clean_credit_code(data.credit_code)
        with problems.check():
            locate(data.area_code)
        problems.raise_any()
    """

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.refusals: list[DomainError] = []

    def __bool__(self) -> bool:
        return bool(self.refusals)

    def has(self, field: str) -> bool:
        """Whether ``field`` already has a problem (a later rule on it may be skipped)."""
        return field in self.errors

    def add(self, exc: DomainError) -> None:
        """Record a refusal (each of its fields, unless the field has one already)."""
        self.refusals.append(exc)
        for name, message in exc.messages().items():
            self.errors.setdefault(name, message)

    @contextmanager
    def check(self) -> Iterator[None]:
        """Run a check; a DomainError it raises is recorded, not propagated."""
        try:
            yield
        except DomainError as exc:
            self.add(exc)

    def raise_any(self) -> None:
        """Raise what was recorded, if anything."""
        if not self.refusals:
            return
        if len(self.refusals) == 1:
            raise self.refusals[0]
        status = max(exc.status for exc in self.refusals)
        raise FieldErrors(self.errors, code="invalid", status=status, refusals=self.refusals)


def refusals_of(exc: BaseException | None) -> list[DomainError]:
    """The refusals one error stands for: those a :class:`FieldErrors` gathered, else the
    error itself (none for no error)."""
    if exc is None:
        return []
    gathered = getattr(exc, "refusals", None)
    if gathered:
        return list(gathered)
    return [exc] if isinstance(exc, DomainError) else []


class ParseError(ValueError):
    """A value that could not be parsed, with the reason in Chinese and English."""

    def __init__(self, text: object, kind: str, reason_zh: str, reason_en: str) -> None:
        self.text = "" if text is None else str(text)
        self.kind = kind
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{reason_zh} / {reason_en}: {self.text!r}")

    @property
    def reason(self) -> str:
        """Both reasons on one line, Chinese first."""
        return f"{self.reason_zh} / {self.reason_en}"
