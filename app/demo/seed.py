"""Demo data: users for every role plus each feature's own demo records."""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from app.auth.demo import Echo, Login, SeedContext, seed_users
from app.board.demo import seed_offices
from app.employers.demo import seed_employers
from app.employment.demo import seed_employment
from app.extensions import db
from app.matching.demo import seed_matching
from app.monitoring.demo import seed_monitoring
from app.placements.demo import seed_followups
from app.registry.demo import seed_register
from app.training.demo import seed_training


def seed_steps() -> list[Callable[[SeedContext], None]]:
    """Every feature's seeding step, in dependency order."""
    return [seed_users, seed_register, seed_employers, seed_training, seed_matching,
            seed_followups, seed_employment, seed_monitoring, seed_offices]


def seed_all(seed: int, echo: Echo) -> list[Login]:
    """Run every seeding step in order (flushes; the command commits)."""
    ctx = SeedContext(seed, echo)
    for step in seed_steps():
        step(ctx)
        db.session.flush()
    return ctx.logins


def reset_database() -> None:
    """Delete every row except the areas and the migration version, children first."""
    keep = {"area", "alembic_version"}
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in keep]
    if db.session.get_bind().dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    # Users and workers/employers refer to each other: check foreign keys at commit.
    db.session.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
    for table in tables:
        db.session.execute(sa.delete(table))
    db.session.flush()
