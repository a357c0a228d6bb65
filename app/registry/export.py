"""The 台账 export: the filtered worker list as .xlsx, masked unless full numbers are needed.

The headers are the roster template's, so an export with full numbers can be edited and
imported back.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import Area, User
from app.extensions import db
from app.imports.report import write_xlsx

from .models import Household, RelocationSite, Worker
from .privacy import can_see_full, mask_id, mask_phone
from .queries import WorkerFilters, employed_member_exists, worker_select
from .roster import WORDS

# The Chinese word the roster importer reads back for each stored value.
_BACK: dict[str, dict[str, str]] = {kind: {} for kind in WORDS}
for _kind, _pairs in WORDS.items():
    for _word, _value in _pairs.items():
        _BACK[_kind].setdefault(_value, _word)


def headers() -> list[str]:
    """Export columns: the roster template's, then derived facts."""
    return ["姓名", "身份证号", "性别", "出生日期", "手机号", "户编号", "安置点", "所在县",
            "人员类别", "文化程度", "技能", "意向地区", "最低月薪", "岗位类型", "可到岗日期",
            "照顾家庭", "健康状况", "就业状态", "监测户", "零就业家庭"]


def _words(kind: str, values: list[str] | None) -> str:
    return "、".join(_BACK[kind].get(v, v) for v in values or [])


def rows(user: User, filters: WorkerFilters, full: bool) -> Iterator[list[Any]]:
    """One list of cells per worker; ID numbers and phones masked unless ``full``."""
    counties = dict(db.session.execute(sa.select(Area.code, Area.name).where(
        Area.level == "county")).tuples().all())
    base = worker_select(user, filters).subquery()
    w = sa.orm.aliased(Worker, base)
    stmt = (sa.select(w, Household.number, Household.monitored, RelocationSite.name,
                      employed_member_exists(w.household_id).label("has_employed"))
            .outerjoin(Household, w.household_id == Household.id)
            .outerjoin(RelocationSite, Household.site_id == RelocationSite.id)
            .order_by(w.id.desc()).execution_options(yield_per=2000))
    yes, no = "是", "否"
    for worker, number, monitored, site, has_employed in db.session.execute(stmt):
        show = full and can_see_full(user, worker)
        yield [
            worker.name,
            worker.id_number if show else mask_id(worker.id_number),
            "男" if worker.sex == "M" else "女",
            worker.birth_date,
            (worker.phone or "") if show else mask_phone(worker.phone),
            number or "", site or "", counties.get(worker.area_code, worker.area_code),
            _BACK["category"].get(worker.category, worker.category),
            _BACK["education"].get(worker.education, worker.education),
            worker.skills_text,
            _words("region", worker.regions_acceptable),
            worker.min_wage,
            _words("job_kind", worker.job_kinds_wanted),
            worker.available_from,
            yes if worker.care_duties else no,
            worker.health_notes,
            _BACK["status"].get(worker.status, worker.status),
            (yes if monitored else no) if number else "",
            (no if has_employed else yes) if number else "",
        ]


def write_export(target: IO[bytes], user: User, filters: WorkerFilters, full: bool) -> int:
    """Write the export workbook; returns the number of workers written."""
    widths = [10, 22, 6, 12, 14, 16, 18, 12, 12, 10, 24, 16, 10, 12, 12, 8, 12, 10, 8, 10]
    return write_xlsx(target, headers(), rows(user, filters, full), title=_("Workers"),
                      widths=widths)

