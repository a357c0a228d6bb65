"""One reader for every upload: the same limits for the openings preview as for imports,
and CSV read as real CSV (Excel's quoting), with misshapen rows reported, never shifted."""
from __future__ import annotations

import csv
import io
import zipfile

import sqlalchemy as sa
from openpyxl import Workbook

from app.registry.households import save_site
from app.registry.models import Worker
from tests.conftest import text_of
from tests.factories.employers import make_employer
from tests.factories.roster import HEAD, good_rows, pid


def _upload_openings(client, employer, data: bytes, name: str):
    return client.post(f"/employers/{employer.id}/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name)})


def _zip_bomb_xlsx() -> bytes:
    """A real workbook whose sheet unpacks to 200 MB of nothing."""
    book = io.BytesIO()
    Workbook().save(book)
    source = zipfile.ZipFile(io.BytesIO(book.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as fh:
                    chunk = b" " * (1 << 20)
                    for _ in range(200):
                        fh.write(chunk)
            else:
                target.writestr(item, data)
    return out.getvalue()


def test_the_openings_preview_refuses_a_zip_bomb_like_every_import(client, factory, login):
    login(factory.user("officer", area_code="520000"))
    employer, _ = make_employer(factory)
    bomb = _zip_bomb_xlsx()
    assert len(bomb) < 1_000_000
    response = _upload_openings(client, employer, bomb, "bomb.xlsx")
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert page.status_code == 200
    assert "解压后的数据量远超" in text_of(page)


def test_the_openings_preview_refuses_a_300_kb_csv_cell_with_a_reason(client, factory, login):
    login(factory.user("officer", area_code="520000"))
    employer, _ = make_employer(factory)
    data = ("岗位,人数,工资待遇,工作地址\r\n普工,5,\"" + "很长" * 150_000 + "\",东莞\r\n")
    response = _upload_openings(client, employer, data.encode("utf-8"), "long.csv")
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert page.status_code == 200
    assert "格式有误" in text_of(page)


def _roster_csv(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)  # Excel's dialect: quotes around commas, quotes doubled
    writer.writerow(HEAD)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def test_excel_quoting_lands_in_the_right_columns_and_a_shifted_row_is_refused(
        client, db, factory, login):
    officer = login(factory.user("officer", area_code="520526"))
    save_site({"name": "五里岗安置点", "county_code": "520526"}, officer)
    quoted, shifted, plain = good_rows(3)
    quoted[8] = '焊工"二级",电工'  # written as "焊工""二级"",电工"
    raw = _roster_csv([quoted, plain]).decode("utf-8-sig")
    # a row whose skills cell was typed with a bare comma: one cell too many
    broken = ",".join(shifted[:8] + ["电焊", "叉车"] + shifted[9:])
    data = (raw + broken + "\r\n").encode("utf-8-sig")
    assert '"焊工""二级"",电工"' in raw
    response = client.post("/registry/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "roster.csv")})
    assert response.status_code in (200, 302)
    page = text_of(client.get(response.headers["Location"])) if response.status_code == 302 \
        else text_of(response)
    worker = db.session.scalar(sa.select(Worker).where(Worker.id_number == pid(1)))
    assert worker is not None and worker.skills_text == '焊工"二级",电工'
    assert worker.phone == quoted[2]  # the next cell is where it belongs
    assert db.session.scalar(sa.select(Worker).where(Worker.id_number == pid(2))) is None
    assert "逗号或引号" in page  # the shifted row is reported with the reason
