"""Qianlu (黔路): Guizhou public employment service platform."""
from __future__ import annotations

import os
from typing import Any

from flask import Flask

from . import freshness  # noqa: F401 - registers the session write watch
from .config import load_config
from .extensions import babel, bootstrap, csrf, db, login_manager, migrate


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory: a short list of register steps, no database work."""
    app = Flask(__name__, instance_path=os.environ.get("QIANLU_INSTANCE", None))
    app.config.from_mapping(load_config(app.instance_path))
    if config:
        app.config.update(config)
    register_extensions(app)
    register_i18n(app)
    register_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to the app."""
    from . import models  # noqa: F401 - complete metadata before anything uses it
    from .db_setup import configure_engine_events

    db.init_app(app)
    migrations = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "migrations"))
    migrate.init_app(app, db, directory=migrations, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Flask-Login's "please log in" flash, said in the page's language (not English always).
    from flask_babel import gettext

    def N_(message: str) -> str:
        return message

    login_manager.login_message = N_("Please log in to access this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = gettext
    login_manager.session_protection = "basic"
    configure_engine_events(app)

    from .unit_of_work import init_unit_of_work

    init_unit_of_work(app)

    from .auth.service import load_user_from_session

    login_manager.user_loader(load_user_from_session)


def register_i18n(app: Flask) -> None:
    """Flask-Babel with Chinese default; ?lang= switches and is remembered."""
    from .i18n import init_i18n

    init_i18n(app, babel)


def register_security(app: Flask) -> None:
    """Security headers, cookie flags and proxy handling."""
    from .security import init_security

    init_security(app)


def register_blueprints(app: Flask) -> None:
    """Every feature's blueprint (views and CLI groups)."""
    from .admin.views import bp as admin_bp
    from .areas.cli import bp as areas_cli
    from .auth.cli import bp as auth_cli
    from .auth.views import bp as auth_bp
    from .dashboard.views import bp as dashboard_bp
    from .demo.cli import bp as demo_cli
    from .maintenance.cli import bp as maintenance_cli
    from .todo.views import bp as todo_bp

    for bp in (auth_bp, auth_cli, areas_cli, admin_bp, dashboard_bp, demo_cli, maintenance_cli,
               todo_bp):
        app.register_blueprint(bp)
    from .registry.views import register_blueprints as register_registry  # + imports
    register_registry(app)
    from .employers.views import register_blueprints as register_employers  # + job board
    register_employers(app)
    from .training.views import register_blueprints as register_training  # + trainee, CLI
    register_training(app)
    from .placements.views import init_followups  # + notifications, scheduler
    init_followups(app)
    from .matching import register as register_matching  # matching, referrals, dispatch
    register_matching(app)
    from .employment.views import register as register_employment  # check-ins, layoffs
    register_employment(app)
    from .monitoring.views import register as register_monitoring  # + /declare, flask risk
    register_monitoring(app)

    from .api import init_api

    init_api(app)


def register_errorhandlers(app: Flask) -> None:
    """HTML error pages, JSON errors under /api."""
    from .errors import init_errorhandlers

    init_errorhandlers(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals used across templates."""
    from .templating import init_templating

    init_templating(app)
