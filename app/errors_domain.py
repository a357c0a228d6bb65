"""Domain errors: a rule was broken; the message is translated and safe to show."""
from __future__ import annotations


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


class ConflictError(DomainError):
    """The operation conflicts with the current state (full head-count, already done…)."""

    status = 409


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
