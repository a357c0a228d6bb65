"""Labour-cooperation import: partner cities' spreadsheets of openings, on app/imports.

One row is one opening of the employer the import is for. Wages and places are read with
``parse_wage`` / ``parse_place``; age, education, benefits, dates and skills with the small
readers below. Whatever cannot be read is reported for that row and column, never guessed:
a row with any problem is not imported. Imported openings are drafts unless the officer
asked to publish them (and the employer is verified). Re-importing the same list does not
duplicate openings: a row equal to an existing draft or open opening counts as unchanged.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.areas_data import AreaRow
from app.auth.models import Area, User
from app.errors_domain import DomainError
from app.extensions import db
from app.imports.base import ApplyResult, Column, ImporterInfo, RowErrors
from app.imports.models import ImportRun
from app.skills.entries import parse_skill_entries, resolve_occupation, taxonomy
from app.skills.taxonomy import fold

from . import jobs as job_service
from .jobs import JobData
from .models import Employer, EmployerStatus, Job, JobKind, JobStatus
from .parsing import ParseError, PlaceIndex, parse_place, parse_wage

KIND = "jobs"

COLUMNS: tuple[Column, ...] = (
    Column("title", "岗位名称", _l("Title"), required=True,
           aliases=("岗位", "职位", "职位名称", "招聘岗位", "岗位名", "title"),
           example="电子厂普工"),
    Column("headcount", "招聘人数", _l("Head-count"), required=True,
           aliases=("人数", "需求人数", "招聘数量", "数量", "用工人数", "headcount"), example="20"),
    Column("wage", "薪资", _l("Wage"), required=True,
           aliases=("工资", "薪资待遇", "工资待遇", "月薪", "薪酬", "综合工资", "wage", "salary"),
           example="4500-6000元/月"),
    Column("place", "工作地点", _l("Workplace"), required=True,
           aliases=("地点", "工作地址", "工作地", "上班地点", "place"), example="东莞市长安镇"),
    Column("occupation", "工种", _l("Occupation"),
           aliases=("职业", "职业类别", "工种类别", "occupation"), example="普工"),
    Column("age", "年龄要求", _l("Age"), aliases=("年龄", "年龄限制", "age"), example="18-45岁"),
    Column("education", "学历要求", _l("Minimum education"), aliases=("学历", "education"),
           example="初中及以上"),
    Column("benefits", "食宿", _l("Housing and meals"),
           aliases=("福利", "福利待遇", "食宿情况", "吃住", "benefits"), example="包吃住"),
    Column("shifts", "班次", _l("Shifts"), aliases=("工作时间", "上班时间", "shifts"),
           example="两班倒"),
    Column("skills", "技能要求", _l("Required skills"), aliases=("技能", "skills"),
           example="电焊:2"),
    Column("certificates", "证书要求", _l("Required certificates"),
           aliases=("证书", "所需证书", "certificates"), example="焊工证"),
    Column("kind", "岗位类型", _l("Kind"), aliases=("类型", "kind"), example="市场岗位"),
    Column("closing_date", "截止日期", _l("Closing date"),
           aliases=("截止时间", "报名截止", "有效期至", "closing"), example="2026-12-31"),
    Column("description", "岗位说明", _l("Description"),
           aliases=("岗位描述", "岗位职责", "工作内容", "备注", "说明", "description"), example=""),
)
KEYS = {c.key for c in COLUMNS}
REQUIRED = {c.key for c in COLUMNS if c.required}

_EDUCATION = (("本科", "bachelor"), ("大学", "bachelor"), ("大专", "college"),
              ("专科", "college"), ("中专", "vocational"), ("中职", "vocational"),
              ("技校", "vocational"), ("职高", "vocational"), ("高中", "senior"),
              ("初中", "junior"), ("小学", "primary"), ("不限", "none"), ("无要求", "none"),
              ("文盲", "none"))
_AGE_RANGE = re.compile(r"^(\d{2})(?:周?岁)?[-~～至到](\d{2})(?:周?岁)?$")
_AGE_UP = re.compile(r"^(\d{2})周?岁(?:及)?以上$")
_AGE_DOWN = re.compile(r"^(\d{2})周?岁(?:及)?以[下内]$")
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COUNT_RE = re.compile(r"^(\d{1,5})(?:人|名|个)?$")
_KINDS = {"市场岗位": "market", "市场": "market", "公益性岗位": "public_welfare",
          "公益岗": "public_welfare", "公益性": "public_welfare", "以工代赈": "work_relief"}


def _lang() -> str:
    try:
        return "en" if str(get_locale()) == "en" else "zh"
    except (RuntimeError, AttributeError):
        return "zh"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_reason(exc: ParseError) -> str:
    return exc.reason_en if _lang() == "en" else exc.reason_zh


def read_headcount(value: Any) -> int:
    """"20", 20, "20人"; "若干" and friends are refused (a number is needed)."""
    text = re.sub(r"\s", "", _text(value))
    m = _COUNT_RE.match(text)
    if not m or int(m.group(1)) < 1:
        raise ValueError(_("Give the head-count as a whole number (e.g. 20), not “%(v)s”.",
                           v=text or "—"))
    return int(m.group(1))


def read_age(value: Any) -> tuple[int, int]:
    """"18-45岁", "45岁以下", "18周岁以上", "不限" → (min, max)."""
    text = re.sub(r"\s", "", _text(value)).replace("—", "-").replace("–", "-")
    if not text or text in ("不限", "无", "无要求"):
        return 16, 60
    if m := _AGE_RANGE.match(text):
        return int(m.group(1)), int(m.group(2))
    if m := _AGE_UP.match(text):
        return int(m.group(1)), 60
    if m := _AGE_DOWN.match(text):
        return 16, int(m.group(1))
    raise ValueError(_("Unrecognised age requirement; write it like 18-45岁 or 45岁以下."))


def read_education(value: Any) -> str:
    """"初中及以上", "高中", "大专" … → the education code."""
    text = _text(value)
    if not text:
        return "none"
    for word, code in _EDUCATION:
        if word in text:
            return code
    raise ValueError(_("Unrecognised education level; write e.g. 初中, 高中, 中专, 大专 or 不限."))


def read_benefits(value: Any) -> tuple[bool, bool]:
    """"包吃住" → (housing, meals); words not about board and lodging are ignored."""
    text = _text(value).replace("不包吃住", "").replace("不包住", "").replace("不包吃", "")
    both = any(w in text for w in ("包吃住", "包食宿", "提供食宿", "吃住全包"))
    housing = both or any(w in text for w in ("包住", "提供住宿", "免费宿舍", "员工宿舍"))
    meals = both or any(w in text for w in ("包吃", "包餐", "工作餐", "提供餐", "免费餐"))
    return housing, meals


def read_date(value: Any) -> date | None:
    """A date cell, "2026-12-31", "2026/12/31", "2026年12月31日"; blank is None."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = re.sub(r"\s", "", _text(value))
    m = _DATE_RE.match(text)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    raise ValueError(_("Unrecognised date; write it like 2026-12-31."))


def read_certificates(value: Any) -> list[str]:
    """Certificate names ("焊工证、电工证") → codes; an unknown name is an error."""
    tax = taxonomy()
    names: dict[str, str] = {}
    for c in tax.certificates:
        for n in (c.name, c.short_name, c.name_en, c.code):
            if n:
                names.setdefault(fold(n), c.code)
    codes = []
    for part in re.split(r"[,，、;；/\s]+", _text(value)):
        if not part:
            continue
        code = names.get(fold(part))
        if code is None:
            raise ValueError(_("Unknown certificate: %(c)s", c=part))
        codes.append(code)
    return list(dict.fromkeys(codes))


def place_index() -> PlaceIndex:
    """A name index over the areas in the database (built once per import)."""
    rows = [AreaRow(a.code, a.name, a.name_en, a.level, a.parent_code, a.region)
            for a in db.session.scalars(sa.select(Area))]
    return PlaceIndex(rows)


class JobsImporter:
    """Importer (app.imports) of openings for one employer."""

    kind = KIND
    columns = COLUMNS

    def __init__(self) -> None:
        self.index: PlaceIndex | None = None
        self.employer_id: int | None = None
        self.user_id: int | None = None
        self.publish = False
        self.seen: set[tuple] = set()

    def begin(self, run: ImportRun) -> None:
        """Read the import run's employer and options; build the place index."""
        self.employer_id = run.employer_id
        self.user_id = run.created_by_id
        self.publish = bool((run.options or {}).get("publish"))
        self.index = place_index()

    def validate(self, row: Mapping[str, Any], line: int) -> JobData | RowErrors:
        """Read one row into JobData, or say what is wrong with each cell."""
        errors = RowErrors()
        data = JobData(title=_text(row.get("title"))[:128])
        if not data.title:
            errors.add("title", row.get("title"), _("Enter a title."))
        try:
            data.headcount = read_headcount(row.get("headcount"))
        except ValueError as exc:
            errors.add("headcount", row.get("headcount"), exc)
        self._wage(row.get("wage"), data, errors)
        self._place(row.get("place"), data, errors)
        occupation = _text(row.get("occupation"))
        data.occupation_text = occupation[:128]
        data.occupation_code = resolve_occupation(occupation) or resolve_occupation(data.title)
        for key, reader, target in (("age", read_age, ("age_min", "age_max")),
                                    ("education", read_education, ("min_education",)),
                                    ("benefits", read_benefits, ("housing", "meals")),
                                    ("closing_date", read_date, ("closing_date",)),
                                    ("certificates", read_certificates,
                                     ("required_certificates",))):
            if _text(row.get(key)) == "" and key != "benefits":
                continue
            try:
                value = reader(row.get(key))
            except ValueError as exc:
                errors.add(key, row.get(key), exc)
                continue
            values = value if len(target) > 1 else (value,)
            for name, v in zip(target, values, strict=True):
                setattr(data, name, v)
        if _text(row.get("skills")):
            try:
                data.required_skills = parse_skill_entries(_text(row.get("skills")),
                                                           "required_skills")
            except DomainError as exc:
                errors.add("skills", row.get("skills"), exc.message)
        kind = _text(row.get("kind"))
        if kind:
            data.kind = _KINDS.get(kind.replace(" ", ""), "")
            if not data.kind:
                errors.add("kind", kind, _("Unrecognised kind; write 市场岗位, 公益性岗位 or "
                                           "以工代赈."))
            elif data.kind != JobKind.market.value:
                data.eligibility_county_code = self._county_of(data.area_code)
        data.shifts = _text(row.get("shifts"))[:64]
        data.description = _text(row.get("description"))
        if not errors:
            try:
                job_service.validate(data)
            except DomainError as exc:
                errors.add(_FIELD_COLUMN.get(exc.field or "", None), None, exc.message)
        return errors if errors else data

    def _wage(self, value: Any, data: JobData, errors: RowErrors) -> None:
        try:
            wage = parse_wage(value)
        except ParseError as exc:
            errors.add("wage", value, _parse_reason(exc))
            return
        if wage.basis == "piece" and wage.amount_unit == "piece":
            errors.add("wage", value, _(
                "A rate per piece alone gives no monthly figure; add the expected monthly "
                "range, e.g. 计件 5000-8000元/月."))
            return
        data.wage_min, data.wage_max = wage.monthly_min, wage.monthly_max
        data.piece_rate = wage.piece_rate
        data.wage_note = wage.original.strip()[:64]

    def _place(self, value: Any, data: JobData, errors: RowErrors) -> None:
        try:
            place = parse_place(value, self.index)
        except ParseError as exc:
            errors.add("place", value, _parse_reason(exc))
            return
        if place.code is None:
            errors.add("place", value, _("“Recruiting elsewhere” does not say where the job "
                                         "is; give the workplace, e.g. 东莞市长安镇."))
            return
        data.area_code = place.code
        if place.note and not data.description:
            data.description = place.note

    def _county_of(self, code: str | None) -> str | None:
        area = db.session.get(Area, code) if code else None
        return code if area is not None and area.level == "county" \
            and area.region == "guizhou" else None

    def apply(self, batch: list[tuple[int, JobData]]) -> ApplyResult:
        """Create the openings (drafts, or published when asked and allowed)."""
        result = ApplyResult()
        employer = db.session.get(Employer, self.employer_id)
        user = db.session.get(User, self.user_id) if self.user_id else None
        existing = {self._key_of(j) for j in db.session.scalars(sa.select(Job).where(
            Job.employer_id == employer.id,
            Job.status.in_((JobStatus.draft.value, JobStatus.open.value))))}
        for line, data in batch:
            key = (data.title.strip(), data.area_code, data.wage_min, data.wage_max,
                   bool(data.piece_rate), data.headcount)
            if key in existing or key in self.seen:
                result.unchanged += 1  # the same opening is already there
                continue
            try:
                with db.session.begin_nested():
                    job = job_service.create_job(employer, data, user)
                    if self.publish and employer.status == EmployerStatus.verified.value:
                        job_service.publish_job(job, user)
            except DomainError as exc:
                errors = RowErrors()
                errors.add(_FIELD_COLUMN.get(exc.field or "", None), None, exc.message)
                result.rejected[line] = errors
                continue
            self.seen.add(key)
            result.added += 1
        return result

    @staticmethod
    def _key_of(job: Job) -> tuple:
        return (job.title, job.county_code or job.city_code or job.province_code,
                job.wage_min, job.wage_max, job.piece_rate, job.headcount)

    def finish(self) -> None:
        """Nothing to do after the last batch."""


# Which spreadsheet column a service rule's field comes from.
_FIELD_COLUMN = {
    "title": "title", "headcount": "headcount", "wage_min": "wage", "wage_max": "wage",
    "area_code": "place", "age_min": "age", "age_max": "age", "min_education": "education",
    "closing_date": "closing_date", "eligibility_county_code": "kind",
    "required_skills": "skills", "required_certificates": "certificates",
}


IMPORTER = ImporterInfo(JobsImporter, title=_l("Openings import (labour co-operation)"),
                        back_endpoint="employers.officer_list")
