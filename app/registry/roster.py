"""The roster (花名册) importer: one worker per row, upserted by ID number.

Rules beyond the per-field checks of ``validation``:
- the county comes from the household (existing 户编号), the relocation site (安置点), the
  所在县 column, or — for a county officer — the officer's own county; rows outside the
  importing officer's area are refused;
- an unknown 户编号 creates the household (in the row's county and site);
- an empty cell never overwrites a stored value, so a partial roster does not erase data;
- re-importing the same file changes nothing (every row counts as unchanged).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.areas.resolver import ParseError, PlaceIndex, parse_place
from app.areas.service import parse_reason, place_index
from app.auth.models import Area, User
from app.clock import today, utcnow
from app.extensions import db
from app.i18n import words_of
from app.imports.base import NOTES_KEY, ApplyResult, Column, ImporterInfo, RowErrors
from app.imports.bulk import among, insert_rows
from app.imports.models import ImportRun
from app.sql import table_of
from app.vocabulary import JOB_KINDS, WORKER_REGIONS

from .duplicates import flag_likely_duplicates
from .models import (
    LABELS,
    Household,
    RelocationSite,
    Worker,
    WorkerEvent,
    WorkerStatusChange,
)
from .service import new_worker_values, status_change_values, user_may_use_area
from .timeline import event_values
from .validation import FieldError, check_worker_fields, clean_text, wage_problem

KIND = "roster"

COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", _l("Name"), True, ("名字", "name"), "张三"),
    Column("id_number", "身份证号", _l("ID number"), True,
           ("身份证号码", "公民身份号码", "身份证", "证件号码", "id number", "id"),
           "520526199001010010"),
    Column("phone", "手机号", _l("Mobile phone"), False,
           ("手机号码", "手机", "联系电话", "电话", "mobile", "phone"), "13885001234"),
    Column("household_number", "户编号", _l("Household number"), False,
           ("户号", "家庭编号", "household number", "household"), "520526-000001"),
    Column("site", "安置点", _l("Relocation site"), False,
           ("安置点名称", "搬迁安置点", "relocation site", "site"), "五里岗街道安置点"),
    Column("county", "所在县", _l("County"), False,
           ("县", "县区", "所在县区", "区县", "county"), "威宁县"),
    Column("village", "所在村", _l("Village"), False,
           ("村", "村组", "社区", "村社区", "village"), "五里岗社区"),
    Column("category", "人员类别", _l("Category"), False, ("类别", "category"), "易地搬迁"),
    Column("education", "文化程度", _l("Education"), False, ("学历", "education"), "初中"),
    Column("skills_text", "技能", _l("Skills"), False,
           ("技能特长", "专业技能", "特长", "skills"), "电焊、叉车"),
    Column("regions_acceptable", "意向地区", _l("Regions acceptable"), False,
           ("意向就业地区", "就业意向地区", "意向务工地", "regions"), "省内、珠三角"),
    Column("min_wage", "最低月薪", _l("Lowest monthly wage"), False,
           ("期望月薪", "期望工资", "最低工资", "minimum wage", "min wage"), "4000"),
    Column("job_kinds_wanted", "岗位类型", _l("Job kinds wanted"), False,
           ("意向岗位类型", "job kinds"), "市场岗位"),
    Column("available_from", "可到岗日期", _l("Available from"), False,
           ("到岗日期", "到岗时间", "available from"), "2025-03-01"),
    Column("care_duties", "照顾家庭", _l("Care duties at home"), False,
           ("需照顾家庭", "care duties"), "否"),
    Column("health_notes", "健康状况", _l("Health or disability notes"), False,
           ("健康", "health"), "健康"),
    Column("status", "就业状态", _l("Status"), False, ("状态", "status"), "求职中"),
)



@dataclass(frozen=True)
class RosterColumns:
    """Columns another feature adds to the roster: ``read(row)`` turns a row's cells into
    the feature's values (or None) and problems by column (the worker is imported anyway,
    the problems reported on the row); ``write([(worker_id, values)], user_id)`` records
    them once the batch's workers have ids (flushes)."""

    key: str
    columns: tuple[Column, ...]
    read: Callable[[Mapping[str, Any]], tuple[Any, dict[str, str]]]
    write: Callable[[list[tuple[int, Any]], int | None], int]


EXTRA_COLUMNS: dict[str, RosterColumns] = {}


def add_roster_columns(extra: RosterColumns) -> None:
    """Declare a feature's roster columns (once per key)."""
    EXTRA_COLUMNS[extra.key] = extra


def roster_columns() -> tuple[Column, ...]:
    """The roster's columns, the register's and every feature's."""
    return COLUMNS + tuple(c for extra in EXTRA_COLUMNS.values() for c in extra.columns)


WORDS: dict[str, dict[str, str]] = {
    "category": {
        "易地搬迁": "relocated", "易地扶贫搬迁": "relocated", "搬迁": "relocated",
        "易地搬迁劳动力": "relocated", "搬迁劳动力": "relocated",
        "脱贫家庭高校毕业生": "graduate", "高校毕业生": "graduate", "毕业生": "graduate",
        "返乡": "returnee", "返乡回流": "returnee", "返乡回流人员": "returnee",
        "回流": "returnee", "返乡人员": "returnee",
        "一般": "general", "一般劳动力": "general", "普通": "general", "其他": "general",
    },
    "education": {
        "未上学": "none", "文盲": "none", "无": "none", "小学": "primary", "初中": "junior",
        "高中": "senior", "中专": "vocational", "职高": "vocational", "中职": "vocational",
        "技校": "vocational", "中专/职高": "vocational", "大专": "college", "专科": "college",
        "本科": "bachelor", "本科及以上": "bachelor", "研究生": "bachelor",
        "硕士": "bachelor", "博士": "bachelor",
    },
    "region": {
        "本县": "local", "县内": "local", "本地": "local", "就近": "local",
        "省内": "guizhou", "贵州": "guizhou", "本省": "guizhou", "贵州省内": "guizhou",
        "长三角": "yrd", "江浙沪": "yrd", "沪苏浙皖": "yrd", "珠三角": "prd",
        "广东": "prd", "不限": "any", "均可": "any", "全国": "any", "都可以": "any",
    },
    "job_kind": {
        "市场岗位": "market", "企业": "market", "企业岗位": "market",
        "公益性岗位": "public_welfare", "公益岗": "public_welfare", "公益岗位": "public_welfare",
        "以工代赈": "work_relief",
    },
    "status": {
        "求职中": "seeking", "未就业": "seeking", "待业": "seeking", "失业": "seeking",
        "培训中": "training", "在培": "training", "已就业": "employed", "就业": "employed",
        "务工": "employed", "在岗": "employed", "暂不就业": "unavailable",
        "不愿就业": "unavailable", "无法就业": "unavailable",
    },
    "bool": {"是": "1", "有": "1", "需要": "1", "y": "1", "yes": "1", "1": "1",
             "true": "1", "√": "1", "否": "", "无": "", "不需要": "", "n": "", "no": "",
             "0": "", "false": "", "×": ""},
}
ENUM_NAMES = {"category": ("relocated", "graduate", "returnee", "general"),
              "education": ("none", "primary", "junior", "senior", "vocational", "college",
                            "bachelor"),
              "region": WORKER_REGIONS,
              "job_kind": JOB_KINDS,
              "status": ("seeking", "training", "employed", "unavailable")}
_SPLIT_RE = re.compile(r"[、,，;；/|\s]+")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# Fields a row may change on an existing worker (only when its cell is not empty).
UPDATABLE = ("name", "name_pinyin", "name_initials", "phone", "phone_rev", "household_id",
             "area_code", "category", "education", "skills_text", "regions_acceptable",
             "min_wage", "job_kinds_wanted", "available_from", "care_duties", "health_notes")


def _word(kind: str, value: Any) -> str:
    text = clean_text(value)
    folded = text.lower().replace(" ", "")
    if folded in ENUM_NAMES.get(kind, ()):
        return folded
    mapped = WORDS[kind].get(folded) or WORDS[kind].get(text)
    if mapped is None:
        raise FieldError(_l("“%(value)s” is not one of: %(choices)s", value=text,
                            choices="、".join(dict.fromkeys(WORDS[kind]))))
    return mapped


def _words(kind: str, value: Any) -> list[str]:
    items = [_word(kind, part) for part in _SPLIT_RE.split(clean_text(value)) if part]
    return list(dict.fromkeys(items))


def parse_date(value: Any) -> date:
    """A date cell or text such as 2025-03-01, 2025/3/1, 2025年3月1日, 20250301."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_RE.match(text)
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            pass
    raise FieldError(_l("“%(value)s” is not a date; write it as 2025-03-01.", value=text))


def parse_wage(value: Any) -> int:
    """A monthly wage in yuan: a number, or text such as 4000 or 4000元 (rounded)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        wage = value
    else:
        text = clean_text(value).replace(",", "").removesuffix("元").removesuffix("/月")
        try:
            wage = float(text)
        except ValueError:
            raise FieldError(_l("“%(value)s” is not an amount in yuan.", value=text)) from None
    if wage != wage or wage in (float("inf"), float("-inf")):
        raise FieldError(wage_problem())
    return int(round(wage))  # its range is the register's rule (check_worker_fields)


def _id_cell(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise FieldError(_l("The ID number is stored as a number, so the spreadsheet has "
                            "changed its last digits. Format the column as text and type "
                            "the number again."))
    text = clean_text(value)
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
        raise FieldError(_l("The ID number is stored as a number, so the spreadsheet has "
                            "changed its last digits. Format the column as text and type "
                            "the number again."))
    return text


# Cells as spreadsheets hold them → the plain values the register's rules judge.
_CELLS: dict[str, Any] = {
    "name": lambda v: v, "id_number": lambda v: _id_cell(v), "phone": lambda v: v,
    "category": lambda v: _word("category", v), "education": lambda v: _word("education", v),
    "regions_acceptable": lambda v: _words("region", v),
    "job_kinds_wanted": lambda v: _words("job_kind", v),
    "min_wage": lambda v: parse_wage(v), "available_from": lambda v: parse_date(v),
    "care_duties": lambda v: bool(_word("bool", v)), "status": lambda v: _word("status", v),
    "skills_text": lambda v: v, "health_notes": lambda v: v,
}
CELL_ORDER = ("name", "id_number", "phone", "category", "education", "regions_acceptable",
              "job_kinds_wanted", "min_wage", "available_from", "care_duties", "status")
REQUIRED_CELLS = ("name", "id_number")  # judged even when empty (the rules ask for them)
# Cells that differ on nearly every row; every other cell is read once per distinct value
# in a file (a roster repeats its categories, wages, dates and skills on every page).
PER_ROW_CELLS = frozenset({"name", "id_number", "phone"})
MEMO_SIZE = 50_000  # distinct cell values remembered per import


def cell_values(row: Mapping[str, Any], memo: dict[tuple, tuple[bool, Any]] | None = None,
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A roster row's filled cells as plain field values, and the cells that cannot be read
    (column → message). An empty cell is left out: it never overwrites a stored value.
    ``memo`` (one per import) keeps what each distinct cell read as."""
    data: dict[str, Any] = {}
    problems: dict[str, Any] = {}
    for key, read in _CELLS.items():
        value = row.get(key)
        cached = None
        if memo is not None and key not in PER_ROW_CELLS:
            mkey = (key, type(value), value)
            cached = memo.get(mkey)
        if cached is None:
            if clean_text(value) == "":
                cached = (True, _EMPTY)
            else:
                try:
                    cached = (True, read(value))
                except FieldError as exc:
                    cached = (False, exc.message)
            if memo is not None and key not in PER_ROW_CELLS and len(memo) < MEMO_SIZE:
                memo[mkey] = cached
        ok, result = cached
        if result is _EMPTY:
            if key in REQUIRED_CELLS:
                data[key] = ""
        elif ok:
            data[key] = result
        else:
            problems[key] = result
    return data, problems


def _kept_text(field: str, kept: Any) -> str:
    """A value a rule put in a cell's place, as the report shows it."""
    kind = {"regions_acceptable": "region_pref", "job_kinds_wanted": "job_kind"}.get(field)
    if isinstance(kept, list):
        return "、".join(str(LABELS.get(kind or "", {}).get(v, v)) for v in kept)
    text = str(kept)
    return text if len(text) <= 40 else text[:40] + "…"


_EMPTY = object()


class RosterImporter:
    """Imports workers from a roster; see the module docstring for the rules."""

    kind = KIND

    @property
    def columns(self) -> tuple[Column, ...]:
        """The register's columns and those other features declared."""
        return roster_columns()

    def __init__(self) -> None:
        self.user: User | None = None
        self.user_id: int | None = None
        self.run_id: int | None = None
        self.seen_ids: dict[str, int] = {}
        self.sites: dict[str, list[tuple[int, str]]] = {}
        self.counties: set[str] = set()  # Guizhou's county codes
        self.places: PlaceIndex | None = None
        self.own_county: str | None = None
        self.new_households: dict[str, int] = {}
        self.touched: list[int] = []
        self.today: date | None = None
        # Per distinct value: cells as read, (county, site) cells as placed, areas allowed.
        self.cells: dict[tuple, tuple[bool, Any]] = {}
        self.placed: dict[tuple, tuple[str | None, int | None, tuple | None]] = {}
        self.allowed: dict[str | None, bool] = {}

    # -- preparation ------------------------------------------------------------------
    def begin(self, run: ImportRun) -> None:
        """Load the sites and counties the importing user may use."""
        self.run_id = run.id
        self.today = today()
        self.user_id = run.created_by_id
        self.user = db.session.get(User, run.created_by_id) if run.created_by_id else None
        if self.user is not None and self.user.role == "officer" and self.user.area:
            if self.user.area.level == "county":
                self.own_county = self.user.area_code
        for site_id, name, county in db.session.execute(
                sa.select(RelocationSite.id, RelocationSite.name, RelocationSite.county_code)):
            if self._allowed(county):
                self.sites.setdefault(clean_text(name), []).append((site_id, county))
        self.counties = set(db.session.scalars(sa.select(Area.code).where(
            Area.level == "county", Area.region == "guizhou")))
        self.places = place_index()

    def _allowed(self, code: str | None) -> bool:
        if self.user_id is None:
            return True  # the CLI without --user: the server operator imports anywhere
        allowed = self.allowed.get(code)
        if allowed is None:
            user = self._user()
            allowed = self.allowed[code] = user is not None and user_may_use_area(user, code)
        return allowed

    def _user(self) -> User | None:
        # Commits between phases expire loaded objects; reload the user when needed.
        if self.user_id is not None and (self.user is None or
                                         sa.inspect(self.user).expired):
            self.user = db.session.get(User, self.user_id)
        return self.user

    # -- one row ----------------------------------------------------------------------
    def validate(self, row: Mapping[str, Any], line: int) -> Any:
        """Check one row; a dict of worker values, or RowErrors."""
        errors = RowErrors()
        rec: dict[str, Any] = {"line": line}
        data, problems = cell_values(row, self.cells)
        # the register's one set of rules
        check = check_worker_fields(data, partial=True, today=self.today)
        problems.update(check.problems)
        notes = RowErrors()
        for key in CELL_ORDER:
            if key in problems:
                # A bad optional cell (a phone outside the allocated ranges) does not cost
                # the worker: the value is left empty and reported on the row.
                (errors if key in REQUIRED_CELLS else notes).add(key, row.get(key),
                                                                 problems[key])
        rec.update({k: v for k, v in check.values.items() if k not in problems})
        for note in check.notes:  # a value a rule changed (care duties → 本县, text cut)
            notes.change(note.field, row.get(note.field), _kept_text(note.field, note.kept),
                         note.reason)
        if "status" in data:
            rec["status"] = data["status"]
        for extra in EXTRA_COLUMNS.values():
            values, extra_problems = extra.read(row)
            for key, message in extra_problems.items():
                notes.add(key, row.get(key), message)
            if values is not None:
                rec.setdefault("_extra", {})[extra.key] = values
        if notes:
            rec[NOTES_KEY] = notes
        self._place(row, rec, errors)
        number = rec.get("id_number")
        if number and not errors:
            if number in self.seen_ids:
                errors.add("id_number", row.get("id_number"),
                           _l("The same ID number is already in row %(row)d of this file.",
                              row=self.seen_ids[number]))
            else:
                self.seen_ids[number] = line
        if errors:  # refused anyway: its optional cells' problems are listed with the rest
            errors.errors.extend(notes.errors)
            return errors
        return rec

    def _place(self, row: Mapping[str, Any], rec: dict[str, Any], errors: RowErrors) -> None:
        county_cell, site_cell = row.get("county"), row.get("site")
        key = (type(county_cell), county_cell, type(site_cell), site_cell)
        placed = self.placed.get(key)
        if placed is None:
            placed = self._county_and_site(county_cell, site_cell)
            if len(self.placed) < MEMO_SIZE:
                self.placed[key] = placed
        county, site_id, error = placed
        if error is not None:
            errors.add(*error)
            return
        if site_id is not None:
            rec["site_id"] = site_id
        county_text = clean_text(county_cell)
        site_text = clean_text(site_cell)
        household = clean_text(row.get("household_number"))
        if household:
            if len(household) > 32:
                errors.add("household_number", household,
                           _l("The household number is too long (at most 32 characters)."))
                return
            rec["household_number"] = household
        if county is None and not household:
            county = self.own_county
        if county is None and not household:
            errors.add("county", row.get("county"),
                       _l("Fill in 安置点 or 所在县 so the row has a county."))
            return
        if county is not None and not self._allowed(county):
            errors.add("county", county_text or site_text,
                       _l("This county is outside your area."))
            return
        rec["area_code"] = county
        rec["village"] = clean_text(row.get("village"))[:128]

    def _county_and_site(self, county_cell: Any, site_cell: Any,
                         ) -> tuple[str | None, int | None, tuple | None]:
        """(county code, site id, error) of a row's 所在县 and 安置点 cells, the error as
        (column, value, reason); read once per distinct pair of cells."""
        county = None
        county_text = clean_text(county_cell)
        if county_text:
            county = county_text if county_text in self.counties else None
            if county is None:
                places = self.places
                if places is None:
                    raise RuntimeError("begin() builds the place index before rows are read")
                try:  # 威宁, 威宁县, 毕节市威宁彝族回族苗族自治县: the one place resolver
                    county = parse_place(county_text, places, within="520000").county_code
                except ParseError as exc:
                    if exc.kind == "ambiguous":
                        return None, None, ("county", county_cell, parse_reason(exc))
            if county not in self.counties:
                return None, None, ("county", county_cell,
                                    _l("“%(value)s” is not a county of Guizhou.",
                                       value=county_text))
        site_text = clean_text(site_cell)
        if not site_text:
            return county, None, None
        choices = self.sites.get(site_text, [])
        if county:
            choices = [c for c in choices if c[1] == county]
        if not choices:
            return None, None, ("site", site_cell,
                                _l("No relocation site “%(value)s” in your area.",
                                   value=site_text))
        if len(choices) > 1:
            return None, None, ("site", site_cell,
                                _l("Several counties have a site “%(value)s”; fill in 所在县.",
                                   value=site_text))
        site_id, county = choices[0]
        return county, site_id, None

    # -- a batch ----------------------------------------------------------------------
    def apply(self, batch: list[tuple[int, Any]]) -> ApplyResult:
        """Upsert a batch of checked rows (flushes)."""
        result = ApplyResult()
        records = [rec for _line, rec in batch]
        self._resolve_households(records, result)
        records = [r for r in records if r["line"] not in result.rejected]
        existing = {w.id_number: w for w in db.session.execute(
            sa.select(Worker.id, Worker.id_number, Worker.area_code, Worker.status,
                      *[getattr(Worker, f) for f in UPDATABLE if f != "area_code"])
            .where(among(Worker.id_number, [r["id_number"] for r in records])))}
        now = utcnow()
        said = _l("Roster import #%(id)s", id=self.run_id)  # read in each reader's language
        reason, words = str(said), words_of(said)
        inserts, updates, status_changes, events = [], [], [], []
        for rec in records:
            old = existing.get(rec["id_number"])
            if old is None:
                if rec.get("area_code") is None:
                    self._reject(result, rec, "household_number", rec.get("household_number"),
                                 _("This household number is not registered; fill in 安置点 "
                                   "or 所在县 so the household can be created."))
                    continue
                inserts.append(self._new_worker(rec, now))
                continue
            if not self._allowed(old.area_code):
                self._reject(result, rec, "id_number", rec["id_number"],
                             _("This ID number is registered in another area; ask that "
                               "area's officer."))
                continue
            changes = {f: rec[f] for f in UPDATABLE if f in rec and rec[f] is not None
                       and rec[f] != getattr(old, f)}
            status = rec.get("status")
            if changes:
                updates.append({"id": old.id, "updated_at": now, **changes})
                events.append(self._event(old.id, changes.get("area_code", old.area_code),
                                          "updated", {"fields": sorted(changes),
                                                      "import": self.run_id}, now))
                self.touched.append(old.id)
            if status and status != old.status:
                updates.append({"id": old.id, "status": status, "status_changed_at": now})
                status_changes.append(status_change_values(
                    old.id, status, reason=reason, reason_words=words,
                    by_user_id=self.user_id, at=now))
                events.append(self._event(old.id, changes.get("area_code", old.area_code),
                                          "status", {"from": old.status, "to": status,
                                                     "reason": reason,
                                                     "reason_words": words}, now))
            if changes or (status and status != old.status):
                result.updated += 1
            else:
                result.unchanged += 1
        if updates:
            db.session.execute(sa.update(Worker), updates)
        if inserts:
            ids = insert_rows(table_of(Worker), inserts, ids=True)
            for worker_id, values in zip(ids, inserts, strict=True):
                status_changes.append(status_change_values(
                    worker_id, values["status"], reason=reason, reason_words=words,
                    by_user_id=self.user_id, at=now))
                events.append(self._event(worker_id, values["area_code"], "registered",
                                          {"status": values["status"],
                                           "import": self.run_id}, now))
            self.touched.extend(ids)
            result.added += len(ids)
        insert_rows(table_of(WorkerStatusChange), status_changes)
        insert_rows(table_of(WorkerEvent), events)
        db.session.flush()
        self._write_extra(records, existing, inserts, ids if inserts else [])
        return result

    def _write_extra(self, records: list[dict], existing: Mapping[str, Any],
                     inserts: list[dict], ids: list[int]) -> None:
        """Hand other features' values of the batch's rows to them, with worker ids."""
        if not EXTRA_COLUMNS or not any("_extra" in r for r in records):
            return
        new_ids = {values["id_number"]: i for i, values in zip(ids, inserts, strict=True)}
        for key, extra in EXTRA_COLUMNS.items():
            pairs = []
            for rec in records:
                values = rec.get("_extra", {}).get(key)
                old = existing.get(rec["id_number"])
                worker_id = old.id if old is not None else new_ids.get(rec["id_number"])
                if values is not None and worker_id is not None:
                    pairs.append((worker_id, values))
            if pairs:
                extra.write(pairs, self.user_id)

    def _event(self, worker_id: int, area: str, kind: str, detail: dict,
               at: datetime) -> dict:
        return event_values(worker_id, area, kind, detail, by_user_id=self.user_id, at=at)

    def _reject(self, result: ApplyResult, rec: dict, column: str, value: Any,
                reason: str) -> None:
        result.rejected.setdefault(rec["line"], RowErrors()).add(column, value, reason)

    def _new_worker(self, rec: dict, now: datetime) -> dict:
        return new_worker_values(rec, status=rec.get("status") or "seeking", at=now)

    def _resolve_households(self, records: list[dict], result: ApplyResult) -> None:
        numbers = {r["household_number"] for r in records if r.get("household_number")}
        if not numbers:
            for r in records:
                r.pop("household_id", None)
            return
        found = {n: (i, a, s) for n, i, a, s in db.session.execute(
            sa.select(Household.number, Household.id, Household.area_code, Household.site_id)
            .where(among(Household.number, numbers)))}
        new: dict[str, dict] = {}
        for rec in records:
            number = rec.get("household_number")
            if not number:
                continue
            if number in found:
                household_id, area, site = found[number]
                if not self._allowed(area):
                    self._reject(result, rec, "household_number", number,
                                 _("This household is registered in another area."))
                    continue
                if rec.get("site_id") and site and rec["site_id"] != site:
                    self._reject(result, rec, "site", number,
                                 _("This household belongs to another relocation site."))
                    continue
                rec["household_id"], rec["area_code"] = household_id, area
                continue
            if rec.get("area_code") is not None:
                new.setdefault(number, {"number": number, "area_code": rec["area_code"],
                                        "site_id": rec.get("site_id"),
                                        "village": rec.get("village", ""), "head_name": "",
                                        "monitored": False, "risk_causes": [],
                                        "at_risk": False, "created_at": utcnow(),
                                        "updated_at": utcnow()})
            # else: refused in apply(): no county to create the household in
        if new:
            rows = list(new.values())
            ids = insert_rows(table_of(Household), rows, ids=True)
            for household_id, row in zip(ids, rows, strict=True):
                found[row["number"]] = (household_id, row["area_code"], row["site_id"])
            for rec in records:
                number = rec.get("household_number")
                if number in new and rec["line"] not in result.rejected:
                    rec["household_id"] = found[number][0]
                    rec["area_code"] = found[number][1]

    def finish(self) -> None:
        """Flag likely duplicates among the rows added or changed."""
        flag_likely_duplicates(self.touched)


IMPORTER = ImporterInfo(RosterImporter, title=_l("Roster import"),
                        back_endpoint="registry.import_roster")
