"""flask backup / flask restore bring back every record."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.areas.service import load_areas
from app.auth.models import Area, User
from app.extensions import db
from app.registry.models import Worker
from tests.conftest import BACKENDS, Factory, backend_url, make_app


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_backup_then_restore_finds_every_record(backend, tmp_path):
    app = make_app(backend_url(backend, tmp_path, "backup"), tmp_path)
    runner = app.test_cli_runner()
    with app.app_context():
        db.create_all()

        load_areas()
        factory = Factory(db)
        users = [factory.user("officer").username for _ in range(3)]
        workers = [factory.worker().id_number for _ in range(5)]
        db.session.commit()
        areas = db.session.scalar(sa.select(sa.func.count()).select_from(Area))

    target = tmp_path / "qianlu.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    with app.app_context():  # lose data after the backup

        db.session.execute(sa.delete(Worker))
        db.session.execute(sa.update(User).values(display_name="changed"))
        db.session.commit()

    refused = runner.invoke(args=["restore", str(target)], input="n\n")
    assert refused.exit_code != 0  # asks first
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output

    with app.app_context():
        assert sorted(db.session.scalars(sa.select(Worker.id_number))) == sorted(workers)
        names = set(db.session.scalars(sa.select(User.username)))
        assert set(users) <= names
        assert "changed" not in set(db.session.scalars(sa.select(User.display_name)))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Area)) == areas
        db.session.remove()
        db.engine.dispose()


def test_restore_of_a_missing_or_bad_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "none.db"), "--yes"])
    assert result.exit_code != 0 and "no such backup" in result.output
