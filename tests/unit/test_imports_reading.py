"""Reading import files and writing safe spreadsheets, without an app."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from app.imports.base import Column
from app.imports.reading import (
    FileProblem,
    Limits,
    detect_encoding,
    fold_header,
    map_headers,
    merged_ranges,
    open_table,
)
from app.imports.report import safe_cell, xlsx_bytes

COLUMNS = (Column("name", "姓名", required=True, aliases=("name",)),
           Column("id_number", "身份证号", required=True, aliases=("身份证号码", "id number")),
           Column("phone", "手机号", aliases=("联系电话",)))


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=x", "'\t=x"), ("张三", "张三"), (5, 5), (-5, -5), (None, None)])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_xlsx_bytes_neutralises_every_cell():
    data = xlsx_bytes(["=head"], [["=cmd|' /C calc'!A0"], ["ok"]])
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows == [("'=head",), ("'=cmd|' /C calc'!A0",), ("ok",)]


def test_header_folding_and_mapping():
    assert fold_header(" 身份证号（18位）* ") == "身份证号"
    assert fold_header("ID Number") == "idnumber"
    keys = map_headers(["姓名*", "身份证号码", "备注", "Phone"], COLUMNS,
                       mapping={"Phone": "phone"})
    assert keys == ["name", "id_number", None, "phone"]


def test_encoding_detection():
    assert detect_encoding("姓名,身份证号".encode()) == "utf-8-sig"
    assert detect_encoding("姓名,身份证号".encode("gbk")) == "gb18030"
    cut = "姓名".encode()[:-1]  # a character cut at the sample's end is still UTF-8
    assert detect_encoding(cut) == "utf-8-sig"


def _xlsx(path, rows, merge=None):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    if merge:
        book.active.merge_cells(merge)
    book.save(path)


def test_open_xlsx_finds_header_under_a_title(tmp_path):
    path = tmp_path / "a.xlsx"
    _xlsx(path, [["花名册"], [], ["姓名", "身份证号", "其他"], ["张三", "x", "y"], [None, None],
                 ["李四", "z", None]], merge="A1:C1")
    with open_table(path, "a.xlsx", COLUMNS) as table:
        assert table.header_line == 3 and table.keys == ["name", "id_number", None]
        rows = list(table.rows())
        assert [(line, rec["name"]) for line, rec, _v in rows] == [(4, "张三"), (6, "李四")]
        assert table.blank == 1


def test_merged_cells_in_data_are_refused(tmp_path):
    path = tmp_path / "m.xlsx"
    _xlsx(path, [["姓名", "身份证号"], ["张三", "1"], ["李四", "2"]], merge="A2:A3")
    with zipfile.ZipFile(path) as archive:
        assert merged_ranges(archive, "xl/worksheets/sheet1.xml") == [("A2:A3", 2, 3)]
    with pytest.raises(FileProblem, match="merged cells"):
        open_table(path, "m.xlsx", COLUMNS)


def test_missing_required_header_lists_expected(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("姓名,电话\n张三,1\n", encoding="utf-8")
    with pytest.raises(FileProblem) as info:
        open_table(path, "h.csv", COLUMNS)
    assert "身份证号" in str(info.value) and "姓名*、身份证号*、手机号" in str(info.value)


def test_duplicate_columns_are_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("姓名,身份证号,身份证号码\n", encoding="utf-8")
    with pytest.raises(FileProblem, match="same field"):
        open_table(path, "d.csv", COLUMNS)


def test_row_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("姓名,身份证号\n" + "张三,1\n" * 11, encoding="utf-8")
    with pytest.raises(FileProblem, match="more than 10 rows"):
        open_table(path, "big.csv", COLUMNS, limits=Limits(max_rows=10))


def test_zip_bomb_ratio(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    with pytest.raises(FileProblem, match="unpacks"):
        open_table(path, "bomb.xlsx", COLUMNS)
    with pytest.raises(FileProblem, match="unpacks"):
        open_table(path, "bomb.xlsx", COLUMNS,
                   limits=Limits(max_uncompressed=1024 * 1024, max_ratio=10**9))


def test_gbk_csv_rows(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes("姓名,身份证号,手机号\n张三,52052619900101001X,13885001234\n".encode("gbk"))
    with open_table(path, "g.csv", COLUMNS) as table:
        (line, record, _values), = list(table.rows())
    assert line == 2 and record["name"] == "张三" and record["phone"] == "13885001234"
