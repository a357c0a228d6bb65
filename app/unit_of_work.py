"""One unit of work per action: commit once when it succeeds, roll back when a rule refuses.

Services flush and never commit; the caller (a view, an API resource, a CLI command) runs
the service calls inside one of the faces of :func:`unit_of_work`:

- views: ``with action(form) as done: service.do(...)`` then ``if done: flash, redirect``;
  a :class:`~app.errors_domain.DomainError` rolls back and is shown next to the form field it
  names (``field``, or several in ``errors``), or flashed when it names none, so the view
  re-renders the form with its field errors;
- the API: ``with domain_errors(): ...`` (``app.api.common``) answers 409/422 as JSON;
- CLI commands: ``with cli_action(): ...`` turns the refusal into a click error.

A write that belongs to the request rather than to its action (the account's language
after ``?lang=``, a token's last use) is queued with :func:`write_after_request` and runs
in its own unit of work once the view has answered: never a commit in a before-request hook.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, Response, flash, g
from sqlalchemy.orm import Session, SessionTransaction

from app import extensions  # module, not its names: extensions → i18n imports this module
from app.errors_domain import DomainError

ErrorTypes = type[Exception] | tuple[type[Exception], ...]


class _FormRefused(Exception):
    """Internal: the block ran, but the form it acted on has field errors."""


class Outcome:
    """What became of one unit of work: true once it committed; ``error`` when refused."""

    def __init__(self) -> None:
        self.done = False
        self.error: Any = None  # the refusal (a DomainError, or one of the given errors)

    def __bool__(self) -> bool:
        return self.done


@contextmanager
def unit_of_work(on_error: Callable[[Any], Any], *, errors: ErrorTypes = DomainError,
                 keep_failed: bool = False, commit: bool = True,
                 refuse: Callable[[], bool] | None = None) -> Iterator[Outcome]:
    """Run one action: commit once when the block finishes, or on one of ``errors`` roll
    back what the block wrote (a savepoint: nothing before it) and hand the error to
    ``on_error`` (which may raise, as the API and CLI faces do). With ``keep_failed`` the
    refused attempt is committed (it is itself the record, e.g. a counted failed try).
    ``commit=False`` only checks (a preview): the writes are rolled back either way.
    ``refuse`` is asked once the block has run: true rolls it back as a refusal that was
    already shown (the form the block acted on has field errors)."""
    session = extensions.db.session()
    outcome = Outcome()
    flushes = session.info.get("uow_flushes", 0)
    try:
        if keep_failed:
            yield outcome
        else:
            with session.begin_nested():
                yield outcome
                if refuse is not None and refuse():
                    raise _FormRefused
    except _FormRefused:
        session.info["uow_flushes"] = flushes
        return
    except errors as exc:
        if keep_failed:
            session.commit()
        else:
            session.info["uow_flushes"] = flushes  # what it flushed is undone
        outcome.error = exc
        on_error(exc)
        return
    if commit:
        session.commit()
    else:
        session.rollback()
    outcome.done = True


def error_messages(exc: DomainError) -> dict[str, str]:
    """A refusal's messages by field name ("" for none): services that check several
    fields at once set ``errors``; the others name one ``field``."""
    if isinstance(exc, DomainError):
        return exc.messages()
    return {getattr(exc, "field", None) or "": str(getattr(exc, "message", exc))}


def show_on_form(form: Any, exc: DomainError, *, category: str = "danger",
                 unfielded: str = "flash") -> None:
    """Show a refusal next to the form field(s) it names; a message naming no field of the
    form is flashed (``unfielded="form"``: listed in ``form.form_errors`` instead). A field
    the form's own validators already refused keeps their message only (the rule would
    say the same thing twice: "enter the company name")."""
    for name, message in error_messages(exc).items():
        field = getattr(form, name, None) if (form is not None and name) else None
        if field is not None and hasattr(field, "errors"):
            if not field.errors:
                field.errors = [*field.errors, message]
        elif unfielded == "form" and form is not None:
            form.form_errors.append(message)
        else:
            flash(message, category)


def form_has_errors(form: Any) -> bool:
    """Whether any field of ``form`` (or the form itself) has an error."""
    return bool(getattr(form, "form_errors", None)) or any(
        field.errors for field in form)


def posted(form: Any) -> bool:
    """Whether ``form`` was submitted; if so, every field is validated now (its errors stay
    on the form) and the view runs its action anyway, so the service's rules add their
    problems on the same submit: every error at once, not one layer per submit::

        if posted(form):
            with action(form) as done:
                service.sign_up(...)   # refused by field errors too: rolled back, not done

    Use it where the service takes the form's data as it is (blank values included);
    ``form.validate_on_submit()`` stays right where it cannot."""
    if not form.is_submitted():
        return False
    form.validate()
    return True


def action(form: Any = None, *, category: str = "danger", unfielded: str = "flash",
           keep_failed: bool = False,
           on_error: Callable[[Any], Any] | None = None,
           errors: ErrorTypes = DomainError) -> Any:
    """A view's unit of work: ``with action(form) as done: …`` commits once on success; a
    refusal rolls back and lands on ``form`` (see :func:`show_on_form`) or, without a
    form, is flashed with ``category``. ``on_error`` replaces the display. When the form
    itself has field errors (see :func:`posted`) the block is rolled back and not done."""
    def show(exc: DomainError) -> None:
        show_on_form(form, exc, category=category, unfielded=unfielded)

    refuse = (lambda: form_has_errors(form)) if form is not None else None
    return unit_of_work(on_error or show, errors=errors, keep_failed=keep_failed,
                        refuse=refuse)


def _click_error(exc: Exception) -> None:
    raise click.ClickException(str(getattr(exc, "message", exc))) from exc


def cli_action(*, errors: ErrorTypes = DomainError,
               on_error: Callable[[Any], Any] | None = None, commit: bool = True) -> Any:
    """A CLI command's unit of work: commit once, or roll back and fail with the message."""
    return unit_of_work(on_error or _click_error, errors=errors, commit=commit)


# ---- writes that belong to the request, not to its action --------------------------------


def write_after_request(write: Callable[[], None]) -> None:
    """Queue ``write`` (which flushes at most) to run once the view has answered, in its
    own unit of work: whatever the view did or refused, it is kept."""
    if "_writes_after_request" not in g:
        g._writes_after_request = []
        g._flushes_before_view = _flushes(extensions.db.session())
    g._writes_after_request.append(write)


def _flushes(session: Session) -> tuple[int, int]:
    """(transactions ended, flushes in the current one) of a session."""
    return session.info.get("uow_ended", 0), session.info.get("uow_flushes", 0)


@sa.event.listens_for(Session, "after_flush")
def _count_flush(session: Session, _context: object) -> None:
    session.info["uow_flushes"] = session.info.get("uow_flushes", 0) + 1


@sa.event.listens_for(Session, "after_transaction_end")
def _count_transaction(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info["uow_ended"] = session.info.get("uow_ended", 0) + 1
        session.info["uow_flushes"] = 0


def _run_writes_after_request(response: Response) -> Response:
    writes = g.pop("_writes_after_request", None)
    if writes:
        session = extensions.db.session()
        ended, flushes = _flushes(session)
        before_ended, before_flushes = g.pop("_flushes_before_view")
        if flushes > (before_flushes if ended == before_ended else 0):
            session.rollback()  # the view left writes uncommitted: not this unit's to keep
        for write in writes:
            write()
        session.commit()
    return response


def init_unit_of_work(app: Flask) -> None:
    """Run the queued request writes after each request."""
    app.after_request(_run_writes_after_request)
