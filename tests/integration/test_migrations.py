"""`flask db upgrade` from empty reaches the models exactly, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.conftest import BACKENDS, backend_url, make_app


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_empty_matches_models(backend, tmp_path):
    app = make_app(backend_url(backend, tmp_path, "migrations"), tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], diff
        if backend != "sqlite":
            # The planner knows which counties hold which categories of worker (a
            # county without relocation sites has no relocated workers): the pairs it
            # keeps, up to 1,000, cover every pair of the province.
            with db.engine.connect() as conn:
                target = conn.scalar(sa.text(
                    "SELECT stxstattarget FROM pg_statistic_ext "
                    "WHERE stxname = 'st_worker_area_category'"))
            assert target == 1000
            # The follow-ups are vacuumed after every 1,000 changed rows, so the queue's
            # counts stay index-only as outcomes are recorded.
            with db.engine.connect() as conn:
                options = conn.scalar(sa.text(
                    "SELECT reloptions FROM pg_class WHERE relname = 'follow_up'"))
            assert {"autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=1000",
                    "autovacuum_vacuum_insert_threshold=1000"} <= set(options)
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()
