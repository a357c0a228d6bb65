"""insert_rows, the importers' bulk insert (COPY on PostgreSQL, the driver's executemany
on SQLite), stores the rows SQLAlchemy's own insert stores, and gives ids in row order."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from app.imports.bulk import insert_rows
from app.registry.models import Household, Worker, WorkerEvent
from app.registry.service import new_worker_values
from app.registry.timeline import event_values
from app.sql import table_of
from tests.factories.roster import pid

AT = datetime(2026, 12, 5, 8, 30, 15, 123456)


def _workers(first: int, n: int) -> list[dict]:
    rows = []
    for i in range(first, first + n):
        number, j = pid(i), i % 100  # rows first+k and first+100+k hold the same values
        values = {"name": f"张{i}", "name_pinyin": f"zhang{i}", "name_initials": "z",
                  "id_number": number, "id_number_rev": number[::-1],
                  "birth_date": date(1990, 3, 1), "sex": "M", "area_code": "520526",
                  "regions_acceptable": ["local", "prd"] if j % 2 else [],
                  "job_kinds_wanted": ["market"], "care_duties": bool(j % 3 == 0),
                  "min_wage": 4000 if j % 4 else None, "skills_text": "电焊、叉车",
                  "available_from": date(2027, 1, 1) if j % 5 == 0 else None,
                  "phone": None if j % 2 else f"1388500{j:04d}"}
        rows.append(new_worker_values(values, status="seeking", at=AT))
    return rows


def _stored(db, ids):
    table = table_of(Worker)
    got = {row.id: row._asdict() for row in db.session.execute(
        sa.select(table).where(table.c.id.in_(ids)))}
    return [{k: v for k, v in got[i].items() if k not in ("id", "id_number",
                                                          "id_number_rev", "name",
                                                          "name_pinyin")} for i in ids]


def test_bulk_insert_stores_what_sqlalchemys_insert_stores(db, factory):
    table = table_of(Worker)
    bulk_rows, orm_rows = _workers(1, 12), _workers(101, 12)
    ids = insert_rows(table, bulk_rows, ids=True)
    db.session.execute(table.insert(), orm_rows)
    orm_ids = [db.session.scalar(sa.select(table.c.id).where(table.c.id_number == r["id_number"]))
               for r in orm_rows]
    # ids in row order: each id holds the row given at its place
    assert [db.session.get(Worker, i).id_number for i in ids] == [r["id_number"]
                                                                 for r in bulk_rows]
    assert len(set(ids)) == 12
    assert _stored(db, ids) == _stored(db, orm_ids)
    worker = db.session.get(Worker, ids[0])
    assert worker.regions_acceptable == ["local", "prd"] and worker.status_changed_at == AT
    assert worker.birth_date == date(1990, 3, 1) and worker.care_duties is False
    # the sequence moved on: an ordinary insert after a bulk one gets a new id
    db.session.add(Worker(**_workers(201, 1)[0]))
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.max(table.c.id))) > max(ids)


def test_bulk_insert_fills_declared_defaults_and_json_details(db, factory):
    ids = insert_rows(table_of(Household), [{"number": "B-1", "area_code": "520526"},
                                            {"number": "B-2", "area_code": "520526"}],
                      ids=True)
    household = db.session.get(Household, ids[1])
    assert household.number == "B-2" and household.risk_causes == []
    assert household.monitored is False and household.created_at is not None
    worker_id = insert_rows(table_of(Worker), _workers(300, 1), ids=True)[0]
    insert_rows(table_of(WorkerEvent), [
        event_values(worker_id, "520526", "registered", {"status": "seeking", "import": 7},
                     at=AT),
        event_values(worker_id, "520526", "status", {"from": "seeking", "to": "employed",
                                                     "reason": "花名册 #7"}, at=AT)])
    events = db.session.scalars(sa.select(WorkerEvent).where(
        WorkerEvent.worker_id == worker_id).order_by(WorkerEvent.id)).all()
    assert [e.detail for e in events] == [{"status": "seeking", "import": 7},
                                          {"from": "seeking", "to": "employed",
                                           "reason": "花名册 #7"}]
    assert insert_rows(table_of(WorkerEvent), []) == []
