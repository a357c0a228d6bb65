"""Template filters and globals shared by every feature."""
from __future__ import annotations

from flask import Flask, request, url_for
from flask_babel import format_datetime, get_locale


def url_with_lang(lang: str) -> str:
    """The current page's URL with ?lang= set (keeps other query arguments)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return url_for(request.endpoint or "dashboard.index", **(request.view_args or {}), **args)


def page_url(page: int) -> str:
    """The current page's URL with ?page= set."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_templating(app: Flask) -> None:
    """Register filters and globals."""
    app.jinja_env.globals.update(url_with_lang=url_with_lang, page_url=page_url,
                                 current_locale=lambda: str(get_locale()), nav_items=_nav)
    app.jinja_env.filters["dt"] = lambda v, fmt="short": format_datetime(v, fmt) if v else ""


def _nav():  # noqa: ANN202
    from flask_login import current_user

    from .nav import nav_for

    return nav_for(current_user.role if current_user.is_authenticated else None)
