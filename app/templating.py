"""Template filters and globals shared by every feature."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Flask, request, url_for
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from app.extensions import real_app
from app.form_summary import init_form_summary
from app.freshness import Cache
from app.vocabulary import OFFICERS

from .nav import nav_for, split_nav


def url_with_lang(lang: str) -> str:
    """The current page's URL with ?lang= set (keeps other query arguments). A page that
    answers a POST to an address that only takes POSTs (a confirmation step) switches on
    the page the user came from."""
    rule = request.url_rule
    if rule is not None and rule.methods is not None and "GET" not in rule.methods:
        referrer = urlsplit(request.referrer or "")
        if referrer.netloc == request.host and referrer.path:
            query = [(k, v) for k, v in parse_qsl(referrer.query) if k != "lang"]
            return referrer.path + "?" + urlencode([*query, ("lang", lang)])
        return url_for("dashboard.index", lang=lang)
    args: dict[str, Any] = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return url_for(request.endpoint or "dashboard.index", **(request.view_args or {}), **args)


def page_url(page: int) -> str:
    """The current page's URL with ?page= set."""
    args: dict[str, Any] = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for(request.endpoint or "dashboard.index", **(request.view_args or {}), **args)


def url_prefix(endpoint: str, key: str, **values: Any) -> str:
    """The URL of ``endpoint`` without the id that ends its path (``key``): a long list links
    its rows as ``prefix ~ row.id`` instead of building one URL per row."""
    url = url_for(endpoint, **{**values, key: 0})
    if not url.endswith("/0"):
        raise ValueError(f"{endpoint}: {key} does not end the path ({url})")
    return url[:-1]


class _Memo(dict):
    def __init__(self, func: Callable[[Any], Any]) -> None:
        super().__init__()
        self.func = func

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.func(key)
        return value


def memo(func: Callable[[Any], Any]) -> dict:
    """``func`` remembered for one page: after ``{% set county = memo(area_name) %}``,
    ``county[code]`` looks each code up once however many rows show it."""
    return _Memo(func)


def init_templating(app: Flask) -> None:
    """Register filters and globals."""
    app.jinja_env.globals.update(url_with_lang=url_with_lang, page_url=page_url,
                                 url_prefix=url_prefix, memo=memo,
                                 current_locale=lambda: str(get_locale()), nav_items=_nav,
                                 split_nav=_split_nav, OFFICERS=OFFICERS)
    app.jinja_env.filters["dt"] = lambda v, fmt="short": format_datetime(v, fmt) if v else ""
    init_form_summary(app)


def _split_nav(items: list[NavLink]) -> tuple[list[NavLink], list[NavLink]]:

    return split_nav(items)


class NavLink(NamedTuple):
    """A top-bar entry as shown: its endpoint (to mark the current page), URL and label."""

    endpoint: str
    url: str
    label: str
    secondary: bool = False  # under "More" when the bar would not fit one line


# The bar is the same for every page a role sees in one language: built once, not with a
# URL and a translation per entry on every page (and a walk over every route).
_NAV: Cache[list[NavLink]] = Cache(max_age=3600, max_entries=64)


def _nav() -> list[NavLink]:
    role = current_user.role if current_user.is_authenticated else None
    app = real_app()  # its routes
    return _NAV.get((app, role, str(get_locale()), request.script_root), lambda: [
        NavLink(i.endpoint, url_for(i.endpoint), str(i.label), i.secondary)
        for i in nav_for(role)])
