"""The demo register: sites in three prefectures, households, workers with valid IDs."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.demo import SeedContext, seed_users
from app.registry.demo import seed_register
from app.registry.models import Household, HouseholdPlanEntry, RelocationSite, Worker
from app.registry.validation import parse_id_number


def test_seed_register(app, db):
    ctx = SeedContext(2025, echo=lambda _text: None)
    seed_users(ctx)
    seed_register(ctx)
    sites = db.session.scalars(sa.select(RelocationSite)).all()
    assert len(sites) == 5
    assert {s.county_code[:4] for s in sites} == {"5205", "5201", "5223"}
    assert {"520526", "520115"} <= {s.county_code for s in sites}
    assert db.session.scalar(sa.select(sa.func.count(Household.id))) == 800
    workers = db.session.scalars(sa.select(Worker)).all()
    assert 1700 <= len(workers) <= 2300
    for worker in workers[::50]:
        parsed = parse_id_number(worker.id_number)
        assert (parsed.birth_date, parsed.sex) == (worker.birth_date, worker.sex)
    assert db.session.scalar(sa.select(sa.func.count(Household.id)).where(
        Household.monitored.is_(True))) > 50
    assert db.session.scalar(sa.select(sa.func.count(HouseholdPlanEntry.id))) > 50
    trainee = ctx.trainee_worker
    assert trainee.name == "王小芳" and trainee.household_id is not None
    assert any(login[0] == "trainee" for login in ctx.logins)
