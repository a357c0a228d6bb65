"""The roster's employment columns (用工单位, 务工地, 行业, 入职年月, 月工资, 就业渠道): a row
that names an employer records a job found elsewhere for its worker, through the same
rules as the form and the API (``records.clean_record``). Declared with the roster's
``RosterColumns`` so the importer itself stays unchanged."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.errors_domain import DomainError
from app.extensions import db
from app.imports.base import Column
from app.registry.models import Worker
from app.registry.roster import RosterColumns, add_roster_columns
from app.registry.validation import clean_text

from .models import EmploymentRecord
from .records import clean_record, record_job

COLUMNS = (
    Column("employer_name", "用工单位", _l("Employer"), False,
           ("务工单位", "工作单位", "就业单位", "employer"), "东莞市长安精密电子厂"),
    Column("work_place", "务工地", _l("Work place"), False,
           ("务工地点", "就业地", "工作地点", "work place"), "广东东莞长安"),
    Column("sector", "行业", _l("Sector"), False, ("所属行业", "sector"), "电子制造"),
    Column("start_month", "入职年月", _l("Start month"), False,
           ("入职时间", "务工开始时间", "start month"), "2025-03"),
    Column("monthly_wage", "月工资", _l("Monthly wage (yuan)"), False,
           ("月收入", "monthly wage"), "5200"),
    Column("found_via", "就业渠道", _l("How was it found"), False,
           ("就业途径", "found via"), "亲友介绍"),
)
FOUND_WORDS = {"自主": "self", "自己": "self", "自主就业": "self", "自己找": "self",
               "亲友": "relatives", "亲友介绍": "relatives", "老乡介绍": "relatives",
               "中介": "agency", "劳务中介": "agency", "劳务公司": "agency",
               "劳务协作": "partner", "协作站": "partner", "劳务协作站": "partner"}
_MAP = {"employer_name": "employer_name", "work_place": "place", "sector": "sector",
        "start_month": "start_month", "monthly_wage": "monthly_wage", "found_via": "found_via"}


def read(row: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """A row's job (cleaned values) or None when it names none; problems by column (the
    job is left out, the worker is still imported)."""
    if all(row.get(key) is None for key in _MAP):
        return None, {}  # most rows: the job columns are absent or empty
    cells = {key: clean_text(row.get(key)) for key in _MAP}
    if not any(cells.values()):
        return None, {}
    data: dict[str, Any] = {_MAP[k]: v for k, v in cells.items() if v}
    if "found_via" in data:
        data["found_via"] = FOUND_WORDS.get(data["found_via"], data["found_via"])
    if "monthly_wage" in data:
        data["monthly_wage"] = data["monthly_wage"].removesuffix("元").replace(",", "")
    if "start_month" not in data:
        return None, {"start_month": str(_l("Fill in the start month of the job."))}
    try:
        return clean_record(data), {}
    except DomainError as exc:
        column = {v: k for k, v in _MAP.items()}.get(exc.field or "", "employer_name")
        return None, {column: exc.message}


def write(pairs: list[tuple[int, dict[str, Any]]], user_id: int | None) -> int:
    """Record the rows' jobs (a repeated row changes nothing); returns how many were new."""
    by = db.session.get(User, user_id) if user_id else None
    current = {r.worker_id: r for r in db.session.scalars(sa.select(EmploymentRecord).where(
        EmploymentRecord.worker_id.in_([w for w, _ in pairs]),
        EmploymentRecord.end_month.is_(None)))}
    added = 0
    for worker_id, values in pairs:
        old = current.get(worker_id)
        if old is not None and (old.employer_name, old.start_month) == (
                values["employer_name"], values["start_month"]):
            continue  # the same job again
        worker = db.session.get(Worker, worker_id)
        if worker is None:
            continue
        try:
            with db.session.begin_nested():
                record_job(worker, values, by=by, source="import")
            added += 1
        except DomainError:
            continue  # a placement is active, or a later job is recorded: keep those
    return added


def add_columns() -> None:
    """Declare the columns to the roster importer (once)."""
    add_roster_columns(RosterColumns(key="employment", columns=COLUMNS, read=read,
                                     write=write))
