"""Benchmark the openings import on a partner sheet with many employers (issue #14).

Usage: .venv/bin/python bench/bench_jobs_import.py [--rows 10000] [--employers 500]
                                                   [--database URL] [--runs N] [--tiny] [--json]

1. Writes a partner-style .xlsx (as Excel/WPS save it: shared strings): every row names its
   employer (用人单位), most with their 统一社会信用代码; head-counts and wages the way
   partners write them (若干, 招3人, 3名, blank; 6000一9000元, 1小时28元, 每小时19.5元,
   可达6500元以上, 综合月薪…, 保底+计件, 多劳多得, 面议, …); about 1 % bad rows.
2. Registers 40 % of the employers beforehand (verified; some under another spelling of the
   name: full-width brackets, spaces), so rows find employers by credit code, by normalised
   name, and register the rest from the sheet as pending.
3. Imports the sheet as ``flask jobs import --publish`` does (same job, runner and importer),
   and reports rows/s on the wall clock, the process's CPU seconds and the machine load
   (1-minute load average before and after: the box is shared). Then imports it again to
   show that nothing new is created (and how fast an unchanged sheet goes through).

``--database`` takes a SQLAlchemy URL (default: a fresh SQLite file in a temporary folder);
its tables are dropped and created, so never point it at a database you need.
``--tiny`` runs 200 rows and 20 employers (the smoke test uses it). ``--runs N`` repeats
the whole (fresh tables, first import, same sheet again) N times and prints the medians;
on PostgreSQL the server process's CPU seconds are printed beside the import's.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

HEAD = ["序号", "用人单位", "统一社会信用代码", "岗位名称", "招聘人数", "薪资待遇", "工作地点",
        "年龄要求", "学历要求", "食宿", "岗位说明"]
TITLES = ["电子厂普工", "SMT操作员", "包装工", "仓管员", "叉车司机", "焊工", "电工", "缝纫工",
          "保安", "保洁员", "厨师", "服务员", "快递分拣员", "装配工", "质检员", "注塑工"]
HEADCOUNTS = ["若干", "招3人", "3名", "", "20", "50人", "10", "若干", "5名", "100"]
WAGES = ["6000一9000元", "1小时28元", "每小时19.5元", "可达6500元以上", "综合月薪5000-7000元",
         "保底+计件", "多劳多得", "4500-6000元/月", "6-8千/月", "面议", "200元/天",
         "综合月薪6000元以上，多劳多得", "底薪3000+提成", "0.8-1.2万/月", "25元/小时"]
PLACES = ["东莞市长安镇", "深圳-南山区", "苏州", "上海-松江区", "贵阳观山湖", "宁波", "杭州市",
          "佛山市顺德区", "广州天河", "遵义汇川", "嘉兴", "无锡"]
AGES = ["18-45岁", "18-50岁", "45岁以下", "不限", ""]
EDUCATION = ["初中及以上", "不限", "高中", "", "中专"]
BOARD = ["包吃住", "包住", "", "提供工作餐", "不包吃住"]
CITIES = ["东莞", "深圳", "苏州", "昆山", "宁波", "杭州", "佛山", "广州", "嘉兴", "无锡", "贵阳"]
WORDS = "华立讯鸿运虞山港城精密长安顺达宏远新星恒通金源永盛汇丰嘉禾博源广泰瑞丰天成和信"
TRADES = ["电子", "模具", "服装", "物流", "食品", "机械", "塑胶", "五金", "纺织", "包装"]


def credit_code(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91{440000 + n % 9000:06d}MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def employers(n: int, seed: int) -> list[tuple[str, str]]:
    """n distinct (name, credit code) pairs."""
    rnd = random.Random(seed)
    out, names = [], set()
    while len(out) < n:
        brand = "".join(rnd.sample(WORDS, 2))
        name = f"{rnd.choice(CITIES)}市{brand}{rnd.choice(TRADES)}有限公司"
        if rnd.random() < 0.2:
            name = f"{brand}{rnd.choice(TRADES)}（{rnd.choice(CITIES)}）有限公司"
        if name not in names:
            names.add(name)
            out.append((name, credit_code(len(out) + 1)))
    return out


def sheet_rows(rows: int, companies: list[tuple[str, str]], seed: int):
    rnd = random.Random(seed)
    for i in range(rows):
        name, code = companies[i % len(companies)]
        written_code = code if (i % len(companies)) % 5 else ""  # 20 % without a code
        if i % 97 == 0:
            written_code = code[:-1] + ("0" if code[-1] != "0" else "1")  # a bad check digit
        yield [str(i + 1), name, written_code, rnd.choice(TITLES), rnd.choice(HEADCOUNTS),
               rnd.choice(WAGES), rnd.choice(PLACES), rnd.choice(AGES), rnd.choice(EDUCATION),
               rnd.choice(BOARD), "长白班，可安排住宿" if rnd.random() < 0.3 else ""]


def write_sheet(path: Path, rows: int, companies: list[tuple[str, str]]) -> None:
    from bench_registry import as_excel_writes_it
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("岗位信息")
    sheet.append(HEAD)
    for row in sheet_rows(rows, companies, seed=2):
        sheet.append(row)
    book.save(path)
    as_excel_writes_it(path)
    with_dimension(path, f"A1:{chr(ord('A') + len(HEAD) - 1)}{rows + 1}")


def with_dimension(path: Path, ref: str) -> None:
    """Add the <dimension> element Excel and WPS always write (openpyxl's write-only mode
    leaves it out, which makes readers scan the whole sheet once to size it)."""
    import zipfile

    src = zipfile.ZipFile(path)
    name = next(n for n in src.namelist() if n.startswith("xl/worksheets/sheet"))
    sheet = src.read(name).decode().replace("</sheetPr>", f'</sheetPr><dimension ref="{ref}"/>',
                                            1)
    out_path = path.with_suffix(".dim")
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.namelist():
            out.writestr(item, sheet if item == name else src.read(item))
    src.close()
    out_path.replace(path)


def prepare(app, companies: list[tuple[str, str]]) -> None:
    """Fresh tables, the areas, the officer, and 40 % of the employers registered."""
    from app.areas.service import load_areas
    from app.auth.service import create_user
    from app.employers.models import Employer
    from app.extensions import db

    with app.app_context():
        db.drop_all()
        db.create_all()
        load_areas()
        create_user("bench_officer", "bench-pass-1", "officer", area_code="520000")
        for i, (name, code) in enumerate(companies):
            if i % 5 in (0, 1):  # 40 %: registered and verified beforehand
                spelled = name.replace("（", "(").replace("）", ")") if i % 2 else \
                    name.replace("有限公司", " 有限公司")
                db.session.add(Employer(name=spelled, credit_code=code, status="verified",
                                        region="prd"))
        db.session.commit()


def run_import(app, path: Path) -> dict:
    import sqlalchemy as sa
    from bench_registry import server_cpu_seconds

    from app.auth.models import User
    from app.employers.importer import KIND
    from app.employers.models import Employer
    from app.extensions import db
    from app.imports.runner import create_job, run_job

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "bench_officer"))
        employers_before = db.session.scalar(sa.select(sa.func.count(Employer.id)))
        load_before = os.getloadavg()[0]
        server_before = server_cpu_seconds()
        db.session.commit()
        start, cpu = time.perf_counter(), time.process_time()
        job = create_job(KIND, path.name, path, user=user, area_code=user.area_code,
                         options={"locale": "zh", "publish": True,
                                  "partner": "苏州市劳务协作站"})
        db.session.commit()
        job = run_job(job)
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu
        server_after = server_cpu_seconds()
        employers_after = db.session.scalar(sa.select(sa.func.count(Employer.id)))
        return {"status": job.status, "rows": job.total, "added": job.added,
                "unchanged": job.unchanged, "bad": job.bad,
                "employers_registered": employers_after - employers_before,
                "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2),
                "rows_per_s": round(job.total / seconds), "rows_per_cpu_s":
                    round(job.total / cpu_seconds) if cpu_seconds else None,
                "cpu_us_per_row": round(cpu_seconds / max(1, job.total) * 1e6),
                "server_cpu_seconds": None if server_before is None or server_after is None
                else round(server_after - server_before, 2),
                "load_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "message": job.message}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--employers", type=int, default=500)
    ap.add_argument("--database", help="SQLAlchemy URL (tables are dropped!)")
    ap.add_argument("--tiny", action="store_true", help="200 rows, 20 employers (smoke)")
    ap.add_argument("--runs", type=int, default=1, help="repeat N times; medians printed")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if args.tiny:
        args.rows, args.employers = 200, 20
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench_jobs_import_") as tmp:
        folder = Path(tmp)
        url = args.database or f"sqlite:///{folder / 'bench.db'}"
        companies = employers(args.employers, seed=1)
        sheet = folder / "partner_sheet.xlsx"
        write_sheet(sheet, args.rows, companies)
        from bench_registry import make_app

        app = make_app(url, folder / "instance")
        for _run in range(max(1, args.runs)):
            prepare(app, companies)
            runs.append((run_import(app, sheet), run_import(app, sheet)))
    first, again = runs[0]
    figures = {"rows": args.rows, "employers": args.employers, "cores": os.cpu_count(),
               "backend": url.split(":", 1)[0], "first": first, "again": again,
               "runs": [{"first": a, "again": b} for a, b in runs]}
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return figures
    print(f"partner sheet: {args.rows:,} rows, {args.employers} employers, "
          f"{figures['backend']}, {os.cpu_count()} cores")
    for first, again in runs:
        for label, r in (("first import", first), ("same sheet again", again)):
            server = (f", server {r['server_cpu_seconds']} s CPU"
                      if r["server_cpu_seconds"] is not None else "")
            print(f"  {label:17} {r['rows_per_s']:>6,} rows/s  ({r['seconds']} s wall, "
                  f"{r['cpu_seconds']} s CPU = {r['rows_per_cpu_s']:,} rows/CPU-s, "
                  f"{r['cpu_us_per_row']} µs/row{server}; load "
                  f"{r['load_1min'][0]} → {r['load_1min'][1]})  added {r['added']:,}, "
                  f"unchanged {r['unchanged']:,}, bad {r['bad']:,}, employers registered "
                  f"{r['employers_registered']}")
    if len(runs) > 1:
        for label, index in (("first import", 0), ("same sheet again", 1)):
            median = {key: statistics.median(run[index][key] for run in runs)
                      for key in ("rows_per_s", "seconds", "cpu_seconds", "rows_per_cpu_s")}
            print(f"  median of {len(runs)}, {label}: {median['rows_per_s']:,.0f} rows/s wall, "
                  f"{median['seconds']:.2f} s wall, {median['cpu_seconds']:.2f} s CPU = "
                  f"{median['rows_per_cpu_s']:,.0f} rows/CPU-s")
    return figures


if __name__ == "__main__":
    main()
