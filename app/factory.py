"""The application factory: every extension, blueprint, signal receiver, importer and the
in-app scheduler is wired here, and only here (features never register each other)."""
from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask_babel import gettext

from . import (
    models,  # noqa: F401 - complete metadata before anything uses it
    signals,
)
from .admin.views import bp as admin_bp
from .api import init_api
from .areas.cli import bp as areas_cli
from .auth.cli import bp as auth_cli
from .auth.service import load_user_from_session
from .auth.undo import bp as undo_bp
from .auth.undo import init_undo
from .auth.views import bp as auth_bp
from .board.views import bp as board_bp
from .config import load_config
from .dashboard.views import bp as dashboard_bp
from .db_setup import configure_engine_events
from .demo.cli import bp as demo_cli
from .employers import importer as openings_import
from .employers import views_import as _employers_import_routes  # noqa: F401 - routes on employers.views.bp
from .employers.cli import bp as jobs_cli
from .employers.views import bp as employers_bp
from .employment.cli import bp as employment_cli
from .employment.views import bp as employment_bp
from .employment.views import init_employment
from .errors import init_errorhandlers
from .extensions import babel, bootstrap, csrf, db, login_manager, migrate
from .i18n import init_i18n
from .imports.base import init_importers
from .imports.views import bp as imports_bp
from .maintenance.cli import bp as maintenance_cli
from .matching.cli import bp as matching_cli
from .matching.service import openings_after_job_loss
from .matching.views import bp as matching_bp
from .matching.views import undo_referral_decline
from .monitoring import compare as list_comparison
from .monitoring import views_public as monitoring_public
from .monitoring.cli import bp as monitoring_cli
from .monitoring.views import bp as monitoring_bp
from .monitoring.zero import open_spell_on_not_working
from .notifications.service import on_employer_standing_changed
from .notifications.views import bp as notifications_bp
from .placements import timeline_kinds as _placement_events  # noqa: F401 - timeline sentences
from .placements.views import bp as placements_bp
from .placements.worker_panel import placements_panel
from .registry import cli as _registry_cli  # noqa: F401 - `flask registry import` on registry.views.bp
from .registry import roster
from .registry import views_households as _registry_households  # noqa: F401 - routes on registry.views.bp
from .registry import views_io as _registry_io  # noqa: F401 - routes on registry.views.bp
from .registry import views_workers as _registry_workers  # noqa: F401 - routes on registry.views.bp
from .registry.views import bp as registry_bp
from .registry.worker_panels import register_worker_panel
from .scheduler.cli import bp as scheduler_cli
from .scheduler.runner import start_in_app
from .security import init_security
from .templating import init_templating
from .todo.views import bp as todo_bp
from .todo.views import undo_close as undo_todo_close
from .trainee.views import bp as trainee_bp
from .training import timeline_kinds as _course_events  # noqa: F401 - timeline sentences
from .training.cli import bp as training_cli
from .training.service import link_placement_to_course
from .training.views import bp as training_bp
from .unit_of_work import init_unit_of_work

# In registration order (template folders are searched in this order too).
BLUEPRINTS = (
    auth_bp, undo_bp, auth_cli, areas_cli, admin_bp, dashboard_bp, demo_cli, maintenance_cli,
    todo_bp, registry_bp, imports_bp, employers_bp, jobs_cli, board_bp,
    training_bp, trainee_bp, training_cli, placements_bp, notifications_bp, scheduler_cli,
    matching_bp, matching_cli, employment_bp, employment_cli, monitoring_bp,
    monitoring_public.bp, monitoring_cli,
)
# What the Undo button after an action can take back (app/auth/undo.py): cheap, reversible
# actions only. Irreversible ones (a hire, a password reset) ask first (app/confirm.py).
UNDOABLE = {"referral_decline": undo_referral_decline, "todo_close": undo_todo_close}
IMPORTERS = {roster.KIND: roster.IMPORTER, openings_import.KIND: openings_import.IMPORTER,
             list_comparison.KIND: list_comparison.IMPORTER}



def N_(message: str) -> str:
    """Mark ``message`` for translation; it is translated where it is shown."""
    return message

def build_app(config: dict[str, Any] | None = None) -> Flask:
    """A configured app: settings, extensions, i18n, security, blueprints, reactions."""
    app = Flask("app", instance_path=os.environ.get("QIANLU_INSTANCE", None))
    app.config.from_mapping(load_config(app.instance_path))
    if config:
        app.config.update(config)
    register_extensions(app)
    init_i18n(app, babel)
    init_security(app)
    register_blueprints(app)
    init_errorhandlers(app)
    init_templating(app)
    init_importers(app, IMPORTERS)
    init_undo(app, UNDOABLE)
    register_worker_panel(placements_panel)  # hires and follow-ups on the worker page
    init_employment()
    connect_signals()
    start_in_app(app)  # the in-app scheduler when SCHEDULER_IN_APP is set (never in tests)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to the app."""
    db.init_app(app)
    migrations = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "migrations"))
    migrate.init_app(app, db, directory=migrations, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Flask-Login's "please log in" flash, said in the page's language (not English always).
    login_manager.login_message = N_("Please log in to access this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = gettext
    login_manager.session_protection = "basic"
    configure_engine_events(app)
    init_unit_of_work(app)
    login_manager.user_loader(load_user_from_session)


def register_blueprints(app: Flask) -> None:
    """Every feature's blueprint (views and CLI groups), then the JSON API."""
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    init_api(app)


def connect_signals() -> None:
    """Every cross-feature reaction (``app/signals.py``): the lower feature sends, the
    higher one receives. Connecting twice is harmless (blinker keeps one connection)."""
    signals.placement_created.connect(link_placement_to_course)
    signals.job_lost.connect(openings_after_job_loss)
    signals.worker_not_working.connect(open_spell_on_not_working)
    signals.employer_standing_changed.connect(on_employer_standing_changed)
