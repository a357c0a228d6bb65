"""Demo data: users for every role plus each feature's own demo records."""
from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from faker import Faker
from flask import current_app

from app.auth.models import Area, User
from app.auth.service import create_user
from app.extensions import db

if TYPE_CHECKING:
    from app.employers.models import Employer
    from app.registry.models import Worker

Echo = Callable[[str], None]
Login = tuple[str, str, str, str]

# Each feature appends a step: fn(ctx) where ctx holds the faker, rng and what earlier steps made.
SEED_STEPS: list[Callable[[SeedContext], None]] = []

DEMO_PASSWORD = "qianlu2025"  # noqa: S105 - documented in the README, demo only


class SeedContext:
    """What seeding steps share: random sources, created users and records, echo."""

    def __init__(self, seed: int, echo: Echo) -> None:
        self.rng = random.Random(seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.echo = echo
        self.logins: list[Login] = []
        # What later steps build on: officers by level ("province", "prefecture", "county",
        # "other_county"), the demo employer, the trainee's worker.
        self.officers: dict[str, User] = {}
        self.demo_employer: Employer | None = None
        self.trainee_worker: Worker | None = None
        production = current_app.config["QIANLU_ENV"] == "production"
        self._random_passwords = production

    def password(self) -> str:
        """A demo password: the documented one, or a random one in production."""
        if self._random_passwords:
            return "demo" + "".join(self.rng.choice("abcdefghjkmnpqrstuvwxyz23456789")
                                    for _ in range(10))
        return DEMO_PASSWORD

    def user(self, username: str, role: str, note: str, **kwargs: Any) -> User:
        """Create a demo user and remember its login for printing."""
        password = self.password()
        user = create_user(username, password, role, **kwargs)
        self.logins.append((username, password, role, note))
        return user


def seed_users(ctx: SeedContext) -> None:
    """Admin and officers at province, prefecture and county level."""
    if db.session.get(Area, "520000") is None:
        raise RuntimeError("areas are not loaded: run `flask areas load` first")
    ctx.user("admin", "admin", "系统管理员 / administrator", display_name="系统管理员")
    ctx.officers["province"] = ctx.user(
        "officer", "officer", "贵州省 / Guizhou province", area_code="520000",
        display_name=ctx.faker.name())
    ctx.officers["prefecture"] = ctx.user(
        "officer_bj", "officer", "毕节市 / Bijie prefecture", area_code="520500",
        display_name=ctx.faker.name())
    ctx.officers["county"] = ctx.user(
        "officer_wn", "officer", "威宁县 / Weining county", area_code="520526",
        display_name=ctx.faker.name())
    ctx.officers["other_county"] = ctx.user(
        "officer_gs", "officer", "观山湖区 / Guanshanhu district", area_code="520115",
        display_name=ctx.faker.name())


def seed_steps() -> list[Callable[[SeedContext], None]]:
    """Every feature's seeding step, in dependency order."""
    from app.board.demo import seed_offices
    from app.employers.demo import seed_employers
    from app.employment.demo import seed_employment
    from app.matching.demo import seed_matching
    from app.monitoring.demo import seed_monitoring
    from app.placements.demo import seed_followups
    from app.registry.demo import seed_register
    from app.training.demo import seed_training

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
