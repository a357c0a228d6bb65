"""Every API blueprint, registered in this order."""
from __future__ import annotations


def blueprints() -> list:
    """The flask-smorest blueprints of API v1."""
    from .tokens_api import bp as tokens_bp

    return [tokens_bp]
