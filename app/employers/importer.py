"""Labour-cooperation import: partner cities' spreadsheets of openings, on app/imports.

One row is one opening. Its employer is the row's own (用人单位, optionally with its
统一社会信用代码) when the sheet has that column, otherwise the employer the officer picked
for the upload. A row's employer is found by credit code, else by exact normalised name
(``service.employer_name_key``) among registered employers; an employer found neither way
is registered from the sheet as pending verification with the partner as its source
(``service.register_from_sheet``), for an officer to verify in bulk.

Wages and places are read with ``parse_wage`` / ``parse_place``; head-counts, age,
education, benefits, dates and skills with the small readers below. Whatever cannot be read
is reported for that row and column, never guessed: a row with any problem is not imported.
Imported openings are drafts unless the officer asked to publish them and the employer is
verified (a pending employer's openings stay drafts). Re-importing the same list creates
nothing: a row equal to an existing draft or open opening of the same employer counts as
unchanged, and its employer is found again rather than registered twice.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.areas.resolver import PlaceIndex, parse_place
from app.areas.service import place_index
from app.auth.models import Area, User
from app.errors_domain import DomainError, ParseError
from app.extensions import db
from app.imports.base import ApplyResult, Column, RowErrors, register_importer
from app.imports.models import ImportJob
from app.vocabulary import JobKind

from . import jobs as job_service
from . import service
from .jobs import JobData
from .models import Employer, Job, JobStatus, PartnerMapping
from .parsing import parse_wage
from .skills import parse_skill_entries, resolve_occupation, taxonomy

KIND = "jobs"

COLUMNS: tuple[Column, ...] = (
    Column("employer", "用人单位", _l("Employer"),
           aliases=("招聘单位", "单位名称", "企业名称", "公司名称", "用工单位", "企业", "公司",
                    "employer", "company"),
           example="东莞市长安精密电子有限公司"),
    Column("credit_code", "统一社会信用代码", _l("Unified social credit code"),
           aliases=("信用代码", "社会信用代码", "统一信用代码", "credit_code"),
           example="91441900MA4UJ1XK3F"),
    Column("title", "岗位名称", _l("Title"), required=True,
           aliases=("岗位", "职位", "职位名称", "招聘岗位", "岗位名", "title"),
           example="电子厂普工"),
    Column("headcount", "招聘人数", _l("Head-count"),
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
_COUNT_RE = re.compile(r"^(?:招|招聘|需|需要|共)?(\d{1,5})(?:人|名|个|位)?$")
_UNSPECIFIED_COUNT = re.compile(r"^(?:招|招聘)?(?:若干|不限|多名|大量|不限人数)(?:人|名)?$")
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


def read_headcount(value: Any) -> int | None:
    """"20", 20, "20人", "3名", "招3人" → 20, 3…; "若干", "不限" and blank → None (unspecified:
    no fixed limit on places)."""
    text = re.sub(r"\s", "", _text(value))
    if not text or _UNSPECIFIED_COUNT.match(text):
        return None
    m = _COUNT_RE.match(text)
    if not m or int(m.group(1)) < 1:
        raise ValueError(_("Give the head-count as a whole number (e.g. 20, 招3人) or 若干, "
                           "not “%(v)s”.", v=text))
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
    """Certificate names ("焊工证、电工证、B2驾驶证") → codes; an unknown name is an error."""
    tax = taxonomy()
    codes = []
    for part in re.split(r"[,，、;；/\s]+", _text(value)):
        if not part:
            continue
        cert = tax.find_certificate(part)
        if cert is None:
            raise ValueError(_("Unknown certificate: %(c)s", c=part))
        codes.append(cert.code)
    return list(dict.fromkeys(codes))


@dataclass
class SheetRow:
    """One good row: the opening and the employer the sheet names for it (None: the
    employer picked for the upload)."""

    data: JobData
    employer_name: str = ""
    credit_code: str | None = None


@dataclass
class _Known:
    """Registered employers by credit code and by normalised name (loaded once per run)."""

    by_code: dict[str, int]
    by_name: dict[str, list[int]]
    code_of: dict[int, str | None]

    @classmethod
    def load(cls) -> _Known:
        known = cls({}, {}, {})
        for eid, name, code in db.session.execute(
                sa.select(Employer.id, Employer.name, Employer.credit_code)):
            known.add(eid, name, code)
        return known

    def add(self, eid: int, name: str, code: str | None) -> None:
        if code:
            self.by_code[code] = eid
        self.by_name.setdefault(service.employer_name_key(name), []).append(eid)
        self.code_of[eid] = code


def remembered_mapping(partner: str | None, employer_id: int | None) -> dict[str, str]:
    """The column mapping remembered for the partner, else for the employer ({} if none)."""
    if partner:
        saved = db.session.scalar(sa.select(PartnerMapping).where(
            PartnerMapping.name == partner))
        if saved is not None and saved.mapping:
            return dict(saved.mapping)
    employer = db.session.get(Employer, employer_id) if employer_id else None
    return dict(employer.import_mapping or {}) if employer is not None else {}


class JobsImporter:
    """Importer (app.imports) of openings: each row's own employer, or the one picked."""

    kind = KIND
    columns = COLUMNS

    def __init__(self) -> None:
        self.index: PlaceIndex | None = None
        self.employer_id: int | None = None
        self.user_id: int | None = None
        self.job_id: int | None = None
        self.publish = False
        self.source = ""
        self.seen: set[tuple] = set()
        self.known: _Known | None = None
        self.registered = 0  # employers registered from the sheet by this run
        self.memo: dict[tuple[str, Any], Any] = {}
        self.existing: set[tuple] = set()  # keys of openings there before this run
        self.loaded: set[int] = set()  # employers whose openings are in ``existing``
        self.places: dict = {}  # area code → located workplace (job_service.insert_jobs)

    def begin(self, job: ImportJob) -> None:
        """Read the job's employer and options; build the place index."""
        options = job.options or {}
        self.employer_id = job.employer_id
        self.user_id = job.created_by_id
        self.job_id = job.id
        self.publish = bool(options.get("publish"))
        self.source = (options.get("partner") or job.filename or "").strip()[:128]
        self.index = place_index()

    def validate(self, row: Mapping[str, Any], line: int) -> SheetRow | RowErrors:
        """Read one row, or say what is wrong with each cell."""
        errors = RowErrors()
        data = JobData(title=_text(row.get("title"))[:128])
        sheet_row = SheetRow(data, _text(row.get("employer"))[:128])
        self._employer(row, sheet_row, errors)
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
        data.occupation_code = (self._memo("occupation", resolve_occupation, occupation)
                                or self._memo("occupation", resolve_occupation, data.title))
        for key, reader, target in (("age", read_age, ("age_min", "age_max")),
                                    ("education", read_education, ("min_education",)),
                                    ("benefits", read_benefits, ("housing", "meals")),
                                    ("closing_date", read_date, ("closing_date",)),
                                    ("certificates", read_certificates,
                                     ("required_certificates",))):
            if _text(row.get(key)) == "" and key != "benefits":
                continue
            try:
                value: Any = reader(row.get(key))
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
        return errors if errors else sheet_row

    def _memo(self, name: str, fn: Any, value: Any) -> Any:
        """``fn(value)`` once per distinct cell text in this run (partners' sheets repeat
        titles, wages, places and credit codes); an exception is remembered and re-raised."""
        key = (name, value if isinstance(value, str | int | float | None) else str(value))
        if key not in self.memo:
            try:
                self.memo[key] = (True, fn(value))
            except (ValueError, DomainError) as exc:
                self.memo[key] = (False, exc)
            if len(self.memo) > 50_000:  # a sheet of all-different cells: keep memory bounded
                self.memo.clear()
                return self._memo(name, fn, value)
        ok, result = self.memo[key]
        if not ok:
            raise result
        return result

    def _employer(self, row: Mapping[str, Any], sheet_row: SheetRow,
                  errors: RowErrors) -> None:
        code = _text(row.get("credit_code"))
        if code:
            try:
                sheet_row.credit_code = self._memo("code", service.clean_credit_code, code)
            except DomainError as exc:
                errors.add("credit_code", code, exc.message)
        name = sheet_row.employer_name
        if name and len(service.employer_name_key(name)) < 2:
            errors.add("employer", name, _("Enter the company name."))
        elif not name and not code and self.employer_id is None:
            errors.add("employer", row.get("employer"),
                       _("Enter the employer (用人单位) of this opening."))

    def _wage(self, value: Any, data: JobData, errors: RowErrors) -> None:
        try:
            wage = self._memo("wage", parse_wage, value)
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
        if wage.amount_unit in job_service.WAGE_UNITS:
            data.wage_unit = wage.amount_unit  # day and hour: a monthly estimate

    def _place(self, value: Any, data: JobData, errors: RowErrors) -> None:
        try:
            index = self.index
            if index is None:
                raise RuntimeError("begin() builds the place index before rows are read")
            place = self._memo("place", lambda v: parse_place(v, index), value)
        except ParseError as exc:
            errors.add("place", value, _parse_reason(exc))
            return
        data.area_code = place.code  # None for 异地招聘 / 全国: the place is to be confirmed
        data.place_to_confirm = place.to_be_confirmed
        data.place_detail = place.detail

    def _county_of(self, code: str | None) -> str | None:
        area = db.session.get(Area, code) if code else None
        return code if area is not None and area.level == "county" \
            and area.region == "guizhou" else None

    def apply(self, batch: list[tuple[int, SheetRow]]) -> ApplyResult:
        """Find or register each row's employer, then create the openings (drafts, or
        published when asked and the employer is verified)."""
        result = ApplyResult()
        user = db.session.get(User, self.user_id) if self.user_id else None
        if self.known is None:
            self.known = _Known.load()
        employer_of: dict[int, int] = {}
        for line, row in batch:
            found = self._find_employer(row, user)
            if isinstance(found, RowErrors):
                result.rejected[line] = found
            else:
                employer_of[line] = found
        existing = self._existing_keys(set(employer_of.values()))
        employers = {e.id: e for e in db.session.scalars(
            sa.select(Employer).where(Employer.id.in_(set(employer_of.values()))))}
        todo: list[tuple[int, tuple, Employer, JobData]] = []
        for line, row in batch:
            if line not in employer_of:
                continue
            data = row.data
            key = (employer_of[line], data.title.strip(), data.area_code, data.place_detail,
                   data.wage_min,
                   data.wage_max, bool(data.piece_rate), data.headcount)
            if key in existing or key in self.seen:
                result.unchanged += 1  # the same opening is already there
                continue
            self.seen.add(key)
            todo.append((line, key, employers[employer_of[line]], data))
        made = job_service.insert_jobs([(employer, data) for _l, _k, employer, data in todo],
                                       user, publish=self.publish, places=self.places)
        for (line, key, _e, _d), job in zip(todo, made, strict=True):
            if isinstance(job, DomainError):
                errors = RowErrors()
                errors.add(_FIELD_COLUMN.get(job.field or "", None), None, job.message)
                result.rejected[line] = errors
                self.seen.discard(key)
            else:
                result.added += 1
        return result

    def _find_employer(self, row: SheetRow, user: User | None) -> int | RowErrors:
        """The row's employer: by credit code, else by normalised name, else registered
        from the sheet as pending (or the employer picked for the upload)."""
        known = self.known or _Known.load()
        errors = RowErrors()
        code, name = row.credit_code, row.employer_name
        if code and code in known.by_code:
            return known.by_code[code]
        if not name and not code:
            return self.employer_id  # type: ignore[return-value]  # checked in validate
        if not name:
            errors.add("credit_code", code, _(
                "No employer is registered with this credit code; give its name too."))
            return errors
        ids = known.by_name.get(service.employer_name_key(name), [])
        if len(ids) > 1:
            errors.add("employer", name, _(
                "Several registered employers have this name; give the credit code."))
            return errors
        if ids:
            registered = known.code_of.get(ids[0])
            if code and registered and registered != code:
                errors.add("credit_code", code, _(
                    "%(name)s is registered with the credit code %(code)s.", name=name,
                    code=registered))
                return errors
            if code and not registered:  # the sheet gives the code it was registered without
                db.session.get_one(Employer, ids[0]).credit_code = code
                known.add(ids[0], name, code)
            return ids[0]
        employer = service.register_from_sheet(name, code, self.source, user,
                                               detail={"import": self.job_id})
        known.add(employer.id, employer.name, employer.credit_code)
        self.registered += 1
        return employer.id

    def _existing_keys(self, employer_ids: set[int]) -> set[tuple]:
        """Keys of the draft and open openings of these employers before this run (for
        idempotence; read once per employer, openings made by this run are in ``seen``)."""
        missing = employer_ids - self.loaded
        self.loaded |= missing
        if not missing:
            return self.existing
        rows = db.session.execute(sa.select(
            Job.employer_id, Job.title, Job.county_code, Job.city_code, Job.province_code,
            Job.place_detail, Job.wage_min, Job.wage_max, Job.piece_rate, Job.headcount).where(
            Job.employer_id.in_(missing),
            Job.status.in_((JobStatus.draft.value, JobStatus.open.value))))
        self.existing |= {(r.employer_id, r.title, r.county_code or r.city_code or r.province_code,
                           r.place_detail, r.wage_min, r.wage_max, r.piece_rate, r.headcount)
                          for r in rows}
        return self.existing

    def finish(self) -> None:
        """Nothing to do after the last batch."""

    def notes(self) -> list[str]:
        """Added to the job's summary: employers registered from the sheet."""
        if not self.registered:
            return []
        return [_("%(n)d employers named in the sheet were not registered yet: they are "
                  "registered as pending verification (see “Employers to verify”); their "
                  "openings stay drafts until then.", n=self.registered)]


# Which spreadsheet column a service rule's field comes from.
_FIELD_COLUMN = {
    "title": "title", "headcount": "headcount", "wage_min": "wage", "wage_max": "wage",
    "area_code": "place", "age_min": "age", "age_max": "age", "min_education": "education",
    "closing_date": "closing_date", "eligibility_county_code": "kind",
    "required_skills": "skills", "required_certificates": "certificates",
    "name": "employer", "credit_code": "credit_code",
}


register_importer(KIND, JobsImporter, title=_l("Openings import (labour co-operation)"),
                  back_endpoint="employers.officer_list")
