"""Benchmark the register: a 100,000-row roster import and worker search over 200,000 workers.

Usage: .venv/bin/python bench/bench_registry.py [--rows 100000] [--total 200000]
                                               [--database URL] [--keep DIR]
                                               [--runs N] [--import-only]

1. Writes a roster .xlsx (in a child process, so its memory is not counted).
2. Imports it like `flask registry import` (checked rows, one transaction) in a child
   process, then the same file again, and reports wall time, the import process's CPU
   time (and, on PostgreSQL, the server process's), CPU per row, peak resident memory and
   the 1-minute load average before and after (the machine may be shared). With --runs N
   the database is made anew and both imports run N times; the medians are printed.
3. Tops the register up to --total workers (bulk SQL), then times the worker list as the
   page runs it (search + count + one page, eager loads) and the full page over HTTP
   (skipped with --import-only).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNTIES = ["520526", "520502", "520115", "522301", "520521", "520524"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅琴云飞鹏辉斌宇浩凯健俊帆"
SKILLS = ["电焊", "叉车", "家政", "养老护理", "茶叶采摘", "普工", "厨师", "月嫂", "电工", "缝纫"]
HEAD = ["姓名", "身份证号", "手机号", "户编号", "所在县", "人员类别", "文化程度", "技能",
        "意向地区", "最低月薪", "就业状态"]


def _id_number(county: str, born: date, serial: int) -> str:
    from stdnum.cn import ric

    body = f"{county}{born:%Y%m%d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def people(n: int, seed: int, offset: int = 0):
    """n synthetic workers as roster rows (unique ID numbers)."""
    rnd = random.Random(seed)
    for i in range(offset, offset + n):
        county = COUNTIES[(i // 3) % len(COUNTIES)]  # a household's three share a county
        born = date(1965, 1, 1) + timedelta(days=(i * 7919) % 14000)
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.randint(1, 2)))
        yield [name, _id_number(county, born, i // 14000 * 2 + 1),
               rnd.choice(["138", "139", "150", "151", "157", "182", "187", "188", "198"])
               + f"{rnd.randint(0, 99999999):08d}",
               f"B{county}-{i // 3:07d}", county, rnd.choice(["易地搬迁", "返乡", "一般"]),
               rnd.choice(["小学", "初中", "高中", "中专"]), "、".join(rnd.sample(SKILLS, 2)),
               rnd.choice(["本县", "省内、珠三角", "长三角", "不限"]),
               str(rnd.randrange(2500, 7000, 500)), rnd.choice(["求职中", "已就业", "培训中"])]


def write_roster(path: Path, rows: int) -> None:
    """A roster .xlsx of ``rows`` workers (write-only mode)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(HEAD)
    for row in people(rows, seed=1):
        sheet.append(row)
    book.save(path)
    as_excel_writes_it(path)


def as_excel_writes_it(path: Path) -> None:
    """Rewrite openpyxl's inline strings as a shared-strings table, as Excel and WPS save
    workbooks (openpyxl always writes inline strings, which are slower to read)."""
    import re
    import zipfile

    src = zipfile.ZipFile(path)
    sheet_name = next(n for n in src.namelist() if n.startswith("xl/worksheets/sheet"))
    strings: dict[str, int] = {}

    def shared(match: re.Match) -> str:
        text = match.group(2)
        index = strings.setdefault(text, len(strings))
        return f'{match.group(1)} t="s"><v>{index}</v></c>'

    sheet = re.sub(r'(<c r="[A-Z]+\d+")(?: s="\d+")? t="inlineStr"><is><t>(.*?)</t></is></c>',
                   shared, src.read(sheet_name).decode())
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
           f'org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
           + "".join(f"<si><t>{t}</t></si>" for t in strings) + "</sst>")
    types = src.read("[Content_Types].xml").decode().replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxml'
        'formats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    rels = src.read("xl/_rels/workbook.xml.rels").decode().replace("</Relationships>", (
        '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    out_path = path.with_suffix(".tmp")
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as out:
        for name in src.namelist():
            data = {sheet_name: sheet, "[Content_Types].xml": types,
                    "xl/_rels/workbook.xml.rels": rels}.get(name)
            out.writestr(name, data if data is not None else src.read(name))
        out.writestr("xl/sharedStrings.xml", sst)
    src.close()
    out_path.replace(path)


def make_app(url: str, instance: Path):
    os.environ["QIANLU_INSTANCE"] = str(instance)
    os.environ.setdefault("SECRET_KEY", "bench")
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                       "IMPORT_MAX_ROWS": 300_000})


def setup_database(url: str, instance: Path) -> None:
    from app.areas.service import load_areas
    from app.auth.service import create_user
    from app.extensions import db

    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).unlink(missing_ok=True)
    app = make_app(url, instance)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_areas()
        create_user("bench_officer", "bench-pass-1", "officer", area_code="520000")
        create_user("bench_county", "bench-pass-1", "officer", area_code="520526")
        db.session.commit()


def server_cpu_seconds() -> float | None:
    """CPU seconds used so far by this session's PostgreSQL server process (on this
    machine; None on SQLite, whose work is the import process's own)."""
    import sqlalchemy as sa

    from app.extensions import db

    if db.session.get_bind().dialect.name != "postgresql":
        return None
    pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_import(url: str, instance: Path, path: Path) -> dict:
    """Import the roster (child process entry); returns counts, seconds, CPU and peak RSS."""
    import sqlalchemy as sa

    from app.auth.models import User
    from app.extensions import db
    from app.imports.runner import create_job, run_job

    app = make_app(url, instance)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "bench_officer"))
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        load_before = os.getloadavg()[0]
        server_before = server_cpu_seconds()
        db.session.commit()
        start, cpu = time.perf_counter(), time.process_time()
        job = create_job("roster", path.name, path, user=user, area_code=user.area_code,
                         options={"locale": "zh"})
        db.session.commit()
        job = run_job(job)
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu
        server_after = server_cpu_seconds()
        server = (None if server_before is None or server_after is None
                  else round(server_after - server_before, 1))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {"status": job.status, "message": job.message, "added": job.added,
                "unchanged": job.unchanged, "bad": job.bad, "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu_seconds, 1), "server_cpu_seconds": server,
                "cpu_us_per_row": round(cpu_seconds / max(1, job.total) * 1e6),
                "rows_per_s": round(job.total / seconds),
                "load_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
                "peak_rss_mb": round(peak / 1024), "rss_growth_mb": round((peak - base_rss)
                                                                          / 1024)}


def top_up(url: str, instance: Path, total: int) -> int:
    """Bulk-insert synthetic workers until the register holds ``total``."""
    import sqlalchemy as sa

    from app.clock import utcnow
    from app.extensions import db
    from app.registry.models import Worker
    from app.registry.validation import name_keys

    app = make_app(url, instance)
    with app.app_context():
        have = db.session.scalar(sa.select(sa.func.count(Worker.id)))
        missing = max(0, total - have)
        now = utcnow()
        batch = []
        for row in people(missing, seed=2, offset=500_000):
            pinyin, initials = name_keys(row[0])
            batch.append({
                "name": row[0], "name_pinyin": pinyin, "name_initials": initials,
                "id_number": row[1], "id_number_rev": row[1][::-1],
                "birth_date": date(int(row[1][6:10]), int(row[1][10:12]), int(row[1][12:14])),
                "sex": "M", "phone": row[2], "phone_rev": row[2][::-1], "area_code": row[4],
                "category": "general", "education": "junior", "skills_text": row[7],
                "regions_acceptable": ["local"], "job_kinds_wanted": [], "care_duties": False,
                "health_notes": "", "preferred_language": "zh", "status": "seeking",
                "status_changed_at": now, "created_at": now, "updated_at": now})
            if len(batch) == 10_000:
                db.session.execute(sa.insert(Worker), batch)
                batch = []
        if batch:
            db.session.execute(sa.insert(Worker), batch)
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))  # fresh planner statistics on both backends
        db.session.commit()
        return db.session.scalar(sa.select(sa.func.count(Worker.id)))


def time_search(url: str, instance: Path, runs: int = 15) -> dict:
    """Median milliseconds of the worker list query and of the whole page, per search."""
    import sqlalchemy as sa

    from app.auth.models import Area, User
    from app.extensions import db
    from app.registry.queries import WorkerFilters, list_workers

    app = make_app(url, instance)
    results = {}
    with app.app_context():
        officer = db.session.scalar(sa.select(User).where(User.username == "bench_officer"))
        county = db.session.scalar(sa.select(User).where(User.username == "bench_county"))
        cases = {
            "pinyin 'zhang' (province officer)": (officer, {"q": "zhang"}),
            "initials 'zs'": (officer, {"q": "zs"}),
            "full pinyin 'wangfang'": (officer, {"q": "wangfang"}),
            "ID tail '0011'": (officer, {"q": "0011"}),
            "phone tail '5678'": (officer, {"q": "5678"}),
            "name '张'": (officer, {"q": "张"}),
            "no filter (province)": (officer, {}),
            "status seeking, county officer": (county, {"status": "seeking"}),
            "pinyin 'li' county officer": (county, {"q": "li"}),
            "zero-employment filter": (officer, {"zero": True}),
        }
        assert db.session.get(Area, "520526") is not None
        for label, (user, filters) in cases.items():
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                listing = list_workers(user, WorkerFilters(**filters))
                [w.household_number for w in listing.items]
                times.append((time.perf_counter() - start) * 1000)
            results[label] = {"median_ms": round(statistics.median(times), 1),
                              "max_ms": round(max(times), 1), "matches": listing.total}
        db.session.rollback()
    client = app.test_client()
    client.post("/auth/login", data={"username": "bench_officer", "password": "bench-pass-1"})
    page_times = []
    for _ in range(runs):
        start = time.perf_counter()
        resp = client.get("/registry/workers?q=zhang")
        page_times.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 200
    results["HTTP GET /registry/workers?q=zhang (render included)"] = {
        "median_ms": round(statistics.median(page_times), 1), "max_ms": round(max(page_times),
                                                                              1)}
    return results


def child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--database", default="")
    parser.add_argument("--keep", default="")
    parser.add_argument("--search-only", action="store_true",
                        help="only time the searches on the database kept in --keep")
    parser.add_argument("--import-only", action="store_true",
                        help="only the imports (no top-up, no searches)")
    parser.add_argument("--runs", type=int, default=1,
                        help="import runs, each on a new database; medians printed")
    parser.add_argument("--step", default="", help=argparse.SUPPRESS)
    parser.add_argument("--file", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    instance = Path(args.keep or tempfile.mkdtemp(prefix="bench_registry_"))
    instance.mkdir(parents=True, exist_ok=True)
    url = args.database or f"sqlite:///{instance / 'bench.db'}"
    if args.step == "write":
        write_roster(Path(args.file), args.rows)
        print(json.dumps({"ok": True}))
        return
    if args.step == "import":
        print(json.dumps(run_import(url, instance, Path(args.file))))
        return
    backend = url.split(":")[0]
    print(f"register benchmark on {backend}, instance {instance}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.search_only:
        for label, figures in time_search(url, instance).items():
            print(f"  {label:<55} {figures}")
        return
    roster = instance / f"roster_{args.rows}.xlsx"
    start = time.perf_counter()
    child(["--step", "write", "--file", str(roster), "--rows", str(args.rows)])
    print(f"wrote {args.rows:,} rows: {roster.stat().st_size / 1e6:.1f} MB in "
          f"{time.perf_counter() - start:.1f} s")
    common = ["--keep", str(instance), "--database", url, "--file", str(roster)]
    runs: list[tuple[dict, dict]] = []
    for _run in range(max(1, args.runs)):
        setup_database(url, instance)
        first = child(["--step", "import", *common])
        print(f"import #1: {first}")
        second = child(["--step", "import", *common])
        print(f"import #2 (same file): {second}")
        runs.append((first, second))
    if len(runs) > 1:
        for label, index in (("import #1", 0), ("import #2", 1)):
            figures = {key: statistics.median(run[index][key] for run in runs)
                       for key in ("seconds", "cpu_seconds", "cpu_us_per_row", "rows_per_s")}
            servers = [run[index]["server_cpu_seconds"] for run in runs]
            if None not in servers:
                figures["server_cpu_seconds"] = statistics.median(servers)
            print(f"{label}, median of {len(runs)} runs: {figures}; load "
                  f"{[run[index]['load_1min'] for run in runs]}")
    if args.import_only:
        return
    total = top_up(url, instance, args.total)
    print(f"register now holds {total:,} workers")
    for label, figures in time_search(url, instance).items():
        print(f"  {label:<55} {figures}")


if __name__ == "__main__":
    main()
