"""Reading an uploaded table (.xlsx or .csv) safely, row by row.

Checks happen before any row is read: the type really is what the name says, an .xlsx is
not a zip bomb, a .csv is text (UTF-8 or GBK/GB18030), the header row names the expected
columns, the data has no merged cells and is not larger than the row limit. Any of these
raises ``FileProblem`` with a message for the user; nothing has been imported at that point.
"""
from __future__ import annotations

import codecs
import csv
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from .base import Column, RowErrors

HEADER_SCAN_ROWS = 10  # the header row may sit under a title row or two
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_UNCOMPRESSED = 400 * 1024 * 1024
DEFAULT_MAX_RATIO = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003) and other OLE files
ZIP_MAGIC = b"PK\x03\x04"
EXTENSIONS = (".xlsx", ".csv")


class FileProblem(ValueError):
    """The file as a whole cannot be imported; ``message`` tells the user why."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Limits:
    """How much a file may hold (config: IMPORT_MAX_ROWS, IMPORT_MAX_UNCOMPRESSED_MB…)."""

    max_rows: int = DEFAULT_MAX_ROWS
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED
    max_ratio: int = DEFAULT_MAX_RATIO

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """Limits from a Flask config mapping (defaults when unset)."""
        return cls(
            max_rows=int(config.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
            max_uncompressed=int(config.get("IMPORT_MAX_UNCOMPRESSED_MB", 400)) * 1024 * 1024,
            max_ratio=int(config.get("IMPORT_MAX_RATIO", DEFAULT_MAX_RATIO)),
        )


def fold_header(text: object) -> str:
    """Header text compared loosely: NFKC, lower-case, without spaces, stars and notes."""
    s = unicodedata.normalize("NFKC", str(text or "")).lower()
    s = re.sub(r"[（(][^)）]*[)）]", "", s)  # "身份证号(18位)" → "身份证号"
    return re.sub(r"[\s*＊:：_\-]", "", s)


def is_blank(values: Sequence[Any]) -> bool:
    """True when every cell is empty or whitespace."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


@dataclass
class Table:
    """An opened table: its header, how the header maps to column keys, and its rows."""

    headers: list[str]
    keys: list[str | None]
    header_line: int
    estimated_rows: int
    _rows: Iterator[tuple[int, list[Any]]] = field(repr=False)
    blank: int = 0
    _close: Any = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, dict[str, Any] | RowErrors, list[Any]]]:
        """(line number, {key: value}, original cells) for every non-blank data row.

        A row with filled cells to the right of the last header is misshapen (in a .csv, a
        comma or quote out of place has shifted its cells): it comes as ``RowErrors``
        instead of a record, so it is reported and never imported into the wrong columns.
        """
        width = len(self.headers)
        pending = 0  # blank rows since the last filled one: skipped between rows, but the
        # formatted empty rows a template carries below its last row are no rows at all
        for line, raw in self._rows:
            values = list(raw[:width]) + [None] * (width - len(raw))
            beyond = [v for v in raw[width:] if not is_blank([v])]
            if is_blank(values) and not beyond:
                pending += 1
                continue
            self.blank += pending
            pending = 0
            if beyond:
                errors = RowErrors()
                errors.add(None, beyond[0], _l(
                    "This row has %(n)d cells but the header has %(width)d: a comma or quote "
                    "is probably out of place, so the cells would land in the wrong columns.",
                    n=width + len(beyond), width=width))
                yield line, errors, values
                continue
            record = {k: v for k, v in zip(self.keys, values, strict=True) if k is not None}
            yield line, record, values

    def close(self) -> None:
        """Release the file."""
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def map_headers(raw: Sequence[Any], columns: Sequence[Column],
                mapping: Mapping[str, str] | None = None) -> list[str | None]:
    """Column key for each header cell (None for columns we do not know); an explicit
    ``mapping`` {header text: key} (the employers' mapping step) wins over the aliases."""
    by_alias: dict[str, str] = {}
    for col in columns:
        for alias in col.all_names():
            by_alias.setdefault(fold_header(alias), col.key)
    explicit = {fold_header(h): k for h, k in (mapping or {}).items() if k}
    keys: list[str | None] = []
    for cell in raw:
        folded = fold_header(cell)
        keys.append(explicit.get(folded) or by_alias.get(folded) if folded else None)
    return keys


def _scan_head(values: Iterator[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
    """The first rows, up to HEADER_SCAN_ROWS non-blank ones (blank ones kept, so that those
    after the header are counted); FileProblem when the file holds nothing."""
    first: list[tuple[int, list[Any]]] = []
    filled = 0
    for line, row in values:
        first.append((line, row))
        if not is_blank(row):
            filled += 1
            if filled >= HEADER_SCAN_ROWS:
                break
    if not filled:
        raise FileProblem(_l("The file is empty."))
    return first


def _find_header(first_rows: list[tuple[int, list[Any]]], columns: Sequence[Column],
                 mapping: Mapping[str, str] | None) -> tuple[int, list[Any], list[str | None]]:
    best: tuple[int, int, list[Any], list[str | None]] | None = None
    for index, (_line, values) in enumerate(first_rows):
        keys = map_headers(values, columns, mapping)
        score = sum(1 for k in keys if k)
        if score and (best is None or score > best[0]):
            best = (score, index, values, keys)
    if best is None:
        raise FileProblem(_l("No header row found. The first row must hold the column "
                             "headers: %(expected)s.", expected=expected_headers(columns)))
    _score, index, values, keys = best
    present = {k for k in keys if k}
    missing = [c for c in columns if c.required and c.key not in present]
    if missing:
        raise FileProblem(_l(
            "Required columns are missing: %(missing)s. The file's headers are: %(found)s. "
            "Expected headers: %(expected)s.",
            missing="、".join(c.header for c in missing),
            found="、".join(str(v) for v in values if v not in (None, "")) or "—",
            expected=expected_headers(columns)))
    seen: dict[str, str] = {}
    for key, value in zip(keys, values, strict=True):
        if key and key in seen:
            raise FileProblem(_l("The columns “%(a)s” and “%(b)s” both hold the same field; "
                                 "keep one of them.", a=seen[key], b=value))
        if key:
            seen[key] = str(value)
    return index, values, keys


def expected_headers(columns: Sequence[Column]) -> str:
    """The template's headers, required ones marked with *."""
    return "、".join(c.header + ("*" if c.required else "") for c in columns)


def check_upload_name(filename: str) -> str:
    """The lower-case extension of an upload, or FileProblem when it is not .xlsx/.csv."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xls":
        raise FileProblem(_l("This is an old Excel (.xls) file. Open it in Excel or WPS, "
                             "save it as .xlsx and upload again."))
    if suffix not in EXTENSIONS:
        raise FileProblem(_l("Only .xlsx and .csv files can be imported."))
    return suffix


def _upload(path: str | Path, filename: str) -> tuple[Path, str, bytes]:
    """The upload's path, its checked suffix and its first bytes (FileProblem when the name
    is not .xlsx/.csv or the file is empty): what every reader of an upload starts from."""
    suffix = check_upload_name(filename)
    path = Path(path)
    if path.stat().st_size == 0:
        raise FileProblem(_l("The file is empty."))
    with path.open("rb") as fh:
        head = fh.read(8)
    return path, suffix, head


def open_table(path: str | Path, filename: str, columns: Sequence[Column], *,
               limits: Limits | None = None,
               mapping: Mapping[str, str] | None = None) -> Table:
    """Open an uploaded file and find its header; FileProblem when it cannot be imported."""
    limits = limits or Limits()
    path, suffix, head = _upload(path, filename)
    if suffix == ".xlsx":
        return _open_xlsx(path, head, columns, limits, mapping)
    return _open_csv(path, head, columns, limits, mapping)


# --- xlsx -------------------------------------------------------------------------------

def _check_zip(path: Path, head: bytes, limits: Limits) -> zipfile.ZipFile:
    if head.startswith(OLE_MAGIC):
        raise FileProblem(_l("This is an old Excel (.xls) file renamed to .xlsx. Open it in "
                             "Excel or WPS, save it as .xlsx and upload again."))
    if not head.startswith(ZIP_MAGIC):
        raise FileProblem(_l("This file is not a real .xlsx workbook (its content is "
                             "something else). Save it from Excel or WPS as .xlsx."))
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileProblem(_l("The .xlsx file is damaged and cannot be opened.")) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        archive.close()
        raise FileProblem(_l("This file is not a real .xlsx workbook (its content is "
                             "something else). Save it from Excel or WPS as .xlsx."))
    total = sum(i.file_size for i in infos)
    too_packed = any(
        i.file_size > 1024 * 1024 and i.file_size > limits.max_ratio * max(1, i.compress_size)
        for i in infos)
    if total > limits.max_uncompressed or too_packed or len(infos) > 10_000:
        archive.close()
        raise FileProblem(_l("The workbook unpacks to far more data than a roster holds "
                             "(possibly a damaged or malicious file); it was not opened."))
    return archive


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    # Regular expressions rather than an XML parser: these two parts are tiny and we only
    # need one attribute each (and no entity expansion can happen in a regex).
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    sheet = re.search(r"<(?:\w+:)?sheet\b[^>]*?\br(?:\w*):id=\"([^\"]+)\"", workbook)
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    if sheet:
        for rel in re.finditer(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
            tag = rel.group(0)
            if f'Id="{sheet.group(1)}"' in tag:
                target = re.search(r'Target="([^"]+)"', tag)
                if target:
                    t = target.group(1)
                    return t.lstrip("/") if t.startswith("/") else "xl/" + t
    return "xl/worksheets/sheet1.xml"


_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_LAST_ROW_RE = re.compile(rb"row r=\"(\d+)\"")
_WIDE_CELL_RE = re.compile(rb"c r=\"([A-Z]{2,})\d")  # <c r="AA7"> (or <x:c …): beyond Z
_SI_RE = re.compile(rb"<(?:\w+:)?si\b")
# The fast reader holds the whole sheet (rows x columns, each string cell a copy of its
# shared string) while the rows are read; above this estimate the streaming reader is used.
FAST_READER_BYTES = 256 * 1024 * 1024


@dataclass
class SheetFacts:
    """What one streamed pass over a sheet's XML tells before any row is read."""

    merges: list[tuple[str, int, int]] = field(default_factory=list)
    last_row: int = 0  # the last <row r=…>
    width: int = 26  # columns A… as far as the widest cell (at least A–Z)
    string_cells: int = 0
    error_cells: bool = False  # #N/A, #REF!: only openpyxl reads these as their text
    longest_string: int = 0  # bytes of the longest shared string

    def fast_reader_fits(self) -> bool:
        """Whether the whole-sheet reader stays within FAST_READER_BYTES and reads every
        cell the way the streaming reader does."""
        estimate = self.last_row * self.width * 32 + self.string_cells * self.longest_string
        return not self.error_cells and estimate <= FAST_READER_BYTES


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def sheet_facts(archive: zipfile.ZipFile, member: str) -> SheetFacts:
    """Merged ranges, extent, string and error cells of a sheet, read as a stream."""
    facts = SheetFacts()
    if member not in archive.namelist():
        return facts
    tail = b""
    rows_seen = 0
    with archive.open(member) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            last_end = 0
            if b"mergeCell" in data:
                for m in _MERGE_RE.finditer(data):
                    first, last = int(m.group(2)), int(m.group(4) or m.group(2))
                    ref = m.group(0).split(b'ref="')[1].rstrip(b'"').decode()
                    facts.merges.append((ref, first, last))
                    last_end = m.end()
            last = data.rfind(b'row r="')  # rows come in order: the chunk's last one
            found = _LAST_ROW_RE.match(data, last) if last >= 0 else None
            rows_seen += chunk.count(b"row ")  # rows without r= (allowed) count too
            facts.last_row = max(facts.last_row, int(found.group(1)) if found else 0, rows_seen)
            for letters in set(_WIDE_CELL_RE.findall(data)):
                facts.width = max(facts.width, _column_number(letters))
            facts.string_cells += chunk.count(b't="s"')
            facts.error_cells = facts.error_cells or b't="e"' in data or b"t='e'" in data
            tail = data[max(last_end, len(data) - 512):]
    for name in archive.namelist():
        if name.lower().endswith("sharedstrings.xml"):
            with archive.open(name) as fh:
                part = b""
                while chunk := fh.read(1 << 20):
                    pieces = _SI_RE.split(part + chunk)
                    facts.longest_string = max(facts.longest_string,
                                               *(len(p) for p in pieces[:-1]), 0)
                    part = pieces[-1]
                facts.longest_string = max(facts.longest_string, len(part))
    return facts


def merged_ranges(archive: zipfile.ZipFile, member: str) -> list[tuple[str, int, int]]:
    """(ref, first row, last row) of every merged range in a sheet, read as a stream."""
    return sheet_facts(archive, member).merges


def _open_xlsx(path: Path, head: bytes, columns: Sequence[Column], limits: Limits,
               mapping: Mapping[str, str] | None) -> Table:
    archive = _check_zip(path, head, limits)
    try:
        facts = sheet_facts(archive, _first_sheet_path(archive))
    finally:
        archive.close()
    if facts.fast_reader_fits():
        values, max_row, close = _calamine_rows(path)
    else:
        values, max_row, close = _openpyxl_rows(path)
    try:
        first = _scan_head(values)
        index, header, keys = _find_header(first, columns, mapping)
        header_line = first[index][0]
        in_data = [ref for ref, _a, last in facts.merges if last >= header_line]
        if in_data:
            raise FileProblem(_l(
                "The sheet has merged cells (%(refs)s). Unmerge them and fill every cell, "
                "then import again.", refs=", ".join(in_data[:5])
                + (" …" if len(in_data) > 5 else "")))
        estimated = max(0, max_row - header_line)
        _check_rows(estimated, limits)
        width = _header_width(header)
        rows = _chain_rows(first[index + 1:], values, limits)
        return Table([_label(v) for v in header[:width]], keys[:width], header_line,
                     estimated, rows, _close=close)
    except BaseException:
        close()
        raise


RowSource = tuple[Iterator[tuple[int, list[Any]]], int, Any]  # (rows, last row, close)


def _openpyxl_rows(path: Path) -> RowSource:
    """The streaming reader: any size, every cell kind; about 10 s per 100,000 rows."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise FileProblem(_l("The .xlsx file is damaged and cannot be opened.")) from None
    sheet = workbook.worksheets[0]
    values = ((line, list(row)) for line, row in
              enumerate(sheet.iter_rows(values_only=True), start=1))
    return values, sheet.max_row or 0, workbook.close


def _calamine_rows(path: Path) -> RowSource:
    """The whole-sheet reader (calamine, compiled): about 1 s per 100,000 rows. Its cells
    come as openpyxl gives them: None for an empty cell, whole numbers as int, a date
    cell as a datetime at midnight; rows start at column A and carry their sheet line."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        first = next(m.name for m in workbook.sheets_metadata
                     if m.typ == SheetTypeEnum.WorkSheet)
        sheet = workbook.get_sheet_by_name(first)
    except (CalamineError, StopIteration, ValueError, OSError):
        raise FileProblem(_l("The .xlsx file is damaged and cannot be opened.")) from None
    start = sheet.start or (0, 0)
    end = sheet.end or (-1, 0)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        pad = [None] * start[1]
        for line, row in enumerate(sheet.iter_rows(), start=start[0] + 1):
            yield line, pad + [(v or None) if type(v) is str else _calamine_cell(v)
                               for v in row]

    return rows(), end[0] + 1, workbook.close


def _calamine_cell(value: Any) -> Any:
    kind = type(value)
    if kind is float and value.is_integer() and abs(value) < 1e16:
        return int(value)  # openpyxl: a number written without a point is an int
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value


def _header_width(header: Sequence[Any]) -> int:
    width = len(header)
    while width and header[width - 1] in (None, ""):
        width -= 1
    return width


def _label(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _check_rows(count: int, limits: Limits) -> None:
    if count > limits.max_rows:
        raise FileProblem(_l("The file has more than %(max)d rows. Split it into smaller "
                             "files and import them one by one.", max=limits.max_rows))


def _chain_rows(buffered: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]],
                limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    count = 0
    for item in buffered:
        count += 1
        yield item
    for line, row in rest:
        count += 1
        if count > limits.max_rows:
            raise FileProblem(_l("The file has more than %(max)d rows. Split it into smaller "
                                 "files and import them one by one.", max=limits.max_rows))
        yield line, row


# --- csv --------------------------------------------------------------------------------

def detect_encoding(sample: bytes) -> str:
    """utf-8-sig when the sample is UTF-8 (a cut character at the end is fine), else gb18030."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    except UnicodeDecodeError:
        raise FileProblem(_l("The file's text encoding is neither UTF-8 nor GBK; save it "
                             "as “CSV UTF-8” and import again.")) from None
    return "gb18030"


def _csv_sample(path: Path, head: bytes) -> tuple[bytes, str]:
    """The first 64 KiB of a .csv upload and its encoding, after the checks every reader of
    a .csv makes (not a workbook renamed, text not binary)."""
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
        raise FileProblem(_l("This is an Excel workbook, not a .csv file. Rename it to "
                             ".xlsx (or save it as CSV) and import again."))
    with path.open("rb") as fh:
        sample = fh.read(1 << 16)
    if b"\x00" in sample:
        raise FileProblem(_l("This is not a text (.csv) file."))
    return sample, detect_encoding(sample)


def _open_csv(path: Path, head: bytes, columns: Sequence[Column], limits: Limits,
              mapping: Mapping[str, str] | None) -> Table:
    sample, encoding = _csv_sample(path, head)
    lines = 0
    with path.open("rb") as fh:
        for _ in fh:
            lines += 1
    handle = open(path, encoding=encoding, newline="")  # closed by Table
    try:
        reader = csv.reader(handle, csv_dialect(sample.decode(encoding, "ignore")))
        values = _csv_rows(reader, encoding)
        first = _scan_head(values)
        index, header, keys = _find_header(first, columns, mapping)
        header_line = first[index][0]
        estimated = max(0, lines - header_line)
        _check_rows(estimated, limits)
        width = _header_width(header)
        rows = _chain_rows(first[index + 1:], values, limits)
        return Table([_label(v) for v in header[:width]], keys[:width], header_line,
                     estimated, rows, _close=handle.close)
    except BaseException:
        handle.close()
        raise


class _Excel(csv.excel):
    """What Excel and WPS write: quotes around cells with commas, quotes doubled inside."""

    delimiter = ","


def csv_dialect(text: str) -> type[csv.Dialect]:
    """Excel's CSV dialect with the delimiter (comma, tab or semicolon) that splits the first
    lines into the same number of cells, read as real CSV (quoted cells may hold the
    delimiter, doubled quotes, line breaks). Guessed from many lines, never the header
    alone: a sniffer shown one line took a quoted ``"焊工""二级"",电工"`` apart."""
    lines = text.splitlines()[:30]
    if len(text) >= 1 << 16 and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be cut too
    sample = "\n".join(lines)
    best, best_score = ",", (0, 0)
    for delimiter in (",", "\t", ";"):
        try:
            widths = [len(r) for r in csv.reader(sample.splitlines(), delimiter=delimiter,
                                                 quotechar='"', doublequote=True) if any(r)]
        except csv.Error:
            continue
        if not widths or max(widths) < 2:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return type("UploadDialect", (_Excel,), {"delimiter": best})


def preview_rows(path: str | Path, filename: str, limits: Limits | None = None,
                 count: int = 40) -> list[list[Any]]:
    """The first ``count`` rows of an upload as cells, behind every check ``open_table``
    makes (type, zip bomb, text encoding, cell size): for a mapping step that shows the
    file before its columns are known."""
    limits = limits or Limits()
    path, suffix, head = _upload(path, filename)
    rows: list[list[Any]] = []
    if suffix == ".xlsx":
        import openpyxl

        _check_zip(path, head, limits).close()
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds on broken files
            raise FileProblem(_l("The .xlsx file is damaged and cannot be opened.")) from None
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True, max_row=count):
                rows.append(list(row))
        finally:
            workbook.close()
        return rows
    sample, encoding = _csv_sample(path, head)
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, csv_dialect(sample.decode(encoding, "ignore")))
        for _line, row in _csv_rows(reader, encoding):
            rows.append(row)
            if len(rows) >= count:
                break
    return rows


def _csv_rows(reader: Any, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    try:
        for row in reader:
            yield reader.line_num, [v if v.strip() else None for v in row]
    except UnicodeDecodeError:
        raise FileProblem(_l("Part of the file is not valid %(encoding)s text; save it as "
                             "“CSV UTF-8” and import again.", encoding=encoding.upper())) from None
    except csv.Error as exc:
        raise FileProblem(_l("The .csv file is malformed near line %(line)d: %(error)s",
                             line=reader.line_num, error=str(exc))) from None
