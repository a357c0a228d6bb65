"""Writing .xlsx files: the one place every export goes through, and the bad-rows report.

``safe_cell`` neutralises formula injection (a cell starting with =, +, -, @, tab or
carriage return would be run by Excel/WPS as a formula); ``xlsx_bytes``/``write_xlsx``
apply it to every cell.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .base import reason_text
from .models import ImportRun

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value safe to put in a spreadsheet cell: text that could start a formula is
    prefixed with a quote; numbers, dates and None pass unchanged."""
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def write_xlsx(target: IO[bytes], headers: Sequence[Any], rows: Iterable[Sequence[Any]],
               title: str = "Sheet1", widths: Sequence[int] | None = None) -> int:
    """Write one sheet (header row, then rows) in write-only mode; returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(widths or ()):
        sheet.column_dimensions[_letter(index)].width = width
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(str(header)))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        count += 1
    workbook.save(target)
    return count


def xlsx_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]], title: str = "Sheet1",
               widths: Sequence[int] | None = None) -> bytes:
    """The same as write_xlsx, into memory."""
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, title, widths)
    return buffer.getvalue()


def _letter(index: int) -> str:
    return get_column_letter(index + 1)


def report_headers(run: ImportRun) -> list[str]:
    """The file's own columns, then row number, column at fault and reason."""
    return [*run.columns, _("Row in the original file"), _("Column"), _("Problem")]


def report_rows(run: ImportRun) -> list[list[Any]]:
    """One line per bad row: its original cells, then where and why (all its problems)."""
    problems: dict[int, list[dict]] = {}
    for error in run.errors or ():
        problems.setdefault(error["row"], []).append(error)
    rows = []
    for bad in run.bad_rows or ():
        errors = problems.get(bad["row"], [])
        columns = "; ".join(dict.fromkeys(e["column"] or "—" for e in errors))
        reasons = "; ".join(
            (f"{e['column']}: " if e["column"] else "") + reason_text(e) for e in errors)
        values = list(bad["values"]) + [None] * (len(run.columns) - len(bad["values"]))
        rows.append([*values[: len(run.columns)], bad["row"], columns, reasons])
    return rows


def error_report(run: ImportRun) -> bytes:
    """The bad rows of a run as .xlsx, ready to be fixed and imported again as-is (the
    three added columns at the end are ignored on import)."""
    widths = [14] * len(run.columns) + [10, 14, 60]
    return xlsx_bytes(report_headers(run), report_rows(run), title=_("Rows to fix"),
                      widths=widths)
