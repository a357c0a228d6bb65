"""`flask areas load`: the national map goes in, a second load changes nothing, an edited
file updates only the rows that changed, an invalid file is refused."""
from __future__ import annotations

import sqlalchemy as sa

from app.areas.records import DEFAULT_AREAS_PATH
from app.areas.service import load_areas
from app.auth.models import Area


def test_the_national_map_is_loaded_and_reloading_changes_nothing(app, db):
    counts = dict(db.session.execute(
        sa.select(Area.level, sa.func.count()).group_by(Area.level)).all())
    assert counts["province"] == 34 and counts["county"] >= 2840
    assert db.session.get(Area, "420100").name == "武汉市"
    assert load_areas() == (0, 0)


def test_an_edited_file_updates_the_changed_rows(app, db, tmp_path):
    text = DEFAULT_AREAS_PATH.read_text(encoding="utf-8")
    edited = tmp_path / "areas.csv"
    edited.write_text(text.replace("420100,武汉市,Wuhan,", "420100,武汉市,Wuhan City,"),
                      encoding="utf-8")
    assert load_areas(str(edited)) == (0, 1)
    db.session.expire_all()
    assert db.session.get(Area, "420100").name_en == "Wuhan City"
    assert db.session.get(Area, "420102").name_en == "Jiang'an District"  # unchanged


def test_the_cli_refuses_an_invalid_file(app, db, tmp_path, monkeypatch):
    broken = tmp_path / "areas.csv"
    broken.write_text("code,name,name_en,level,parent_code,region\n"
                      "420100,武汉市,Wuhan,prefecture,429900,other\n", encoding="utf-8")
    monkeypatch.setattr("app.areas.records.DEFAULT_AREAS_PATH", broken)
    result = app.test_cli_runner().invoke(args=["areas", "load"])
    assert result.exit_code != 0 and "unknown parent 429900" in result.output
