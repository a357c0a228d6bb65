"""Locale selection: ?lang= switches and is remembered in the session and the account."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, partial
from typing import Any

from babel import support
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, LazyString, force_locale, get_locale, gettext
from flask_login import current_user, user_logged_in
from wtforms.i18n import messages_path

from app.unit_of_work import write_after_request


def select_locale() -> str:
    """The request's locale: ?lang=, then the session, then the account, then Chinese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = getattr(g, "lang", None)
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _remember_lang() -> None:
    """?lang= switches the language for this session and, signed in, for the account (its
    notifications and SMS are written in it, and the next session starts in it)."""
    lang = request.args.get("lang")
    if lang and lang in current_app.config["LANGUAGES"]:
        g.lang = lang
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            write_after_request(partial(_save_locale, current_user._get_current_object(), lang))


def _adopt_session_lang(_app: Any, user: Any, **_extra: Any) -> None:
    """A new login with no language of its own (just signed up or activated) keeps the
    one its session was using, so its notifications and SMS come in that language."""
    lang = session.get("lang")
    if user.locale is None and isinstance(lang, str) and lang in current_app.config["LANGUAGES"]:
        write_after_request(partial(_save_locale, user, lang))


def _save_locale(user: Any, lang: str) -> None:
    """The account keeps the language (its notifications and SMS are written in it)."""
    user.locale = lang


# ---- texts the product writes and stores, read later in each reader's language ------------
#
# One mechanism: a text the product writes (not what a person typed) is stored said in every
# language of the app, {"zh": "…", "en": "…"} (``each_language``, or ``words_of`` for a value
# that may be either kind), beside or instead of the plain text, and read with
# ``in_language``. Why this form rather than keeping the msgid and its values and saying it
# again at read time (the former import-report form, still readable with
# ``said_from_catalogue``):
# - a value in the sentence may itself be a translatable label (a declared kind, a reason
#   picked from a list, a status): said in each language at write time it is translated too,
#   where a stored msgid can only keep the value's text in the writer's language;
# - a text may be composed (a sentence, then a list of openings; a label and a note), which a
#   single msgid cannot hold;
# - reading is a dictionary look-up (no catalogue, no formatting) and does not break when a
#   msgid is reworded in the source (a stored msgid then no longer finds its translation).
# The price: a later fix of a translation reaches only texts written after it (stored ones
# read as they were written), one string per language is stored, and a language added
# later reads the Chinese until texts are written again.


def each_language(say: Callable[[], object] | object) -> dict[str, str]:
    """A text said in every language of the app ({"zh": …, "en": …}): stored with what it
    is about (a to-do item's detail, a message's values, a status change's reason, an import
    report's problem), so each reader reads it in their own language, whoever or whatever (a
    scheduled task) wrote it. ``say`` is a lazy string (``lazy_gettext`` with its values,
    which may be lazy labels themselves) or a function that says it."""
    return {lang: _said(say, lang) for lang in current_app.config["LANGUAGES"]}


def _said(say: Callable[[], object] | object, lang: str) -> str:
    with force_locale(lang):
        return str(say() if callable(say) else say)


def words_of(text: object) -> dict[str, str] | None:
    """``text`` in every language when the product wrote it (a lazy string ``_l("…", …)`` or
    a function that says it); None for plain text (what a person typed, or a text already
    said in one language), which is stored as it is."""
    if isinstance(text, LazyString) or (callable(text) and not isinstance(text, str)):
        return each_language(text)
    return None


def is_words(value: Any) -> bool:
    """Whether ``value`` is a text in several languages made by ``each_language``."""
    return isinstance(value, dict) and bool(value) and all(
        isinstance(k, str) and len(k) <= 5 and isinstance(v, str) for k, v in value.items())


def in_language(value: Any, locale: str | None = None) -> Any:
    """``value`` in ``locale`` (the current one when not given) when it is a text in several
    languages (Chinese when that language is missing); any other value as it is."""
    if not is_words(value):
        return value
    locale = locale or str(get_locale())
    return value.get(locale) or value.get("zh") or next(iter(value.values()))


@cache
def _wtforms_catalogue(locale: str) -> Any:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' own messages ("This field is required.") in the request's language, each
    language's catalogue read once per process: Flask-WTF would read and parse it again
    for every request that builds a form (~0.3 ms of each POST)."""

    def ugettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


_WTFORMS_MESSAGES = _WTFormsMessages()


def _wtforms_messages() -> None:
    # where Flask-WTF looks first (an attribute it sets itself otherwise)
    request.wtforms_translations = _WTFORMS_MESSAGES  # type: ignore[attr-defined]


def said_from_catalogue(message: Any) -> str | None:
    """Read only, for rows stored before ``each_language`` was the one form: a catalogue
    message {"id": msgid, "params": {...}} (import reports' "msg", status events'
    "reason_msg") said in the current language; None when it cannot be (then show the text
    stored with it)."""
    if not isinstance(message, Mapping) or not isinstance(message.get("id"), str):
        return None
    try:
        return gettext(message["id"], **(message.get("params") or {}))
    except (KeyError, TypeError, ValueError):
        return None


def init_i18n(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel, the ?lang= hook and WTForms' messages."""
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    # Templates translate through the app's one domain directly: Flask-Babel's callables
    # look the domain up on ``g`` for every string (a page says 50 to 100 of them).
    def tr() -> Any:
        return babel.domain_instance.get_translations()

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # jinja2.ext.i18n
        gettext=lambda s: tr().ugettext(s),
        ngettext=lambda s, p, n: tr().ungettext(s, p, n),
        pgettext=lambda c, s: tr().upgettext(c, s),
        npgettext=lambda c, s, p, n: tr().unpgettext(c, s, p, n),
        newstyle=True)
    app.before_request(_remember_lang)
    app.before_request(_wtforms_messages)
    user_logged_in.connect(_adopt_session_lang, app, weak=False)
