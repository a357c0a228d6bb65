"""Queries and CPU per request for every page of the load mix, against the province database.

    .venv/bin/python bench/province/querycount.py [--db qianlu_province] [-v] [--runs 3]

Requests go through the Flask test client (CSRF off here: this script counts SQL, the load
test keeps CSRF on) as a county, a prefecture and the province officer. SQLAlchemy's
``before/after_cursor_execute`` events count the statements and time each one; ``-v``
prints the slowest statements of each page. The figures of the last run (warm caches) are
printed; the write requests run once each and are rolled back by nothing: they are real
writes, like the load test's.

CPU time travels where wall time does not (the machine is shared): ``py cpu`` is this
process's CPU time per request (``time.process_time``, the app's Python: Flask, ORM,
templates, the engine), ``pg cpu`` the CPU time of the PostgreSQL backends that served it
(``/proc/<backend pid>/schedstat``: PostgreSQL on this host). Both are
medians over the warm runs (the first run fills the caches and is left out; other
processes on the cores inflate some runs). The end
lists the mix's mean CPU per request (locustfile.py's weights) and the requests/s two
cores could serve at that cost.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="qianlu_province")
    ap.add_argument("--runs", type=int, default=5,
                    help="runs per page; the first (cold) one is not counted when > 1")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--password", default="qianlu2025")
    ap.add_argument("--only", default="",
                    help="only the pages whose label contains this (no writes, no mix)")
    ap.add_argument("--no-cpu", dest="cpu", action="store_false",
                    help="leave out the CPU columns and the mix's capacity")
    args = ap.parse_args()
    os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{args.db}"
    os.environ.setdefault("SECRET_KEY", "bench-province")
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    stats: list[tuple[str, float]] = []
    starts: dict[int, float] = {}
    backends: set[int] = set()
    with app.app_context():
        engine = db.engine

        @sa.event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, params, context, executemany):
            starts[id(cursor)] = time.perf_counter()

        @sa.event.listens_for(engine, "checkout")
        def _checkout(dbapi_conn, record, proxy):
            pid = getattr(getattr(dbapi_conn, "info", None), "backend_pid", None)
            if pid:
                backends.add(pid)

        @sa.event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, params, context, executemany):
            stats.append((statement, time.perf_counter() - starts.pop(id(cursor), 0)))

        q = lambda sql, **kw: db.session.execute(sa.text(sql), kw).all()  # noqa: E731
        county = q("SELECT area_code FROM worker WHERE status = 'seeking' GROUP BY 1 "
                   "ORDER BY count(*) DESC LIMIT 1")[0][0]  # Weining (520526) at full scale
        prefecture = county[:4] + "00"
        # a different worker (and follow-up) per run: the matches page of a worker seen
        # for the first time, as in the load mix
        need = 3 * args.runs + 2
        workers = [r[0] for r in q(
            "SELECT id FROM worker WHERE area_code = :c AND status = 'seeking' "
            "ORDER BY id LIMIT :n", c=county, n=need + 100)]
        workers = workers[100:] if len(workers) >= need + 100 else workers  # tiny scales
        followups = [r[0] for r in q(
            "SELECT id FROM follow_up WHERE area_code = :c AND status IN ('due', 'overdue') "
            "AND due_date < current_date ORDER BY id DESC LIMIT :n", c=county,
            n=args.runs + 1)]
        tail, name2 = q("SELECT right(id_number, 4), left(name, 2) FROM worker WHERE id = :w",
                        w=workers[0])[0]
        db.session.remove()

    pages = [
        ("board", "/jobs"),
        ("board region+wage", "/jobs?region=prd&wage=5000"),
        ("board search 焊工", "/jobs?q=焊工"),
        ("board search hangong p3", "/jobs?q=hangong&page=3"),
        ("workers list", "/registry/workers"),
        ("workers status=seeking", "/registry/workers?status=seeking"),
        ("workers pinyin 'wang'", "/registry/workers?q=wang"),
        ("workers initials 'zs'", "/registry/workers?q=zs"),
        ("workers ID tail", f"/registry/workers?q={tail}"),
        ("workers name (2 chars)", f"/registry/workers?q={name2}"),
        ("worker matches", lambda i: f"/workers/{workers[i % len(workers)]}/matches"),
        ("follow-ups today", "/followups/?tab=today"),
        ("follow-ups week", "/followups/?tab=week"),
        ("follow-ups overdue", "/followups/?tab=overdue"),
        ("follow-up record page", lambda i: f"/followups/{followups[i % len(followups)]}"),
        ("dashboard", "/"),
    ]
    users = [("county", f"cnty_{county}"), ("prefecture", f"pref_{prefecture}"),
             ("province", "prov_520000")]
    if not args.cpu:
        stats_cols = f"{'queries':>7} {'sql ms':>8} {'total ms':>9}"
    else:
        stats_cols = f"{'queries':>7} {'sql ms':>8} {'total ms':>9} {'py cpu':>7} {'pg cpu':>7}"
    print(f"{'page':<26} {'user':<10} {'status':>6} {stats_cols}")
    cpu: dict[tuple[str, str], float] = {}
    offset = 0  # each scope ranks other workers than the last
    for scope, username in users:
        client = app.test_client()
        r = client.post("/auth/login", data={"username": username, "password": args.password})
        if r.status_code != 302:
            sys.exit(f"login {username}: {r.status_code}")
        for label, url in pages:
            if label == "follow-up record page" and (scope != "county" or not followups):
                continue
            if args.only not in label:
                continue
            pys: list[float] = []
            pgs: list[float] = []
            for i in range(args.runs):
                stats.clear()
                path = url(offset + i) if callable(url) else url
                pg0 = _backend_cpu(backends)
                c0 = time.process_time()
                t = time.perf_counter()
                resp = client.get(path)
                total = time.perf_counter() - t
                if i > 0 or args.runs == 1:
                    pys.append(time.process_time() - c0)
                    pgs.append(_backend_cpu(backends) - pg0)
            # medians: other processes on the cores inflate some runs' CPU time
            py, pg = 1000 * statistics.median(pys), 1000 * statistics.median(pgs)
            cpu[(label, scope)] = py + pg
            sql = sum(s for _, s in stats)
            row = f"{label:<26} {scope:<10} {resp.status_code:>6} {len(stats):>7} " \
                  f"{1000 * sql:>8.1f} {1000 * total:>9.1f}"
            print(row + (f" {py:>7.1f} {pg:>7.1f}" if args.cpu else ""))
            if args.verbose:
                shapes = defaultdict(lambda: [0, 0.0])
                for statement, secs in stats:
                    key = re.sub(r"\s+", " ", statement)[:160]
                    shapes[key][0] += 1
                    shapes[key][1] += secs
                for key, (n, secs) in sorted(shapes.items(), key=lambda kv: -kv[1][1])[:4]:
                    print(f"      {n:>3}× {1000 * secs:7.1f} ms  {key}")
        offset += args.runs
    if args.only:
        print("load {:.2f} / {:.2f} / {:.2f} on {} CPUs".format(*os.getloadavg(),
                                                              os.cpu_count()))
        return
    # writes, as the county officer
    client = app.test_client()
    client.post("/auth/login", data={"username": f"cnty_{county}", "password": args.password})
    job = None
    for worker in reversed(workers):  # one with an opening to refer to
        job = re.search(r'name="job_id" value="(\d+)"',
                        client.get(f"/workers/{worker}/matches").get_data(as_text=True))
        if job:
            break
    writes = []
    if job:
        writes.append(("refer (POST)", f"/workers/{worker}/refer",
                       {"job_id": job.group(1), "note": ""}))
    if followups:
        writes.append(("follow-up outcome (POST)", f"/followups/{followups[-1]}",
                       {"method": "phone", "reached": "yes", "employment": "still",
                        "current_wage": "4200", "satisfaction": "4", "note": "bench"}))
    for label, url, data in writes:
        stats.clear()
        pg0 = _backend_cpu(backends)
        c0 = time.process_time()
        t = time.perf_counter()
        resp = client.post(url, data=data)
        total = time.perf_counter() - t
        py, pg = 1000 * (time.process_time() - c0), 1000 * (_backend_cpu(backends) - pg0)
        cpu[(label, "county")] = py + pg
        sql = sum(s for _, s in stats)
        row = f"{label:<26} {'county':<10} {resp.status_code:>6} {len(stats):>7} " \
              f"{1000 * sql:>8.1f} {1000 * total:>9.1f}"
        print(row + (f" {py:>7.1f} {pg:>7.1f}" if args.cpu else ""))
        if args.verbose:
            for statement, secs in sorted(stats, key=lambda s: -s[1])[:4]:
                print(f"      {1000 * secs:7.1f} ms  {re.sub(chr(10), ' ', statement)[:160]}")
    if args.cpu:
        mean = mix_cpu(cpu)
        print(f"mix: {mean:.1f} ms of CPU per request (app + PostgreSQL, locustfile.py's "
              f"weights) -> at most {2000 / mean:.0f} requests/s on 2 cores "
              f"(before the load generator's share)")
    print("load {:.2f} / {:.2f} / {:.2f} on {} CPUs".format(*os.getloadavg(), os.cpu_count()))


def _backend_cpu(pids: set[int]) -> float:
    """CPU seconds the PostgreSQL backends ``pids`` have used so far: the scheduler's
    nanoseconds on CPU (``/proc/<pid>/schedstat``), else utime + stime in clock ticks."""
    total = 0.0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
            continue
        except (OSError, ValueError, IndexError):
            pass
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # another host, or the backend has gone
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


# Requests of each page per (1 visitor + 3 officer) task picks, from locustfile.py: a
# visitor picks board 3, filter 2, search 2 (of 7); an officer board 10, filter 6, search 6,
# workers list 6, worker search 10, matches 8, follow-up queue 10 (today/week/overdue),
# dashboard 5, refer 3 (matches page + POST), record 3 (queue overdue/overdue/week + record
# page + POST), of 67. Officers: 85 % county, 12 % prefecture, 3 % province.
_V, _O = 1 / 7, 3 / 67
MIX = {
    "board": 3 * _V + 10 * _O, "board filter": 2 * _V + 6 * _O,
    "board search": 2 * _V + 6 * _O, "workers list": 6 * _O, "workers search": 10 * _O,
    "worker matches": 11 * _O, "follow-ups today": 10 / 3 * _O,
    "follow-ups week": (10 / 3 + 1) * _O, "follow-ups overdue": (10 / 3 + 2) * _O,
    "dashboard": 5 * _O, "follow-up record page": 3 * _O, "refer (POST)": 3 * _O,
    "follow-up outcome (POST)": 3 * _O,
}
# querycount's pages standing for each kind of request of the mix
STANDS_FOR = {
    "board": ["board"], "board filter": ["board region+wage"],
    "board search": ["board search 焊工", "board search hangong p3"],
    "workers list": ["workers list", "workers status=seeking"],
    # locustfile.py: a pinyin start 20 %, initials 20 %, the name's first two characters
    # 40 %, an ID tail 20 %
    "workers search": ["workers pinyin 'wang'", "workers initials 'zs'", "workers ID tail",
                       "workers name (2 chars)", "workers name (2 chars)"],
}
SCOPES = {"county": 0.85, "prefecture": 0.12, "province": 0.03}


def mix_cpu(cpu: dict[tuple[str, str], float]) -> float:
    """Mean CPU ms per request of the load mix, from each page's CPU per scope."""
    total = weight = 0.0
    for kind, share in MIX.items():
        labels = STANDS_FOR.get(kind, [kind])
        per_scope = {}
        for scope, w in SCOPES.items():
            vals = [cpu[(lb, scope)] for lb in labels if (lb, scope) in cpu]
            if vals:
                per_scope[scope] = (sum(vals) / len(vals), w)
        if not per_scope:
            continue
        ws = sum(w for _, w in per_scope.values())
        total += share * sum(v * w for v, w in per_scope.values()) / ws
        weight += share
    return total / weight


if __name__ == "__main__":
    main()
