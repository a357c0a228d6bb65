"""The destinations page on the demo data: every figure it shows equals a count made by hand
with plain SQL over the seeded tables, for a county, a prefecture and the province."""
from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app import clock
from app.auth.demo import DEMO_PASSWORD
from app.auth.models import User
from app.employment.records import add_months

pytestmark = [pytest.mark.slow]


class Tables(HTMLParser):
    """{table id: rows of cell texts} and {element id: text} of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.texts: dict[str, str] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._ids: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = attrs["id"]
            self.tables[self._table] = []
        elif tag == "tbody" and self._table:
            self._in_body = True
        elif tag == "tr" and self._table:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []
        if attrs.get("id") and tag in ("div", "span"):
            self._ids.append((tag, attrs["id"], []))

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            if self._row:
                self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif self._ids and tag == self._ids[-1][0]:
            _tag, key, parts = self._ids.pop()
            self.texts[key] = "".join(parts).strip()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        for _tag, _key, parts in self._ids:
            parts.append(data)


def prefix(code: str) -> str:
    """The area codes under an area: 520000 → 52, 520500 → 5205, 520526 → 520526."""
    while code.endswith("00"):
        code = code[:-2]
    return code


# Every job outside Guizhou held now by a worker of the area, written out by hand: the
# open records found elsewhere and Qianlu's active placements (the opening's place, else
# the employer's).
NOW_JOBS = """
SELECT 'self' || CAST(r.id AS VARCHAR) AS job, r.worker_id, r.province_code AS province,
       r.city_code AS city, r.sector AS sector,
       COALESCE(CAST(r.employer_id AS VARCHAR), r.employer_name) AS employer, 'self' AS source
  FROM employment_record r
 WHERE r.end_month IS NULL AND r.province_code IS NOT NULL AND r.province_code <> '520000'
   AND r.area_code LIKE :p
UNION ALL
SELECT 'qianlu' || CAST(p.id AS VARCHAR), p.worker_id,
       COALESCE(j.province_code, e.province_code),
       COALESCE(j.city_code, e.city_code), COALESCE(e.industry, ''),
       COALESCE(CAST(p.employer_id AS VARCHAR), p.employer_name), 'qianlu'
  FROM placement p LEFT JOIN job j ON j.id = p.job_id LEFT JOIN employer e ON e.id = p.employer_id
 WHERE p.status = 'active' AND p.area_code LIKE :p
   AND COALESCE(j.province_code, e.province_code) IS NOT NULL
   AND COALESCE(j.province_code, e.province_code) <> '520000'
"""


# The same, held at the end of last month: records covering last month, placements started
# before this month and not ended before it.
LAST_MONTH_JOBS = """
SELECT 'self' || CAST(r.id AS VARCHAR) FROM employment_record r
 WHERE r.area_code LIKE :p AND r.province_code IS NOT NULL AND r.province_code <> '520000'
   AND r.start_month <= :last AND (r.end_month IS NULL OR r.end_month >= :last)
UNION ALL
SELECT 'qianlu' || CAST(p.id AS VARCHAR) FROM placement p
  LEFT JOIN job j ON j.id = p.job_id LEFT JOIN employer e ON e.id = p.employer_id
 WHERE p.area_code LIKE :p AND COALESCE(j.province_code, e.province_code) <> '520000'
   AND p.start_date < :month AND (p.end_date IS NULL OR p.end_date >= :month)
"""


def by_hand(db, area: str, month) -> dict:
    p = prefix(area) + "%"
    jobs = db.session.execute(sa.text(NOW_JOBS), {"p": p}).all()
    out: dict = {"source": Counter(j.source for j in jobs),
                 "workers": len({j.worker_id for j in jobs}), "jobs": len(jobs)}
    for key in ("province", "city", "sector", "employer"):
        out[key] = Counter((getattr(j, key) or "", j.source) for j in jobs)
    out["checkins"] = dict(db.session.execute(sa.text(
        "SELECT status, COUNT(*) FROM check_in WHERE month = :m AND area_code LIKE :p "
        "GROUP BY status"), {"m": month, "p": p}).all())
    held_before = {row[0] for row in db.session.execute(sa.text(LAST_MONTH_JOBS), {
        "p": p, "last": add_months(month, -1), "month": month})}
    held_now = {j.job for j in jobs}
    out["last_month"] = len(held_before)
    out["started"] = len(held_now - held_before)
    out["ended"] = len(held_before - held_now)
    out["alerts"] = db.session.scalar(sa.text(
        "SELECT COUNT(DISTINCT a.id) FROM layoff_alert a JOIN layoff_affected f "
        "ON f.alert_id = a.id WHERE a.status = 'open' AND f.area_code LIKE :p"), {"p": p})
    return out


def names(db) -> dict[str, str]:
    return dict(db.session.execute(sa.text("SELECT code, name FROM area")).all())


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return db


def test_destinations_page_equals_counts_by_hand_on_the_demo(demo, client, login):
    seen = {}
    for username in ("officer_wn", "officer_bj", "officer"):  # county, prefecture, province
        seen[username] = check_officer(demo, client, login, username)
    county, prefecture, province = seen.values()
    assert county["source"]["qianlu"] > 0 and county["checkins"].get("answered")
    assert county["alerts"] == 1 and county["last_month"] > 0
    assert county["started"] >= 1 and county["ended"] >= 2  # "changed job", "not working"
    assert county["jobs"] <= prefecture["jobs"] <= province["jobs"]
    assert province["jobs"] > county["jobs"]  # other counties' workers are elsewhere too


def check_officer(db, client, login, username) -> dict:
    officer = db.session.scalar(sa.select(User).where(User.username == username))
    month = clock.today().replace(day=1)
    hand = by_hand(db, officer.area_code, month)
    assert hand["source"]["self"] > 0  # the demo has self-found jobs outside the province
    assert hand["workers"] == hand["jobs"]  # no one counted twice in the demo
    login(officer, DEMO_PASSWORD)
    resp = client.get("/destinations")
    assert resp.status_code == 200
    page = Tables()
    page.feed(resp.get_data(as_text=True))
    assert int(page.texts["total"]) == hand["jobs"]
    assert int(page.texts["qianlu"]) == hand["source"]["qianlu"]
    assert int(page.texts["self-found"]) == hand["source"]["self"]
    assert int(page.texts["change"]) == hand["jobs"] - hand["last_month"]
    started, ended = (int(n) for n in re.findall(r"\d+", page.texts["change-detail"]))
    assert (started, ended) == (hand["started"], hand["ended"])
    assert started - ended == hand["jobs"] - hand["last_month"]
    assert int(page.texts["alerts-open"]) == hand["alerts"]
    sent = sum(hand["checkins"].values())
    answered = hand["checkins"].get("answered", 0)
    assert page.texts["coverage"] == (f"{100 * answered // sent}%" if sent else "—")
    area = names(db)

    def table(key: str) -> dict[str, tuple[int, int, int]]:
        return {row[0]: tuple(int(x) for x in row[1:]) for row in page.tables[f"by-{key}"]}

    def expected(key: str, label) -> dict[str, tuple[int, int, int]]:
        rows: dict[str, list[int]] = {}
        for (value, source), n in hand[key].items():
            row = rows.setdefault(label(value), [0, 0])
            row[0 if source == "qianlu" else 1] += n
        return {k: (q, s, q + s) for k, (q, s) in rows.items()}

    assert table("province") == expected("province", lambda c: area.get(c, c))
    cities = expected("city", lambda c: area.get(c, c) if c else "—")
    shown = table("city")
    assert len(shown) == min(20, len(cities))
    assert all(cities[k] == v for k, v in shown.items())
    assert table("sector") == expected("sector", lambda s: s or "—")
    employer_names = dict(db.session.execute(sa.text(
        "SELECT CAST(id AS VARCHAR), name FROM employer")).all())
    employers = expected("employer", lambda k: employer_names.get(k, k))
    top = table("employer")
    assert len(top) == min(10, len(employers))
    assert all(employers[k] == v for k, v in top.items())
    totals = sorted((v[2] for v in employers.values()), reverse=True)
    assert sorted((v[2] for v in top.values()), reverse=True) == totals[:len(top)]
    return hand
