"""Schemathesis against the served OpenAPI document: every operation, a bounded number of
generated requests (valid and invalid), as an officer and as an admin; no 5xx, and status
codes, content types and bodies conform to the document.

Runs on its own database (SQLite, and PostgreSQL with TEST_DATABASE_URL) holding the demo
data, so ids in generated paths hit real records most of the time.
"""
from __future__ import annotations

import time
from collections import Counter

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.areas.service import load_areas
from app.auth.models import User
from app.auth.tokens import issue_token
from app.demo.seed import seed_all
from app.employers.models import Employer, Job
from app.extensions import db
from app.placements.followup_models import FollowUp
from app.placements.models import Placement, Referral
from app.registry.models import Household, RelocationSite, Worker
from app.training.catalog import load_catalog
from app.training.models import Course, CourseSession, Enrolment
from tests.conftest import BACKENDS, backend_url, make_app

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 20
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance,
          content_type_conformance, response_schema_conformance]


def _ids(model, limit: int = 40) -> list[int]:
    pk = sa.inspect(model).primary_key[0]
    return list(db.session.scalars(sa.select(pk).order_by(pk).limit(limit)))


# The document is the same whatever the database: fuzz it once, on PostgreSQL (production)
# when the run has it, else on SQLite. Each backend's API behaviour is covered by the other
# API tests, which run on both. (Both backends took ~3 minutes, a third of the suite.)
@pytest.fixture(scope="module", params=BACKENDS[-1:])
def seeded(request, tmp_path_factory):
    """An app on its own database with areas, the catalogue and the demo data; tokens for
    the demo officer (province) and admin; real ids per path parameter."""
    tmp = tmp_path_factory.mktemp(f"schemathesis-{request.param}")
    app = make_app(backend_url(request.param, tmp, "schemathesis"), tmp)
    with app.app_context():
        db.create_all()
        load_areas()
        load_catalog()
        seed_all(2025, echo=lambda *a, **k: None)
        tokens = [issue_token(db.session.scalar(sa.select(User).where(User.username == name)),
                              "schemathesis")[0] for name in ("officer", "admin")]
        ids = {"worker_id": _ids(Worker), "household_id": _ids(Household),
               "site_id": _ids(RelocationSite), "employer_id": _ids(Employer),
               "job_id": _ids(Job), "referral_id": _ids(Referral),
               "placement_id": _ids(Placement), "course_id": _ids(Course),
               "session_id": _ids(CourseSession), "enrolment_id": _ids(Enrolment),
               "followup_id": _ids(FollowUp)}
        db.session.commit()
    yield {"app": app, "tokens": tokens, "ids": ids}
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _schema(seeded):
    """The document as the app serves it, with path ids steered towards real records."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded["app"])
    ids = seeded["ids"]

    def map_path_parameters(context, path_parameters):
        # two generated ids in three become a real record's id; the rest stay as generated
        if not path_parameters:
            return path_parameters
        out = dict(path_parameters)
        for name, value in path_parameters.items():
            real = ids.get(name) or []
            if real and isinstance(value, int) and value % 3:
                out[name] = real[value % len(real)]
        return out

    schema.hook(map_path_parameters)
    return schema


def _run(operation, mode, hooks, tokens, statuses: Counter) -> int:
    """Generated requests for one operation and mode; returns how many cases ran."""
    ran = 0

    @given(case=operation.as_strategy(generation_mode=mode, hooks=hooks))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def check(case):
        nonlocal ran
        ran += 1
        for token in tokens:
            response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                                              checks=CHECKS)
            statuses[response.status_code // 100 * 100] += 1

    check()
    return ran


def test_api_conforms_to_its_document(seeded):
    schema = _schema(seeded)
    started = time.perf_counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    failures, cases, statuses = [], 0, Counter()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                cases += _run(operation, mode, schema.hooks, seeded["tokens"], statuses)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect them all
                failures.append(f"{operation.method.upper()} {operation.path} [{mode.value}]: "
                                f"{str(exc)[:1500]}")
    seconds = time.perf_counter() - started
    print(f"\nschemathesis: {len(operations)} operations, {cases} generated cases, "
          f"{cases * len(seeded['tokens'])} requests, {seconds:.1f}s; responses by class "
          f"{dict(sorted(statuses.items()))}")
    assert statuses[200] > cases // 4  # real records are reached, not only refusals
    assert not failures, "\n\n".join(failures)
