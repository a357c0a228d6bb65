"""Province-scale data for load tests: 1,000,000 workers, 50,000 employers, 100,000 openings,
300,000 placements with four follow-ups each, loaded into a fresh PostgreSQL database with
COPY (psycopg 3 ``cursor.copy``), not the ORM.

    .venv/bin/python bench/province/generate.py                 # full scale, ~minutes
    .venv/bin/python bench/province/generate.py --scale 0.01    # 10,000 workers, quick try
    .venv/bin/python bench/province/generate.py --db qianlu_province --keep-indexes

Steps: DROP/CREATE the database, ``flask db upgrade``, ``flask areas load``,
``flask catalog load``; then every table is generated in Python and streamed with COPY
(secondary indexes dropped first and rebuilt after, foreign-key triggers off for the load
session only: ``session_replication_role = replica``); sequences are moved past the ids
used; a set of consistency checks runs (every foreign key resolves, head-counts hold, …);
ANALYZE. Every officer account has the password ``--password`` (default ``qianlu2025``),
hashed once with ``app.auth.service.hash_password``.

Accounts: ``admin``; ``prov_520000`` (province); ``pref_<code>`` (each of the 9
prefectures); ``cnty_<code>`` (each Guizhou county). The load script reads its id pools
from the database itself.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import time
from bisect import bisect_left
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from stdnum.cn import ric, uscc  # noqa: E402

BASE_URL = "postgresql://postgres@127.0.0.1:5432"
FULL = {"workers": 1_000_000, "employers": 50_000, "jobs": 100_000, "placements": 300_000}

# Guizhou prefectures' share of the province's rural labour force (roughly by population;
# Bijie and Zunyi are the largest, Guiyang and Anshun the smallest sources of migrants).
PREFECTURE_WEIGHT = {"5201": 6, "5202": 9, "5203": 17, "5204": 7, "5205": 22, "5206": 10,
                     "5223": 9, "5226": 11, "5227": 9}
SURNAMES = [("王", 7), ("李", 7), ("张", 6), ("刘", 5), ("陈", 5), ("杨", 8), ("黄", 3),
            ("赵", 3), ("吴", 5), ("周", 3), ("徐", 2), ("孙", 2), ("马", 2), ("朱", 2),
            ("胡", 2), ("郭", 2), ("何", 2), ("高", 2), ("罗", 4), ("龙", 3), ("田", 2),
            ("彭", 1), ("韦", 2), ("蒙", 1), ("潘", 1), ("石", 2), ("安", 1), ("禄", 1),
            ("陆", 1), ("熊", 1), ("邓", 1), ("冯", 1), ("宋", 1), ("谢", 1), ("余", 1),
            ("袁", 1), ("姚", 1), ("欧阳", 1), ("雷", 1), ("侯", 1)]
SKILLS = ["电焊", "会电焊，干过三年", "叉车", "开叉车", "家政", "家政服务、做饭", "养老护理",
          "照顾老人", "茶叶采摘", "采茶", "普工", "流水线普工", "厨师", "做饭", "月嫂", "育婴",
          "水电工", "电工", "砌砖", "钢筋工", "缝纫", "服装加工", "电商直播", "快递分拣",
          "刺梨种植", "辣椒种植", "养牛", "挖掘机", "驾驶员 C1", "保安", "保洁", "电子厂干过两年",
          "手机装配", "品检", "仓库管理", ""]
CERTS = [("so_welding", 6), ("so_low_voltage", 6), ("se_forklift_n1", 4),
         ("health_certificate", 1)]
RISKS = ["illness", "disability", "disaster", "accident", "no_labour", "no_skills",
         "failed_business", "education_costs", "other"]
BRAND_CHARS = "鑫华盛达恒瑞源鸿泰丰昌兴利宇通信金福祥安嘉诚德隆富强永新宏远"
INDUSTRY_PLACES = {  # where employers of each region sit (codes from areas.csv)
    "prd": ["441900", "440306", "440307", "440309", "440606", "442000", "440113", "441300",
            "440111", "440112"],
    "yrd": ["310117", "310115", "310112", "320500", "320200", "320100", "330100", "330200",
            "330400", "340100"],
}
PHONE_PREFIXES = ["138", "139", "150", "151", "157", "182", "187", "188", "198", "135",
                  "136", "177", "180", "185"]


def log(msg: str) -> None:
    print(msg, flush=True)


# ---- TSV for COPY -----------------------------------------------------------------------

def _cell(v: object) -> str:
    if v is None:
        return r"\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    if isinstance(v, (list, dict)):
        v = json.dumps(v, ensure_ascii=False)
    s = str(v)
    if "\\" in s or "\t" in s or "\n" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return s


class Copier:
    """Streams rows to one table with COPY in large text chunks; times and counts them."""

    def __init__(self, url: str, table: str, columns: list[str]) -> None:
        # its own connection: several tables are streamed at once (households with their
        # workers, follow-ups with their attempts), and one connection runs one COPY
        self.conn = psycopg.connect(url)
        self.conn.execute("SET session_replication_role = replica")
        self.conn.execute("SET synchronous_commit = off")
        self.table, self.columns = table, columns
        self.rows = 0
        self.started = time.perf_counter()
        self._cur = self.conn.cursor()
        cols = ", ".join(f'"{c}"' for c in columns)
        self._cm = self._cur.copy(f'COPY "{table}" ({cols}) FROM STDIN')
        self._copy = self._cm.__enter__()
        self._buf = io.StringIO()
        self._n = 0

    def row(self, *values: object) -> None:
        self._buf.write("\t".join(_cell(v) for v in values))
        self._buf.write("\n")
        self._n += 1
        if self._n >= 20000:
            self._flush()

    def _flush(self) -> None:
        if self._n:
            self._copy.write(self._buf.getvalue())
            self.rows += self._n
            self._buf = io.StringIO()
            self._n = 0

    def close(self) -> float:
        self._flush()
        self._cm.__exit__(None, None, None)
        self._cur.close()
        self.conn.commit()
        self.conn.close()
        return time.perf_counter() - self.started


# ---- database setup ---------------------------------------------------------------------

def recreate_database(name: str) -> None:
    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flask(args: list[str], url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-province-generate")}
    env.pop("QIANLU_ENV", None)
    flask_bin = str(Path(sys.executable).with_name("flask"))
    out = subprocess.run([flask_bin, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")


def not_null_columns(conn: psycopg.Connection, table: str) -> set[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND is_nullable = 'NO' AND column_default IS NULL", (table,)).fetchall()
    return {r[0] for r in rows}


def check_columns(conn: psycopg.Connection, table: str, columns: list[str]) -> None:
    """Fail early when the schema grew a NOT NULL column this generator does not fill."""
    missing = not_null_columns(conn, table) - set(columns)
    if missing:
        raise SystemExit(f"{table}: NOT NULL columns not generated: {sorted(missing)} "
                         "(the schema changed: add them to bench/province/generate.py)")


def drop_secondary_indexes(conn: psycopg.Connection, tables: list[str]) -> list[str]:
    """Drop indexes that back no constraint; return their definitions to rebuild later."""
    rows = conn.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    """, (tables,)).fetchall()
    for name, _ in rows:
        conn.execute(f"DROP INDEX {name}")
    return [d for _, d in rows]


# ---- areas ------------------------------------------------------------------------------

def read_areas() -> dict[str, dict]:
    with open(ROOT / "app/areas/data/areas.csv", encoding="utf-8") as f:
        return {r["code"]: r for r in csv.DictReader(f)}


def locate(areas: dict[str, dict], code: str) -> tuple[str | None, str | None, str | None, str]:
    """(province, city, county, region) like app.employers.service.locate."""
    chain = [areas[code]]
    while chain[-1]["parent_code"] and len(chain) < 4:
        chain.append(areas[chain[-1]["parent_code"]])
    by_level = {a["level"]: a["code"] for a in chain}
    province = by_level.get("province") or by_level.get("other")
    city = by_level.get("prefecture")
    county = by_level.get("county")
    if county and not city and province:
        city = province
    return province, city, county, areas[code]["region"]


# ---- generation -------------------------------------------------------------------------

class Gen:
    def __init__(self, conn: psycopg.Connection, url: str, scale: float, seed: int,
                 password: str) -> None:
        self.conn, self.url, self.rng = conn, url, random.Random(seed)
        self.n = {k: max(10, int(v * scale)) for k, v in FULL.items()}
        self.today = date.today()
        self.now = datetime.utcnow().replace(microsecond=0)
        self.areas = read_areas()
        self.counties = sorted(c for c, a in self.areas.items()
                               if a["region"] == "guizhou" and a["level"] == "county")
        self.password = password
        self.timings: list[tuple[str, int, float]] = []

    def _copy(self, table: str, columns: list[str]) -> Copier:
        check_columns(self.conn, table, columns)
        return Copier(self.url, table, columns)

    def _done(self, c: Copier) -> None:
        secs = c.close()
        self.timings.append((c.table, c.rows, secs))
        log(f"  {c.table:<22} {c.rows:>10,} rows {secs:7.1f} s "
            f"({c.rows / max(secs, 1e-6):,.0f} rows/s)")

    # -- officers ---------------------------------------------------------------------
    def users(self) -> None:
        from app.auth.service import hash_password

        pw = hash_password(self.password)
        c = self._copy("user", ["id", "username", "display_name", "password_hash", "role",
                                "area_code", "active", "session_token", "created_at"])
        self.officer_of: dict[str, int] = {}  # county -> its officer's user id
        uid = 0

        def add(username: str, role: str, area: str | None) -> int:
            nonlocal uid
            uid += 1
            c.row(uid, username, username, pw, role, area, True, f"{uid:032x}", self.now)
            return uid

        add("admin", "admin", None)
        add("prov_520000", "officer", "520000")
        add("prov_520000_b", "officer", "520000")
        for code in sorted(c for c, a in self.areas.items()
                           if a["level"] == "prefecture" and a["region"] == "guizhou"):
            add(f"pref_{code}", "officer", code)
        for code in self.counties:
            self.officer_of[code] = add(f"cnty_{code}", "officer", code)
        self._done(c)

    # -- register ---------------------------------------------------------------------
    def register(self) -> None:
        from faker.providers.person.zh_CN import Provider as Names

        from app.matching.service import parse_worker_skills
        from app.matching.text import split_parts
        from app.registry.validation import name_keys

        rng, today, now = self.rng, self.today, self.now
        n_workers = self.n["workers"]
        county_w = []
        for code in self.counties:
            county_w.append(PREFECTURE_WEIGHT.get(code[:4], 5)
                            * (0.6 if code.endswith(("01", "02", "03")) else 1.0)
                            * rng.uniform(0.6, 1.4))
        cum = list(accumulate(county_w))

        def county() -> str:
            return self.counties[bisect_left(cum, rng.random() * cum[-1])]

        surnames = [s for s, _ in SURNAMES]
        s_cum = list(accumulate(w for _, w in SURNAMES))
        given = list(Names.first_names)
        given2 = [a + b for a, b in zip(given, given[7:] + given[:7], strict=True)]
        givens = [g for g in given if len(g) <= 2] + [g for g in given2 if len(g) <= 2]

        # relocation sites: 0-6 per county
        c = self._copy("relocation_site", ["id", "name", "county_code", "address",
                                           "households_relocated", "people_relocated",
                                           "created_at"])
        sites_of: dict[str, list[int]] = defaultdict(list)
        sid = 0
        for code in self.counties:
            for k in range(rng.randint(0, 6)):
                sid += 1
                name = self.areas[code]["name"] + f"第{k + 1}易地扶贫搬迁安置点"
                c.row(sid, name, code, self.areas[code]["name"], rng.randint(300, 6000),
                      rng.randint(1200, 26000), now)
                sites_of[code].append(sid)
        self._done(c)

        # households and workers together (members share a surname and a county)
        ch = self._copy("household", ["id", "number", "area_code", "site_id", "village",
                                      "head_name", "monitored", "risk_causes",
                                      "per_capita_income", "at_risk", "created_at",
                                      "updated_at"])
        wcols = ["id", "name", "name_pinyin", "name_initials", "id_number", "id_number_rev",
                 "birth_date", "sex", "phone", "phone_rev", "area_code", "household_id",
                 "category", "education", "skills_text", "regions_acceptable", "min_wage",
                 "job_kinds_wanted", "available_from", "care_duties", "health_notes",
                 "preferred_language", "status", "status_changed_at", "created_at",
                 "updated_at"]
        cw = self._copy("worker", wcols)
        hh_counter: dict[str, int] = defaultdict(int)
        serials: dict[tuple, int] = defaultdict(int)
        self.workers_area: list[str] = [""]  # index = worker id
        self.workers_status: list[str] = [""]
        skill_cache: dict[str, list] = {}

        def parsed(text: str) -> list:
            # parse_worker_skills per distinct text (the resolver costs ~15 ms a part)
            if text not in skill_cache:
                skill_cache[text] = parse_worker_skills(text)
            return skill_cache[text]

        self.skill_texts: list[str] = [""]
        # who will have a placement (and whether it ended) is decided now, so that the
        # register is written with the status the placement implies
        n_pl = min(self.n["placements"], n_workers)
        self.plan = {}
        for w in rng.sample(range(1, n_workers + 1), n_pl):
            recent = rng.random() < 0.12
            self.plan[w] = (recent, not recent and rng.random() < 0.28)
        wid = hid = 0
        statuses = ["seeking"] * 55 + ["training"] * 10 + ["unavailable"] * 12 + \
            ["employed"] * 23
        regions = ["local", "guizhou", "yrd", "prd", "any"]
        days_span = (today - date(today.year - 59, 1, 1)).days
        while wid < n_workers:
            hid += 1
            code = county()
            hh_counter[code] += 1
            site = rng.choice(sites_of[code]) if sites_of[code] and rng.random() < 0.45 else None
            surname = surnames[bisect_left(s_cum, rng.random() * s_cum[-1])]
            head = surname + rng.choice(givens)
            monitored = rng.random() < 0.15
            ch.row(hid, f"{code}-{hh_counter[code]:06d}", code, site,
                   "" if site else f"{self.areas[code]['name']}{rng.randint(1, 30)}村", head,
                   monitored, rng.sample(RISKS, rng.randint(1, 2)) if monitored else [],
                   rng.randint(5000, 20000), False, now, now)
            members = rng.choices((1, 2, 3, 4), weights=(2, 4, 4, 1))[0]
            for m in range(members):
                if wid >= n_workers:
                    break
                wid += 1
                name = head if m == 0 else surname + rng.choice(givens)
                py, ini = name_keys(name)
                age = rng.choices((rng.randint(16, 24), rng.randint(25, 45),
                                   rng.randint(46, 59)), weights=(2, 6, 3))[0]
                born = today - timedelta(days=365 * age + rng.randint(0, 364))
                if (today - born).days > days_span:
                    born = today - timedelta(days=days_span)
                sex = rng.choice("MF")
                key = (code, born, sex)
                serials[key] += 1
                serial = 2 * serials[key] - (1 if sex == "M" else 2)  # odd = male
                body = f"{code}{born:%Y%m%d}{serial:03d}"
                if serial > 999:  # cannot happen at province scale; keep it valid anyway
                    raise SystemExit("too many workers born on one day in one county")
                idn = body + ric.calc_check_digit(body + "0")
                phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}" \
                    if rng.random() < 0.9 else None
                care = rng.random() < 0.15
                category = ("relocated" if site else "graduate" if age <= 24 and
                            rng.random() < 0.4 else rng.choice(("returnee", "general",
                                                                "general")))
                status = rng.choice(statuses)
                if wid in self.plan:
                    status = "seeking" if self.plan[wid][1] else "employed"
                skills = "、".join(dict.fromkeys(rng.sample(SKILLS, rng.randint(1, 2)))
                                  ).strip("、")
                parsed(skills)
                cw.row(wid, name, py, ini, idn, idn[::-1], born, sex, phone,
                       phone[::-1] if phone else None, code, hid, category,
                       "college" if category == "graduate" else rng.choice(
                           ("primary", "junior", "junior", "junior", "senior", "vocational",
                            "none")),
                       skills, ["local"] if care else rng.sample(regions, rng.randint(1, 3)),
                       rng.choice((None, 2500, 3000, 3500, 4000, 4500, 5000, 6000)),
                       rng.sample(("market", "public_welfare", "work_relief"),
                                  rng.randint(0, 2)),
                       today + timedelta(days=rng.randint(-30, 60)) if rng.random() < 0.5
                       else None, care, "", "zh", status, now, now, now)
                self.workers_area.append(code)
                self.workers_status.append(status)
                self.skill_texts.append(skills)
        self._done(ch)
        self._done(cw)
        self.n_households = hid
        self.sites = sid

        # resolved skills exactly as resolve_worker_skills() stores them (the match page
        # re-resolves on every view when stored rows differ from the skills text)
        check = rng.sample(list(skill_cache), min(20, len(skill_cache)))
        for text in check:
            parts = {p[:128] for p in split_parts(text)}
            assert {p.text for p in skill_cache[text]} <= parts
        c = self._copy("worker_skill", ["worker_id", "skill_code", "level", "source_text",
                                        "method", "confidence", "created_at"])
        for wid in range(1, n_workers + 1):
            for p in skill_cache[self.skill_texts[wid]]:
                c.row(wid, p.skill, p.level, p.text, p.method, p.confidence, now)
        self._done(c)
        self.skill_texts = []

        c = self._copy("worker_certificate", ["worker_id", "kind", "number", "issued_on",
                                              "expires_on"])
        for wid in range(1, n_workers + 1):
            if rng.random() < 0.08:
                kind, years = rng.choice(CERTS)
                issued = today - timedelta(days=rng.randint(60, 1500))
                c.row(wid, kind, f"T{rng.randrange(10**9, 10**10)}", issued,
                      issued + timedelta(days=365 * years))
        self._done(c)

        c = self._copy("worker_status_change", ["worker_id", "status", "changed_at", "reason",
                                                "by_user_id"])
        for wid in range(1, n_workers + 1):
            c.row(wid, self.workers_status[wid], now, "登记", None)
        self._done(c)
        c = self._copy("worker_event", ["worker_id", "area_code", "at", "kind", "detail",
                                        "by_user_id"])
        for wid in range(1, n_workers + 1):
            c.row(wid, self.workers_area[wid], now, "registered",
                  {"status": self.workers_status[wid]}, None)
        self._done(c)

    # -- employers and openings --------------------------------------------------------
    def employers(self) -> None:
        from app.employers.demo import _BAND, _JOBS, _SUFFIX, _WELFARE

        rng, today, now = self.rng, self.today, self.now
        n_emp, n_jobs = self.n["employers"], self.n["jobs"]
        industries = list(_JOBS)
        c = self._copy("employer", ["id", "name", "credit_code", "industry", "province_code",
                                    "city_code", "county_code", "address", "region",
                                    "contact_name", "contact_phone", "labour_coop",
                                    "coop_county_code", "status", "status_reason",
                                    "verified_by_id", "verified_at", "arrears_open",
                                    "created_by_id", "created_at"])
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        codes: set[str] = set()
        self.employers_info: list[tuple] = [()]  # id -> (name, place, status, industry)
        for eid in range(1, n_emp + 1):
            roll = rng.random()
            region = "prd" if roll < 0.35 else "yrd" if roll < 0.65 else "guizhou"
            place = (rng.choice(INDUSTRY_PLACES[region]) if region != "guizhou"
                     else rng.choice(self.counties))
            province, city, cnty, reg = locate(self.areas, place)
            industry = rng.choice(industries)
            city_name = self.areas[city or place]["name"].rstrip("市区县")[:3]
            name = (f"{city_name}{rng.choice(BRAND_CHARS)}{rng.choice(BRAND_CHARS)}"
                    f"{rng.choice(_SUFFIX[industry])}")
            while True:
                body = "91" + place + "".join(rng.choice(alphabet) for _ in range(9))
                code = body + uscc.calc_check_digit(body)
                if code not in codes:
                    codes.add(code)
                    break
            s = rng.random()
            status = "verified" if s < 0.90 else "pending" if s < 0.97 else "suspended"
            c.row(eid, name, code, industry, province, city, cnty, "", reg, "张经理",
                  "13800138000", region != "guizhou" and rng.random() < 0.2,
                  rng.choice(self.counties) if rng.random() < 0.1 else None, status,
                  "欠薪" if status == "suspended" else "", 2 if status != "pending" else None,
                  now - timedelta(days=rng.randint(30, 700)) if status != "pending" else None,
                  False, None, now - timedelta(days=rng.randint(30, 800)))
            self.employers_info.append((name, place, status, industry, (province, city, cnty,
                                                                         reg)))
        self._done(c)

        cols = ["id", "employer_id", "title", "occupation_code", "occupation_text",
                "description", "required_skills", "preferred_skills", "required_certificates",
                "headcount", "filled", "wage_min", "wage_max", "piece_rate", "wage_note",
                "age_min", "age_max", "min_education", "province_code", "city_code",
                "county_code", "region", "housing", "meals", "shifts", "contract_months",
                "start_date", "closing_date", "kind", "eligibility_county_code", "status",
                "search_text", "created_at", "updated_at", "published_at"]
        # draw the openings first; placements need their head-counts and states
        jobs: list[dict] = []
        for jid in range(1, n_jobs + 1):
            eid = rng.randint(1, n_emp)
            name, place, estatus, industry, (province, city, cnty, reg) = \
                self.employers_info[eid]
            welfare = reg == "guizhou" and rng.random() < 0.15
            if welfare:
                title, occ, kind = rng.choice(_WELFARE)
                skills, certs, (lo, hi), piece, housing, meals, shifts = \
                    [], [], (0.55, 0.65), False, False, False, "按天出勤"
            else:
                title, occ, skills, certs, (lo, hi), piece, housing, meals, shifts = \
                    rng.choice(_JOBS[industry])
                kind = "market"
            band = _BAND.get(reg, _BAND["guizhou"])
            jitter = rng.uniform(1.0, 1.08)
            wmin = int(round(band[0] * lo * jitter / 100.0)) * 100
            wmax = max(wmin, int(round(band[1] * hi * jitter / 100.0)) * 100)
            r = rng.random()
            status = ("open" if r < 0.58 else "filled" if r < 0.68 else "closed" if r < 0.80
                      else "expired" if r < 0.90 else "draft")
            if estatus == "pending":
                status = "draft"  # an unverified employer cannot publish
            published = None if status == "draft" else (
                now - timedelta(hours=rng.randint(1, 24 * 60)) if status == "open"
                else now - timedelta(days=rng.randint(60, 720)))
            closing = (today + timedelta(days=rng.randint(5, 90)) if status in ("open", "draft")
                       else today - timedelta(days=rng.randint(1, 600)))
            jobs.append({
                "id": jid, "employer_id": eid, "title": title, "occupation_code": occ,
                "required_skills": [{"code": cc, "text": cc, "level": lv} for cc, lv in skills],
                "required_certificates": list(certs),
                "headcount": rng.choice((2, 3, 5, 8, 10, 15, 20, 30, 50)), "filled": 0,
                "wage_min": wmin, "wage_max": wmax, "piece_rate": piece,
                "age_min": rng.choice((16, 18, 18, 20)), "age_max": rng.choice((40, 45, 50, 55)),
                "min_education": rng.choice(("none", "primary", "junior", "junior")),
                "province_code": province, "city_code": city, "county_code": cnty,
                "region": reg, "housing": housing, "meals": meals, "shifts": shifts,
                "contract_months": rng.choice((None, 12, 24, 36)),
                "start_date": (published.date() if published else today)
                + timedelta(days=rng.randint(3, 30)),
                "closing_date": closing, "kind": kind,
                "eligibility_county_code": cnty if kind != "market" else None,
                "status": status, "published_at": published, "employer_name": name,
                "employer_status": estatus, "shift_text": shifts})
        self.jobs = jobs
        self.job_cols = cols

    def write_jobs(self) -> None:
        from app.employers.search import build_search_text

        now = self.now
        c = self._copy("job", self.job_cols)
        st_cache: dict[tuple, str] = {}
        for j in self.jobs:
            key = (j["title"], j["occupation_code"], j["employer_name"],
                   tuple(e["code"] for e in j["required_skills"]))
            text = st_cache.get(key)
            if text is None:
                ns = SimpleNamespace(title=j["title"], occupation_text="", place_detail="",
                                     occupation_code=j["occupation_code"],
                                     required_skills=j["required_skills"])
                text = st_cache[key] = build_search_text(ns, j["employer_name"])
            c.row(j["id"], j["employer_id"], j["title"], j["occupation_code"], "",
                  f"{j['employer_name']}招聘{j['title']}，{j['shift_text']}。",
                  j["required_skills"], [], j["required_certificates"], j["headcount"],
                  j["filled"], j["wage_min"], j["wage_max"], j["piece_rate"], "",
                  j["age_min"], j["age_max"], j["min_education"], j["province_code"],
                  j["city_code"], j["county_code"], j["region"], j["housing"], j["meals"],
                  j["shifts"], j["contract_months"], j["start_date"], j["closing_date"],
                  j["kind"], j["eligibility_county_code"], j["status"], text, now, now,
                  j["published_at"])
        self._done(c)

    # -- referrals, placements, follow-ups ---------------------------------------------
    def placements(self) -> None:
        from app.placements.schedule import followup_due_dates

        rng, today, now = self.rng, self.today, self.now
        jobs = self.jobs
        n_pl = self.n["placements"]
        old_jobs = [j for j in jobs if j["status"] in ("filled", "closed", "expired")
                    and j["employer_status"] != "pending"]
        new_jobs = [j for j in jobs if j["status"] in ("open", "filled")]
        for j in old_jobs:  # past openings hired in numbers
            j["headcount"] = max(j["headcount"], rng.choice((10, 15, 20, 30, 50, 60)))
        due_cache: dict[date, list] = {}
        pc = self._copy("placement", ["id", "worker_id", "job_id", "employer_id", "referral_id",
                                      "area_code", "region", "local", "start_date",
                                      "monthly_wage", "contract_months", "status", "end_date",
                                      "end_reason", "end_kind", "employer_name",
                                      "created_by_id", "created_at"])
        rows_ref: list[tuple] = []
        fu_rows: list[tuple] = []
        self.taken: set[tuple[int, int]] = set()
        pid = 0
        for wid, (recent, ended) in self.plan.items():
            pool = new_jobs if recent else old_jobs
            for _ in range(20):
                j = rng.choice(pool)
                if j["filled"] < j["headcount"] - (1 if j["status"] == "open" else 0):
                    break
            else:
                continue
            j["filled"] += 1
            pid += 1
            area = self.workers_area[wid]
            start = (today - timedelta(days=rng.randint(0, 60)) if recent
                     else today - timedelta(days=rng.randint(61, 720)))
            end = start + timedelta(days=rng.randint(10, max(11, (today - start).days))) \
                if ended else None
            if end and end > today:
                end = today
            status = "ended" if ended else "active"
            officer = self.officer_of.get(area)
            rows_ref.append((pid, wid, j["id"], j["employer_id"], area, "hired", "officer",
                             round(rng.uniform(40, 95), 2), "", "", officer, start, start))
            self.taken.add((wid, j["id"]))
            pc.row(pid, wid, j["id"], j["employer_id"], pid, area, j["region"],
                   j["county_code"] == area, start, j["wage_min"], j["contract_months"], status,
                   end, "想回家照顾老人" if ended else "", "left" if ended else "", "", officer,
                   datetime.combine(start, datetime.min.time()))
            if start not in due_cache:
                due_cache[start] = followup_due_dates(start)
            for slot, due in due_cache[start]:
                if ended and due > end:
                    fs = "cancelled"
                elif due > today:
                    fs = "due"
                else:
                    age = (today - due).days
                    p_done = 0.5 if age <= 14 else 0.8 if age <= 60 else 0.97
                    if ended or rng.random() < p_done:
                        fs = "done"
                    else:
                        fs = "overdue" if due < today else "due"
                fu_rows.append((pid, wid, j["employer_id"], area, slot, due, fs, officer))
        self._done(pc)
        self.n_placements = pid

        # the hired referrals (ids = placement ids) and others: open and decided ones
        c = self._copy("referral", ["id", "worker_id", "job_id", "employer_id", "area_code",
                                    "status", "source", "score", "note", "decline_reason",
                                    "created_by_id", "created_at", "updated_at"])
        for r in rows_ref:
            c.row(*r[:11], datetime.combine(r[11], datetime.min.time()) - timedelta(days=7),
                  datetime.combine(r[12], datetime.min.time()))
        rid = len(rows_ref)
        open_jobs = [j for j in jobs if j["status"] == "open"
                     and j["employer_status"] == "verified"]
        seeking = [w for w in range(1, len(self.workers_status))
                   if self.workers_status[w] in ("seeking", "training")]
        for _ in range(int(n_pl * 0.6)):
            wid = rng.choice(seeking)
            j = rng.choice(open_jobs if rng.random() < 0.6 else old_jobs)
            if (wid, j["id"]) in self.taken:
                continue
            self.taken.add((wid, j["id"]))
            rid += 1
            status = (rng.choice(("referred", "interview")) if j["status"] == "open"
                      else rng.choice(("declined", "withdrawn")))
            at = now - timedelta(days=rng.randint(0, 40 if j["status"] == "open" else 600))
            c.row(rid, wid, j["id"], j["employer_id"], self.workers_area[wid], status,
                  "officer", round(rng.uniform(30, 95), 2), "",
                  "岗位已满" if status == "declined" else "",
                  self.officer_of.get(self.workers_area[wid]), at, at)
        self._done(c)
        self.n_referrals = rid

        fc = self._copy("follow_up", ["id", "placement_id", "worker_id", "employer_id",
                                      "area_code", "kind", "slot", "due_date", "status",
                                      "failed_attempts", "method", "employment",
                                      "new_employer_name", "left_reason", "current_wage",
                                      "issues", "satisfaction", "note", "recorded_by_id",
                                      "done_at", "created_at", "escalated_to_id"])
        ac = self._copy("follow_up_attempt", ["follow_up_id", "at", "method", "reached", "note",
                                              "by_user_id"])
        fid = 0
        arrears: list[tuple] = []
        for pid_, wid, eid, area, slot, due, fs, officer in fu_rows:
            fid += 1
            method = rng.choice(("phone", "phone", "phone", "wechat", "visit"))
            if fs == "done":
                at = datetime.combine(due + timedelta(days=rng.randint(0, 5)),
                                      datetime.min.time()) + timedelta(hours=10)
                issues = ["wage_arrears"] if rng.random() < 0.004 else []
                fc.row(fid, pid_, wid, eid, area, "day", slot, due, fs, 0, method, "still", "",
                       "", rng.choice((3500, 4200, 5000, 5800)), issues,
                       rng.choice((3, 4, 4, 5, 5)), "", officer, at, now, None)
                ac.row(fid, at, method, True, "", officer)
                if issues:
                    arrears.append((eid, wid, pid_, fid, area, at))
            else:
                failed = rng.choice((0, 0, 0, 1, 2)) if fs in ("due", "overdue") and \
                    due <= today else 0
                fc.row(fid, pid_, wid, eid, area, "day", slot, due, fs, failed, None, None, "",
                       "", None, [], None, "", None, None, now, None)
                for k in range(failed):
                    ac.row(fid, now - timedelta(days=k + 1), "phone", False, "无人接听", officer)
        self._done(fc)
        self._done(ac)
        self.n_followups = fid

        c = self._copy("wage_arrears_case", ["employer_id", "employer_name", "worker_id",
                                             "placement_id", "follow_up_id", "area_code",
                                             "status", "note", "reported_at", "reported_by_id",
                                             "resolution_note"])
        self.arrears_employers = set()
        for eid, wid, pid_, fid_, area, at in arrears:
            status = "open" if rng.random() < 0.3 else "resolved"
            if status == "open":
                self.arrears_employers.add(eid)
            c.row(eid, self.employers_info[eid][0], wid, pid_, fid_, area, status, "拖欠两个月工资",
                  at, self.officer_of.get(area), "已协调发放" if status == "resolved" else "")
        self._done(c)

    def finish_jobs_and_workers(self) -> None:
        """Openings' head-counts/fills follow the placements; a status 'filled' opening has
        every place taken; workers' statuses follow their placements."""
        for j in self.jobs:
            if j["status"] == "filled":
                j["headcount"] = max(j["headcount"], j["filled"], 1)
                j["filled"] = j["headcount"]
            elif j["status"] == "open":
                j["headcount"] = max(j["headcount"], j["filled"] + 1)
            else:
                j["headcount"] = max(j["headcount"], j["filled"], 1)
        self.write_jobs()
        self.conn.execute("UPDATE employer SET arrears_open = true WHERE id = ANY(%s)",
                          (list(self.arrears_employers),))


# ---- checks -------------------------------------------------------------------------------

CHECKS = [
    ("job filled within head-count", "SELECT count(*) FROM job WHERE filled > headcount"),
    ("status filled = every place taken",
     "SELECT count(*) FROM job WHERE status = 'filled' AND filled <> headcount"),
    ("open openings have a place left",
     "SELECT count(*) FROM job WHERE status = 'open' AND filled >= headcount"),
    ("placements per opening ≤ filled", """
        SELECT count(*) FROM (SELECT job_id, count(*) n FROM placement GROUP BY job_id) p
        JOIN job j ON j.id = p.job_id WHERE p.n > j.filled"""),
    ("active placement ⇒ worker employed", """
        SELECT count(*) FROM placement p JOIN worker w ON w.id = p.worker_id
        WHERE p.status = 'active' AND w.status <> 'employed'"""),
    ("placement's referral is hired, same worker/job", """
        SELECT count(*) FROM placement p JOIN referral r ON r.id = p.referral_id
        WHERE r.status <> 'hired' OR r.worker_id <> p.worker_id OR r.job_id <> p.job_id"""),
    ("referral area = worker's county", """
        SELECT count(*) FROM referral r JOIN worker w ON w.id = r.worker_id
        WHERE r.area_code <> w.area_code"""),
    ("follow-ups: four per placement", """
        SELECT count(*) FROM (SELECT placement_id FROM follow_up GROUP BY placement_id
        HAVING count(*) <> 4) x"""),
    ("worker area is a Guizhou county", """
        SELECT count(*) FROM worker w LEFT JOIN area a ON a.code = w.area_code
        WHERE a.code IS NULL OR a.level <> 'county'"""),
    ("worker in household's county", """
        SELECT count(*) FROM worker w JOIN household h ON h.id = w.household_id
        WHERE h.area_code <> w.area_code"""),
    ("orphan follow-up worker", """
        SELECT count(*) FROM follow_up f LEFT JOIN worker w ON w.id = f.worker_id
        WHERE w.id IS NULL"""),
    ("orphan job employer", """
        SELECT count(*) FROM job j LEFT JOIN employer e ON e.id = j.employer_id
        WHERE e.id IS NULL"""),
    ("orphan worker_skill", """
        SELECT count(*) FROM worker_skill s LEFT JOIN worker w ON w.id = s.worker_id
        WHERE w.id IS NULL"""),
    ("published openings of pending employers", """
        SELECT count(*) FROM job j JOIN employer e ON e.id = j.employer_id
        WHERE e.status = 'pending' AND j.status <> 'draft'"""),
]


def validate_foreign_keys(conn: psycopg.Connection) -> int:
    """Re-check every foreign key (the load ran with FK triggers off): NOT VALID + VALIDATE."""
    fks = conn.execute("""
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
    """).fetchall()
    for table, name, definition in fks:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
        conn.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"')
    return len(fks)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="qianlu_province")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--password", default="qianlu2025")
    args = ap.parse_args()
    url = f"{BASE_URL}/{args.db}"
    total = time.perf_counter()

    t = time.perf_counter()
    recreate_database(args.db)
    flask(["db", "upgrade"], url)
    flask(["areas", "load"], url)
    try:
        flask(["catalog", "load"], url)
        catalog = "catalog loaded"
    except SystemExit as exc:  # the training catalogue is optional for this benchmark
        catalog = f"catalog load skipped ({str(exc).splitlines()[0]})"
    log(f"schema, areas, {catalog}: {time.perf_counter() - t:.1f} s")

    from app import create_app

    os.environ.setdefault("SECRET_KEY", "bench-province-generate")
    os.environ["DATABASE_URL"] = url
    app = create_app()  # for Babel/app context used by parse_worker_skills and friends
    with app.app_context(), psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET synchronous_commit = off")
        tables = ["user", "relocation_site", "household", "worker", "worker_skill",
                  "worker_certificate", "worker_status_change", "worker_event", "employer",
                  "job", "placement", "referral", "follow_up", "follow_up_attempt",
                  "wage_arrears_case"]
        defs = drop_secondary_indexes(conn, tables)
        conn.commit()
        g = Gen(conn, url, args.scale, args.seed, args.password)
        log(f"generating at scale {args.scale}: {g.n}")
        g.users()
        g.register()
        g.employers()
        g.placements()
        g.finish_jobs_and_workers()
        conn.commit()
        t = time.perf_counter()
        for d in defs:
            conn.execute(d)
        conn.commit()
        log(f"  rebuilt {len(defs)} secondary indexes in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        for table in tables:
            conn.execute(f"""SELECT setval(pg_get_serial_sequence('"{table}"', 'id'),
                             GREATEST((SELECT max(id) FROM "{table}"), 1))""")
        conn.execute("SET session_replication_role = origin")
        n_fk = validate_foreign_keys(conn)
        conn.commit()
        log(f"  {n_fk} foreign keys validated in {time.perf_counter() - t:.1f} s")
        bad = []
        for label, sql in CHECKS:
            n = conn.execute(sql).fetchone()[0]
            if n:
                bad.append(f"{label}: {n}")
        log("  consistency checks: " + ("all pass" if not bad else "; ".join(bad)))
        conn.commit()
        t = time.perf_counter()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        log(f"  VACUUM ANALYZE {time.perf_counter() - t:.1f} s")
        sizes = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))"
                             ).fetchone()[0]
    log(f"total {time.perf_counter() - total:.1f} s; database size {sizes}")
    if bad:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
