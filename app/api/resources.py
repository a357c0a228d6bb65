"""Every API blueprint, registered in this order."""
from __future__ import annotations


def blueprints() -> list:
    """The flask-smorest blueprints of API v1."""
    from .employers import bp as employers_bp
    from .employment import bp as employment_bp
    from .followups import bp as followups_bp
    from .households import bp as households_bp
    from .matching import bp as matching_bp
    from .monitoring import bp as monitoring_bp
    from .referrals import bp as referrals_bp
    from .stats import bp as stats_bp
    from .tokens_api import bp as tokens_bp
    from .training import bp as training_bp
    from .workers import bp as workers_bp

    return [tokens_bp, workers_bp, households_bp, employers_bp, matching_bp, referrals_bp,
            training_bp, followups_bp, stats_bp, employment_bp,
            monitoring_bp]
