"""The worker timeline reads as sentences with links, in both languages, for every kind."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.registry.timeline import add_event, registered_kinds
from tests.conftest import text_of

APP = Path(__file__).resolve().parents[2] / "app"

# Every kind a service writes, with the detail it stores.
EVENTS = {
    "registered": {"status": "seeking", "import": 3},
    "status": {"from": "seeking", "to": "employed", "reason": "x"},
    "updated": {"fields": ["phone", "skills_text"]},
    "certificate": {"kind": "焊工证"},
    "merged": {"from": 9, "name": "王五"},
    "referral": {"job_id": 1, "job_title": "焊工", "employer": "黔南机械", "referral_id": 2},
    "referral_interview": {"job_id": 1, "job_title": "焊工", "reason": ""},
    "referral_declined": {"job_id": 1, "job_title": "焊工", "reason": "经验不足"},
    "referral_withdrawn": {"job_id": 1},
    "placement": {"job_id": 1, "job_title": "焊工", "employer": "黔南机械",
                  "start_date": "2026-01-05", "placement_id": 41},
    "follow_up": {"follow_up_id": 166, "followup_kind": "day", "slot": 30,
                  "employment": "left", "issues": ["wage_arrears"],
                  "wage": 4200, "satisfaction": 2},
    "job_loss": {"placement_id": 41, "employer": "黔南机械", "end_date": "2026-02-01",
                 "reason": "工资低"},
    "job_change": {"placement_id": 42, "previous_placement_id": 41, "employer": "遵义食品",
                   "wage": 5000},
    "wage_arrears": {"case_id": 14, "employer": "黔南机械"},
    "wage_arrears_resolved": {"case_id": 14},
    "course_invite": {"course": "电工", "course_id": 1, "session_id": 1, "start": "2026-03-01"},
    "course_enrolled": {"course": "电工", "course_id": 1, "session_id": 1,
                        "start": "2026-03-01", "enrolment_id": 5},
    "course_waitlisted": {"course": "电工", "course_id": 1, "session_id": 1,
                          "start": "2026-03-01", "enrolment_id": 5},
    "course_promoted": {"course": "电工", "session_id": 1, "enrolment_id": 5},
    "course_withdrawn": {"course": "电工", "session_id": 1, "reason": "家里有事"},
    "course_completed": {"course": "电工", "course_id": 1, "certificate": None, "number": "",
                         "skills": []},
    "course_failed": {"course": "电工", "course_id": 1, "certificate": None, "number": "",
                      "skills": []},
    "course_referral_failed": {"course": "电工", "job_id": 1, "reason": "岗位已满"},
    "account_activated": {"username": "t520526x"},
    "trainee_report": {"report_id": 1, "kind": "found_job", "employer": "遵义食品",
                       "job_title": "包装工", "on_date": "2026-02-03", "new_area_code": None},
}


def _kinds_written_by_the_app() -> set[str]:
    """Literal kinds passed to add_event / the services' event helpers, and the prefixes of
    computed ones ("referral_" + status)."""
    kinds: set[str] = set()
    call = re.compile(r"(?:add_event|_event|\bevent)\(\s*[\w.]+,\s*\"([a-z_]+)\"(\s*\+)?")
    for path in APP.rglob("*.py"):
        for kind, computed in call.findall(path.read_text(encoding="utf-8")):
            kinds.add(kind + ("*" if computed else ""))
    return kinds


def test_every_kind_the_app_writes_is_described(app):
    known = registered_kinds()
    assert set(EVENTS) <= known
    for kind in _kinds_written_by_the_app():
        if kind.endswith("*"):
            assert any(k.startswith(kind[:-1]) for k in known), kind
        else:
            assert kind in known, f"{kind}: add it to the timeline (register_event_kind)"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_timeline_reads_as_sentences(client, db, factory, login_as, lang):
    login_as("officer", area_code="520526")
    worker = factory.worker()
    for kind, detail in EVENTS.items():
        add_event(worker, kind, detail)
    resp = client.get(f"/registry/workers/{worker.id}?lang={lang}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    timeline = text_of(resp).split("Activity" if lang == "en" else "动态", 1)[-1]
    for raw in ("job_loss", "follow_up", "wage_arrears", "referral_", "course_", "41;",
                "166;", "left;", "skills_text"):
        assert raw not in timeline, raw
    assert html.count("timeline-event") >= len(EVENTS)
    assert 'href="/followups/166"' in html and 'href="/jobs/1"' in html
    if lang == "en":
        assert "Left the job at 黔南机械 on 2026-02-01: 工资低." in timeline
        assert "Wage arrears" in timeline and "4200 CNY/month" in timeline
        assert "Status changed from Seeking work to Employed" in timeline
        assert not re.search(r"[\u4e00-\u9fff]{2,}(?:了|于|为)", timeline.replace(
            "黔南机械", "").replace("遵义食品", ""))
    else:
        assert "离职" in timeline and "黔南机械" in timeline and "欠薪" in timeline
        assert "回访（第30天）" in timeline
        assert "Left the job" not in timeline and "Referred to" not in timeline

