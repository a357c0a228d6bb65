"""The whole-sheet .xlsx reader (calamine) gives the rows the streaming one (openpyxl) gives,
and a sheet it cannot read the same way, or that would not fit its memory budget, goes to
the streaming reader."""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook

from app.imports import reading
from app.imports.base import Column
from app.imports.reading import open_table, sheet_facts

COLUMNS = (Column("name", "姓名", required=True), Column("id_number", "身份证号", required=True),
           Column("wage", "最低月薪"), Column("when", "可到岗日期"), Column("flag", "照顾家庭"))


def _sheet(path, *, offset: bool = True) -> None:
    book = Workbook()
    sheet = book.active
    sheet["B1"] = "花名册（2025年）"
    rows = [["姓名", "身份证号", "最低月薪", "可到岗日期", "照顾家庭"],
            ["张三", "520526199001010015", 4000, date(2025, 3, 1), True],
            ["李四", 520526199001010015, 4000.5, datetime(2025, 3, 1, 12, 30), False],
            [None, None, None, None, None],
            [" 王五 ", "5205261990", 1e20, time(8, 30), "否"],
            ["赵六", "", 0, "2025/3/1", None],
            ["钱七", "x", -3, None, 1.0]]
    for i, row in enumerate(rows, start=3):
        for j, value in enumerate(row, start=2 if offset else 1):
            sheet.cell(i, j, value)
    sheet.cell(12, 3, "表外")  # a filled cell to the right, under the data
    book.save(path)


def _read(path, monkeypatch, fast: bool):
    monkeypatch.setattr(reading.SheetFacts, "fast_reader_fits", lambda self: fast)
    with open_table(path, path.name, COLUMNS) as table:
        rows = [(line, rec if isinstance(rec, dict) else rec.errors, values)
                for line, rec, values in table.rows()]
        return (table.headers, table.keys, table.header_line, table.estimated_rows, rows,
                table.blank)


@pytest.mark.parametrize("offset", [True, False])
def test_both_readers_give_the_same_rows(tmp_path, monkeypatch, offset):
    path = tmp_path / "roster.xlsx"
    _sheet(path, offset=offset)
    fast = _read(path, monkeypatch, True)
    assert fast == _read(path, monkeypatch, False)
    rows = {line: rec for line, rec, _v in fast[4]}
    assert rows[4]["wage"] == 4000 and type(rows[4]["wage"]) is int
    assert rows[4]["when"] == datetime(2025, 3, 1)
    assert rows[7]["wage"] == 1e20 and type(rows[7]["wage"]) is float


def test_the_fast_reader_is_used_for_an_ordinary_sheet(tmp_path, monkeypatch):
    path = tmp_path / "roster.xlsx"
    _sheet(path)
    used = []
    real = reading._calamine_rows
    monkeypatch.setattr(reading, "_calamine_rows", lambda p: used.append(p) or real(p))
    with open_table(path, path.name, COLUMNS) as table:
        assert [line for line, _r, _v in table.rows()][:2] == [4, 5]
    assert used == [path]


def _with_error_cell(path) -> None:
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<c r="D4"[^>]*>.*?</c>', '<c r="D4" t="e"><v>#N/A</v></c>', sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)


def test_error_cells_are_read_as_their_text(tmp_path):
    """calamine reads #N/A as an empty cell; the row must still report it."""
    path = tmp_path / "err.xlsx"
    _sheet(path)
    _with_error_cell(path)
    with zipfile.ZipFile(path) as archive:
        facts = sheet_facts(archive, "xl/worksheets/sheet1.xml")
    assert facts.error_cells and not facts.fast_reader_fits()
    with open_table(path, path.name, COLUMNS) as table:
        first = next(rec for _line, rec, _v in table.rows())
    assert first["wage"] == "#N/A"


def test_a_sheet_too_wide_for_the_memory_budget_is_streamed(tmp_path, monkeypatch):
    path = tmp_path / "wide.xlsx"
    _sheet(path)
    book = Workbook()
    book.active.append(["姓名", "身份证号"])
    book.active.append(["张三", "1"])
    book.active.cell(2, 16000, "far right")
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        facts = sheet_facts(archive, "xl/worksheets/sheet1.xml")
    assert facts.width == 16000 and facts.last_row == 2
    monkeypatch.setattr(reading, "FAST_READER_BYTES", 2 * 16000 * 32 - 1)
    assert not facts.fast_reader_fits()
    monkeypatch.setattr(reading, "_calamine_rows", None)  # would fail if used
    with open_table(path, path.name, COLUMNS) as table:
        assert [line for line, _r, _v in table.rows()] == [2]
