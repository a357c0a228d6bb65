"""Comparing another department's list with the register (数据共享比对).

A list (civil affairs 低保/特困, medical insurance, disabled persons' federation, education,
human resources) goes through the same import pipeline as a roster (``app.imports``): rows
checked and reported, the good ones written in one transaction, a re-import changing
nothing. Each good row is matched to a worker by ID number (or to a household by the
head's ID number); a matched household gets the list's risk as a ``HouseholdRisk`` with the
list's source and date (never written over what officers recorded); open risks of the same
source in the uploader's area whose people are no longer on the list end.
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.auth.scoping import area_filter, code_in_area
from app.errors_domain import DomainError
from app.extensions import db
from app.imports.base import CELLS_KEY, ApplyResult, Column, RowErrors, register_importer
from app.imports.models import ImportJob
from app.imports.report import safe_cell, write_xlsx
from app.imports.runner import create_job, run_job
from app.registry.models import Household, Worker
from app.registry.validation import FieldError, clean_text, parse_id_number, parse_name

from .models import HouseholdRisk, ListComparison, ListEntry, RiskStatus
from .plan import SOURCES, detail_label, end_risk, maybe_exit, source_label

KIND = "risk_list"

COLUMNS = (
    Column("name", "姓名", _l("Name"), required=True, aliases=("name", "人员姓名"),
           example="张三"),
    Column("id_number", "身份证号", _l("ID number"), required=True,
           aliases=("身份证号码", "公民身份号码", "证件号码", "id_number"),
           example="52052619900101123X"),
    Column("head_id", "户主身份证号", _l("Household head's ID number"),
           aliases=("家长身份证号", "监护人身份证号")),
    Column("category", "类别", _l("Category"),
           aliases=("类型", "救助类别", "保障类别", "残疾类别", "人员类别", "状态", "险种")),
    Column("since", "开始日期", _l("Since"),
           aliases=("认定日期", "登记日期", "停保日期", "起始日期", "日期")),
    Column("amount", "金额", _l("Amount"), aliases=("自付金额", "个人自付", "补助金额")),
    Column("note", "备注", _l("Note"), aliases=("说明", "学校", "就读学校")),
)

# The risk each source's list names.
SOURCE_CAUSE = {"civil_affairs": "subsistence", "medical_insurance": "medical_costs",
                "disability": "disability", "education": "student",
                "hrss": "unemployment_registered"}
_STOPPED = ("停", "断", "中断", "stopped")
_STOPPED_ELSEWHERE = ("停保", "断缴", "停缴", "中断缴费", "终止参保", "stopped")


def cause_for(source: str, category: str, detail: Mapping[str, Any] | None = None) -> str:
    """The risk cause of a row: the source's, or for human resources lists, social
    insurance stopped when the row's category says so (or, without a category column, a
    header or cell of the list's own fields: 停保日期, 参保状态 中断缴费)."""
    if source == "hrss":
        if any(w in (category or "") for w in _STOPPED):
            return "insurance_stopped"
        words = " ".join(f"{k} {v}" for k, v in (detail or {}).items())
        if not category and any(w in words for w in _STOPPED_ELSEWHERE):
            return "insurance_stopped"
    return SOURCE_CAUSE[source]


def may_compare(user: User | None) -> bool:
    """Prefecture and province officers (and admins) compare lists."""
    if user is None:
        return False
    if user.role == "admin":
        return True
    return user.role == "officer" and user.area is not None and \
        user.area.level in ("prefecture", "province")


def _cell_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(value)[:200]


class ListImporter:
    """Rows of a department's list → matched people, new and ended risks."""

    kind = KIND
    columns = COLUMNS
    # Every cell but who the row is: the source's own fields, by its own headers, are kept
    # as the risk's detail (name → value).
    cells_except = ("name", "id_number", "head_id")

    def begin(self, job: ImportJob) -> None:
        """Read the comparison this run fills and the uploader."""
        options = job.options or {}
        self.job_id = job.id
        self.comparison_id = int(options["comparison_id"])
        self.source = options["source"]
        self.list_date = date.fromisoformat(options["list_date"])
        self.user_id = job.created_by_id
        self.seen_workers: set[int] = set()
        self.seen_households: set[int] = set()

    def _user(self) -> User | None:
        return db.session.get(User, self.user_id) if self.user_id else None

    def validate(self, row: Mapping[str, Any], line: int) -> Any:
        """Name and ID number must be right; the other fields are kept as they are."""
        errors = RowErrors()
        record: dict[str, Any] = {}
        try:
            record["name"] = parse_name(row.get("name"))
        except ValueError as exc:
            errors.add("name", row.get("name"), str(exc))
        try:
            record["id_number"] = parse_id_number(row.get("id_number")).number
        except FieldError as exc:
            errors.add("id_number", row.get("id_number"), exc.message)
        head = row.get("head_id")
        if head not in (None, ""):
            try:
                record["head_id"] = parse_id_number(head).number
            except FieldError as exc:
                errors.add("head_id", head, exc.message)
        if errors:
            return errors
        record["category"] = _cell_text(row.get("category"))
        cells = row.get(CELLS_KEY)
        if cells is None:  # run without the pipeline's cells: the known fields
            cells = {str(c.header): row.get(c.key) for c in COLUMNS[3:]
                     if row.get(c.key) not in (None, "")}
        record["detail"] = {str(header)[:64]: _cell_text(value)
                            for header, value in list(cells.items())[:30]}
        return record

    def apply(self, batch: list[tuple[int, Any]]) -> ApplyResult:
        """Match each row and take its risk in (flushes)."""
        from .plan import add_risk

        user = self._user()
        comparison = db.session.get_one(ListComparison, self.comparison_id)
        numbers = {r["id_number"] for _l, r in batch} | {r["head_id"] for _l, r in batch
                                                         if r.get("head_id")}
        workers = {w.id_number: w for w in db.session.scalars(
            sa.select(Worker).where(Worker.id_number.in_(numbers),
                                    Worker.merged_into_id.is_(None)))}
        result = ApplyResult()

        def in_scope(worker: Worker | None) -> Worker | None:
            if worker is None or user is None or user.role == "admin":
                return worker
            return worker if code_in_area(worker.area_code, user.area) else None

        for line, record in batch:
            worker = in_scope(workers.get(record["id_number"]))
            head = in_scope(workers.get(record.get("head_id") or ""))
            household = None
            if worker is not None and worker.household_id:
                household = db.session.get(Household, worker.household_id)
            elif worker is None and head is not None and head.household_id:
                household = db.session.get(Household, head.household_id)
            entry = ListEntry(comparison_id=comparison.id, line=line,
                              name=record["name"], id_number=record["id_number"],
                              worker_id=getattr(worker, "id", None),
                              household_id=getattr(household, "id", None),
                              outcome="matched" if worker or household else "not_in_register",
                              detail=record["detail"])
            if worker is not None:
                self.seen_workers.add(worker.id)
            if household is not None:
                self.seen_households.add(household.id)
                cause = cause_for(self.source, record.get("category", ""), record["detail"])
                risk, new = add_risk(household, cause, self.source, self.list_date,
                                     worker=worker, detail={"name": record["name"],
                                                            **record["detail"]},
                                     comparison_id=comparison.id, by=user)
                entry.risk_id = risk.id
                entry.new_risk = new
                comparison.new_risks += int(new)
                result.added += int(new)
                result.unchanged += int(not new)
            else:
                result.unchanged += 1
            if entry.outcome == "matched":
                comparison.matched += 1
            else:
                comparison.not_in_register += 1
            db.session.add(entry)
        db.session.flush()
        return result

    def finish(self) -> None:
        """Risks of this source (in the uploader's area) whose people are no longer on the
        list end; the counts of bad rows are kept with the report."""
        user = self._user()
        comparison = db.session.get_one(ListComparison, self.comparison_id)
        stmt = sa.select(HouseholdRisk).where(
            HouseholdRisk.source == self.source, HouseholdRisk.status == RiskStatus.open.value,
            HouseholdRisk.source_date <= self.list_date)
        if user is not None and user.role != "admin" and user.area is not None:
            stmt = stmt.where(area_filter(HouseholdRisk.area_code, user.area))
        reason = _("No longer on the %(source)s list of %(day)s.",
                   source=source_label(self.source), day=self.list_date.isoformat())
        for risk in db.session.scalars(stmt.order_by(HouseholdRisk.id)).all():
            still = (risk.worker_id in self.seen_workers if risk.worker_id is not None
                     else risk.household_id in self.seen_households)
            if still:
                continue
            end_risk(risk, self.list_date, reason, status=RiskStatus.ended.value, by=user)
            db.session.add(ListEntry(comparison_id=comparison.id, line=0,
                                     name=risk.worker.name if risk.worker else "",
                                     id_number=risk.worker.id_number if risk.worker else "",
                                     worker_id=risk.worker_id, household_id=risk.household_id,
                                     outcome="ended", risk_id=risk.id,
                                     detail=dict(risk.detail or {})))
            maybe_exit(risk.household, self.list_date, by=user)
            comparison.ended_risks += 1
        job = db.session.get_one(ImportJob, self.job_id)
        comparison.bad_rows = job.bad
        db.session.flush()

    def notes(self) -> list[str]:
        """The comparison's counts, after the import's own."""
        comparison = db.session.get_one(ListComparison, self.comparison_id)
        return [summary(comparison)]


register_importer(KIND, ListImporter, title=_l("Department list comparison"),
                  back_endpoint="monitoring.comparisons")


def summary(comparison: ListComparison) -> str:
    """The one line the CLI prints (and the report page heads with)."""
    return (f"matched {comparison.matched}, not in register {comparison.not_in_register}, "
            f"new risks {comparison.new_risks}, ended risks {comparison.ended_risks}, "
            f"bad rows {comparison.bad_rows}")


def start(filename: str, stream: Any, *, source: str, list_date: date, user: User,
          locale: str = "zh") -> tuple[ListComparison, ImportJob]:
    """Store the upload and create its comparison and import job (flushes; the caller
    commits, then runs the job)."""
    if source not in SOURCE_CAUSE:
        raise DomainError(_("Choose the department the list comes from."), field="source")
    if not may_compare(user):
        raise DomainError(_("Lists are compared by prefecture or province officers."),
                          status=403)
    from app.auth.audit import audit
    from app.clock import today

    if list_date > today():
        raise DomainError(_("The list's date cannot be in the future."), field="list_date")
    job = create_job(KIND, filename, stream, user=user,
                     area_code=user.area_code if user.role == "officer" else None,
                     options={"locale": locale, "source": source,
                              "list_date": list_date.isoformat()})
    comparison = ListComparison(source=source, list_date=list_date,
                                area_code=user.area_code if user.role == "officer" else None,
                                import_job_id=job.id, created_by_id=user.id)
    db.session.add(comparison)
    db.session.flush()
    job.options = {**job.options, "comparison_id": comparison.id}
    db.session.flush()
    audit("list_compare", comparison, user=user, detail={"source": source,
                                                         "file": job.filename})
    return comparison, job


def compare_now(filename: str, stream: Any, *, source: str, list_date: date, user: User,
                locale: str = "zh", commit: bool = True) -> tuple[ListComparison, ImportJob]:
    """:func:`start`, commit, and run the import to the end (commits); ``commit=False``
    does all of it inside the caller's unit of work (flushes only)."""
    comparison, job = start(filename, stream, source=source, list_date=list_date, user=user,
                            locale=locale)
    comparison_id = comparison.id
    if commit:
        db.session.commit()
    job = run_job(job, commit=commit)
    return db.session.get_one(ListComparison, comparison_id), job


OUTCOMES = {"matched": _l("Matched"), "not_in_register": _l("Not in the register"),
            "ended": _l("Risk ended")}


def report_xlsx(comparison: ListComparison, target: Any, *, full: bool) -> int:
    """The comparison's rows (matched, not in the register, ended) and the import's bad
    rows, as .xlsx; ID numbers masked unless ``full``."""
    from app.registry.privacy import mask_id

    job = comparison.import_job
    rows: list[list[Any]] = []
    for e in comparison.entries:
        rows.append([e.line or "", safe_cell(e.name),
                     e.id_number if full else mask_id(e.id_number), str(OUTCOMES[e.outcome]),
                     _("yes") if e.new_risk else "",
                     safe_cell(e.household.number if e.household else ""),
                     safe_cell("; ".join(f"{detail_label(k)}: {v}"
                                         for k, v in (e.detail or {}).items() if k != "name"))])
    for err in (job.errors or []) if job is not None else []:
        rows.append([err["row"], "", "", _("Problem"), "", safe_cell(err.get("column")),
                     safe_cell(f"{err.get('value')!r}: {err.get('reason')}")])
    return write_xlsx(target, [_("Row"), _("Name"), _("ID number"), _("Outcome"),
                               _("New risk"), _("Household"), _("Detail")], rows,
                      title=_("Comparison"), widths=[8, 12, 22, 16, 10, 22, 60])


def report_bytes(comparison: ListComparison, *, full: bool) -> bytes:
    """:func:`report_xlsx` into memory."""
    buffer = io.BytesIO()
    report_xlsx(comparison, buffer, full=full)
    return buffer.getvalue()


def source_choices() -> list[tuple[str, str]]:
    """(code, label) of the departments whose lists are compared."""
    return [(k, str(SOURCES[k])) for k in SOURCE_CAUSE]
