"""Matching: the pure engine, skill resolution, recommendations, referrals and dispatch."""
from __future__ import annotations

from typing import Any


def register(app: Any) -> None:
    """Register the matching pages and the ``flask match`` commands."""
    from .cli import bp as cli_bp
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(cli_bp)
