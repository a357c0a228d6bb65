"""Load mix for the province database (bench/province/generate.py) against gunicorn.

    .venv/bin/locust -f bench/province/locustfile.py --host http://127.0.0.1:8123 \
        --headless -u 40 -r 4 -t 2m --csv /tmp/province

Officers (85 % county, 12 % prefecture, 3 % province accounts) log in through the real
login form — the CSRF token is scraped from the page, CSRF stays on — then run a weighted
mix: the job board (list, filters, search, further pages), the worker list and its
searches (pinyin, initials, Chinese name, ID-number tail), a worker's matches, the
follow-up queue (today / week / overdue), the dashboard, and writes: refer a seeking worker
to one of the openings on their matches page, and record a follow-up outcome from the
queue (mostly "reached, still in the job", some unreached attempts, a few job losses).
Anonymous visitors browse the public board. Any status other than 2xx (3xx where a
redirect is the answer) is a failure.

Id pools (seeking workers per county, their name pinyin and ID tails) are read once from
the database named by ``QIANLU_DB`` (default qianlu_province) when the script loads.
"""
from __future__ import annotations

import os
import random
import re
from collections import defaultdict
from datetime import date
from urllib.parse import urlencode

import gevent
import psycopg
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

DB = os.environ.get("QIANLU_DB", "qianlu_province")
PASSWORD = os.environ.get("QIANLU_PASSWORD", "qianlu2025")
WAIT = float(os.environ.get("QIANLU_WAIT", "1.0"))  # mean think time per user, seconds
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
JOB_ID_RE = re.compile(r'name="job_id" value="(\d+)"')
RECORD_RE = re.compile(r'href="/followups/(\d+)\?tab=')

BOARD_TERMS = ["焊工", "hangong", "普工", "电子", "保洁", "叉车", "厨师", "护林员", "养老",
               "快递", "茶叶", "缝纫", "pugong", "民宿", "钢筋工", "汗工"]
CITIES = ["441900", "440300", "320500", "330100", "310000", "520100", "520500", "522600"]
OCCUPATIONS = ["general_worker", "welder", "forklift_driver", "sewing", "cook", "cleaner",
               "elder_care", "picker"]


def _load_pools() -> dict:
    """Officer accounts by level and, per county, seeking workers with search keys."""
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}") as conn:
        officers = conn.execute("""
            SELECT u.username, u.area_code, a.level FROM "user" u
            JOIN area a ON a.code = u.area_code WHERE u.role = 'officer' AND u.active
        """).fetchall()
        n = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'worker'"
                         ).fetchone()[0]
        pct = min(100.0, max(3.0, 3e6 / max(n, 1)))  # about 30,000 rows sampled
        rows = conn.execute(f"""
            SELECT id, area_code, name, name_pinyin, name_initials, right(id_number, 4)
            FROM worker TABLESAMPLE SYSTEM ({pct}) REPEATABLE (7)
            WHERE status = 'seeking' AND merged_into_id IS NULL
        """).fetchall()
    by_level: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for username, area, level in officers:
        by_level[level].append((username, area))
    workers: dict[str, list[tuple]] = defaultdict(list)
    for wid, area, name, py, initials, tail in rows:
        if len(workers[area]) < 400:
            workers[area].append((wid, name, py, initials, tail))
    return {"officers": by_level, "workers": workers}


POOLS = _load_pools()
LOGGED_IN = {"n": 0}


@events.test_start.add_listener
def _reset_after_logins(environment, **_kw) -> None:
    """The figures start once every officer has logged in: each login is an Argon2id
    verification (~100 ms of CPU by design), paid once per session, not per request, and
    200 of them at once would otherwise dominate the first half minute."""
    def wait() -> None:
        runner = environment.runner
        while True:
            gevent.sleep(0.5)
            target = (getattr(runner, "target_user_classes_count", None) or {}).get("Officer")
            if target and runner.user_count >= sum(runner.target_user_classes_count.values()) \
                    and LOGGED_IN["n"] >= target:
                environment.stats.reset_all()
                print(f"stats reset: {LOGGED_IN['n']} officers logged in", flush=True)
                return

    gevent.spawn(wait)


def _url(path: str, params: dict) -> str:
    """FastHttpUser takes no ``params=``: the query string goes into the URL."""
    return f"{path}?{urlencode(params)}" if params else path


def _area_prefix(code: str, level: str) -> str:
    return {"province": code[:2], "prefecture": code[:4]}.get(level, code)


class Visitor(FastHttpUser):
    """The public job board, without logging in."""

    weight = 1
    wait_time = between(WAIT * 0.5, WAIT * 1.5)

    @task(3)
    def board(self) -> None:
        self.client.get("/jobs", name="board")

    @task(2)
    def board_filter(self) -> None:
        self.client.get(_url("/jobs", _board_filters()), name="board filter")

    @task(2)
    def board_search(self) -> None:
        self.client.get(_url("/jobs", {"q": random.choice(BOARD_TERMS)}),
                        name="board search")


def _board_filters() -> dict:
    choice = random.random()
    if choice < 0.3:
        return {"region": random.choice(["prd", "yrd", "guizhou"]),
                "wage": random.choice([3000, 4000, 5000, 6000])}
    if choice < 0.5:
        return {"city": random.choice(CITIES)}
    if choice < 0.7:
        return {"occupation": random.choice(OCCUPATIONS), "housing": 1}
    if choice < 0.85:
        return {"kind": random.choice(["public_welfare", "work_relief"])}
    return {"page": random.randint(2, 20)}


class Officer(FastHttpUser):
    """An employment officer of a county (most), a prefecture or the province."""

    weight = 3
    wait_time = between(WAIT * 0.5, WAIT * 1.5)

    def on_start(self) -> None:
        roll = random.random()
        level = "county" if roll < 0.85 else "prefecture" if roll < 0.97 else "province"
        self.username, area = random.choice(POOLS["officers"][level])
        prefix = _area_prefix(area, level)
        self.workers = [w for code, ws in POOLS["workers"].items() if code.startswith(prefix)
                        for w in ws]
        if not self.workers:  # a county without sampled seeking workers (small scales)
            self.username, area = "prov_520000", "520000"
            self.workers = [w for ws in POOLS["workers"].values() for w in ws]
        page = self.client.get("/auth/login", name="login form")
        token = CSRF_RE.search(page.text)
        with self.client.post("/auth/login", name="login", allow_redirects=False,
                              data={"username": self.username, "password": PASSWORD,
                                    "csrf_token": token.group(1) if token else ""},
                              catch_response=True) as resp:
            if resp.status_code != 302:
                resp.failure(f"login {self.username}: {resp.status_code}")
        LOGGED_IN["n"] += 1

    def _worker(self) -> tuple:
        return random.choice(self.workers)

    # ---- reads --------------------------------------------------------------------
    @task(10)
    def board(self) -> None:
        self.client.get("/jobs", name="board")

    @task(6)
    def board_filter(self) -> None:
        self.client.get(_url("/jobs", _board_filters()), name="board filter")

    @task(6)
    def board_search(self) -> None:
        self.client.get(_url("/jobs", {"q": random.choice(BOARD_TERMS)}),
                        name="board search")

    @task(6)
    def workers_list(self) -> None:
        params = random.choice([{}, {"status": "seeking"}, {"category": "relocated"},
                                {"zero": 1}, {"page": random.randint(2, 5)}])
        self.client.get(_url("/registry/workers", params), name="workers list")

    @task(10)
    def worker_search(self) -> None:
        _wid, name, py, initials, tail = self._worker()
        q = random.choice([py[:random.randint(3, len(py))], initials, name[:2], tail,
                           name[:1] + name[1:2]])
        self.client.get(_url("/registry/workers", {"q": q}), name="workers search")

    @task(8)
    def matches(self) -> None:
        self.client.get(f"/workers/{self._worker()[0]}/matches", name="worker matches")

    @task(10)
    def followup_queue(self) -> None:
        tab = random.choice(["today", "week", "overdue"])
        self.client.get(_url("/followups/", {"tab": tab}), name=f"follow-ups {tab}")

    @task(5)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    # ---- writes -------------------------------------------------------------------
    @task(3)
    def refer(self) -> None:
        wid = self._worker()[0]
        page = self.client.get(f"/workers/{wid}/matches", name="worker matches")
        jobs = JOB_ID_RE.findall(page.text)
        token = CSRF_RE.search(page.text)
        if not jobs or not token:
            return
        with self.client.post(f"/workers/{wid}/refer", name="refer (POST)",
                              allow_redirects=False, catch_response=True,
                              data={"job_id": random.choice(jobs[:5]), "note": "load test",
                                    "csrf_token": token.group(1)}) as resp:
            if resp.status_code != 302:
                resp.failure(f"refer: {resp.status_code}")

    @task(3)
    def record_followup(self) -> None:
        tab = random.choice(["overdue", "overdue", "week"])
        queue = self.client.get(_url("/followups/", {"tab": tab}), name=f"follow-ups {tab}")
        ids = RECORD_RE.findall(queue.text)
        if not ids:
            return
        fid = random.choice(ids)
        page = self.client.get(f"/followups/{fid}", name="follow-up record page")
        token = CSRF_RE.search(page.text)
        if not token:
            return
        roll = random.random()
        if roll < 0.80:
            data = {"method": "phone", "reached": "yes", "employment": "still",
                    "current_wage": str(random.choice([3800, 4500, 5200])),
                    "satisfaction": str(random.randint(3, 5)), "note": "load test"}
        elif roll < 0.95:
            data = {"method": "phone", "reached": "no", "note": "无人接听"}
        else:
            data = {"method": "visit", "reached": "yes", "employment": "left",
                    "left_date": date.today().isoformat(), "left_reason": "回家照顾老人",
                    "note": "load test"}
        data["csrf_token"] = token.group(1)
        with self.client.post(f"/followups/{fid}", name="follow-up outcome (POST)",
                              allow_redirects=False, catch_response=True, data=data) as resp:
            # 302: recorded; 200: someone else recorded it first (the page shows it done)
            if resp.status_code not in (200, 302):
                resp.failure(f"outcome: {resp.status_code}")
