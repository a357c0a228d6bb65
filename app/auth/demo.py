"""Demo data shared by every feature's seeding step: the context they all receive and the
users for every role (the first step). ``app/demo/seed.py`` runs the steps in order."""
from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
