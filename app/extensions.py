"""Extension objects, created unbound and initialised in create_app()."""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Flask, current_app
from flask.globals import _cv_app
from flask_babel import Babel, Domain
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class RequestDomain(Domain):
    """Flask-Babel's domain, with the translations looked up once per locale and context.

    A page translates hundreds of strings (templates, lazy labels); Flask-Babel resolves
    the locale, formats its identifier and reads its cache on every one. The result is
    kept on the app context, tagged with the locale object it was made for, so
    ``force_locale`` (notifications, import reports in the recipient's language) still
    switches."""

    def get_translations(self):  # babel.support.Translations
        appctx = _cv_app.get(None)
        if appctx is None:
            return super().get_translations()
        store = appctx.g.__dict__
        locale = getattr(store.get("_flask_babel"), "babel_locale", None)
        cached = store.get("_qianlu_translations")
        if cached is not None and locale is not None and cached[0] is locale:
            return cached[1]
        translations = super().get_translations()
        store["_qianlu_translations"] = (
            getattr(store.get("_flask_babel"), "babel_locale", None), translations)
        return translations


class QianluBabel(Babel):
    """Flask-Babel with :class:`RequestDomain` as the default domain."""

    @cached_property
    def domain_instance(self) -> Domain:
        """The message domain for the translations."""
        return RequestDomain(domain=self.domain)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose metadata carries the constraint naming convention."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def real_app() -> Flask:
    """The app behind ``current_app`` (to hand to a thread or keep): Flask types the proxy
    as the app itself, so its ``_get_current_object`` is unknown to the checker."""
    return current_app._get_current_object()  # type: ignore[attr-defined]


db = SQLAlchemy(model_class=Base)

# The base class of every model: ``db.Model`` (Base with Flask-SQLAlchemy's additions),
# under a name the type checker can follow (it cannot see through ``db.Model``).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = QianluBabel()
bootstrap = Bootstrap5()
