"""The second step of an irreversible action (issue #15): the server acts only on a POST
that carries ``confirm=1``.

The last button of a confirm step (``<details class="confirm-step">`` or a form of its own)
sends ``confirm=1``; any other POST gets :func:`ask_to_confirm`: one page that says what
will happen and posts the same fields back with ``confirm=1`` (no script, so it works with
JavaScript off). A caller asking for JSON gets a 428 in the API's one error shape instead::

    if not confirmed():
        return ask_to_confirm(_("Reset the password?"), [_("… is logged out everywhere.")],
                              button=_("Yes, reset the password"), back=url_for(...))
"""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import jsonify, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

FIELD = "confirm"  # the field (value "1") the final button sends
_NOT_REPEATED = {FIELD, "csrf_token"}  # the page carries a fresh CSRF token of its own


def confirmed() -> bool:
    """Whether this POST is the confirmed second step (``confirm=1``)."""
    return request.form.get(FIELD) == "1"


def ask_to_confirm(title: str, lines: Iterable[str | Markup], *, button: str,
                   back: str | None = None, danger: bool = True) -> ResponseReturnValue:
    """The confirmation page for the action this POST asked for: ``title``, what will
    happen (``lines``), the ``button`` that repeats the POST with ``confirm=1``, and a way
    ``back`` that does nothing (default: the page the request came from). Nothing has been
    done yet: the caller returns this before acting."""
    lines = [line for line in lines if line]
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error={"code": "confirmation_required", "message": title,
                              "fields": {FIELD: [" ".join(str(x) for x in lines)]}}), 428
    fields = [(name, value) for name, values in request.form.lists()
              if name not in _NOT_REPEATED for value in values]
    return render_template("confirm.html", title=title, lines=lines, button=button,
                           back=_cancel_url(back), danger=danger,
                           fields=fields, action=request.full_path.rstrip("?"))


def _local(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _cancel_url(back: str | None) -> str:
    """``back`` when it is a path of this site, else the referring page of this site."""
    if back and _local(back):
        return back
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return "/"
