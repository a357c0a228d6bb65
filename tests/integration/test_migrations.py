"""`flask db upgrade` from empty reaches the models exactly, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
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
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()
