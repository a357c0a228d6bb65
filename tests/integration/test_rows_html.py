"""The long lists written in Python (the matches page's rows, the follow-up queue's rows):
every branch a user can meet, and data escaped like Jinja's autoescaping would."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from flask_babel import gettext as _
from markupsafe import escape

from app.matching.html import match_rows_html, ruled_out_rows_html
from app.matching.service import (
    ComponentView,
    EmployerRef,
    JobCard,
    JobMatch,
    ReasonView,
    RuledOutJob,
)
from app.placements.queue_html import followup_rows_html

TODAY = date(2026, 12, 5)


def card(job_id, title="焊工", headcount=5, filled=2, employer="遵义鑫达<&>"):
    return JobCard(id=job_id, employer_id=1, title=title, headcount=headcount, filled=filled,
                   wage_min=4500, wage_max=6000, region="local", county_code="520526",
                   city_code="520500", province_code="520000", kind="market",
                   employer=EmployerRef(1, employer))


def component():
    return ComponentView("skill", "技能", 0.8, 40.0, 32.0, "会电焊 <高级>")


def test_match_rows_say_places_left_and_refer_or_the_referrals_status(app, db):
    with app.test_request_context("/"):
        html = str(match_rows_html(
            [JobMatch(card(11, title="<b>电焊工</b>"), 87.4, [component()]),
             JobMatch(card(12, headcount=None), 80.0, [component()],
                      SimpleNamespace(status="interview")),
             JobMatch(card(13), 75.0, [component()], SimpleNamespace(status="declined"))],
            job_href="/employers/jobs/", refer_action="/workers/7/refer", token="tok",
            trainee=False, status_labels={"interview": "面试中"}))
        # rank, link, escaped title and employer, places left, place, wage, score
        assert '<tr data-job="11">\n      <td>1</td>' in html
        assert '<a href="/employers/jobs/11">&lt;b&gt;电焊工&lt;/b&gt;</a>' in html
        assert "遵义鑫达&lt;&amp;&gt;" in html and "<&>" not in html
        assert escape(_("%(n)d places left", n=3)) in html
        assert escape(_("several places (no fixed number)")) in html  # no fixed head-count
        assert "4500–6000" in html and "<strong class=\"small\">87</strong>" in html
        assert "会电焊 &lt;高级&gt;" in html  # the explanation, escaped
        # a live referral replaces the button; a declined one offers it again
        assert '<span class="badge text-bg-secondary">面试中</span>' in html
        assert html.count('name="job_id"') == 2
        assert 'value="11"' in html and 'value="13"' in html and 'value="12"' not in html
        assert html.count('value="tok"') == 2 and escape(_("Refer")) in html


def test_a_trainee_asks_and_openings_without_a_page_link_nowhere(app, db):
    with app.test_request_context("/"):
        html = str(match_rows_html([JobMatch(card(21), 60.0, [])], job_href=None,
                                   refer_action="/workers/7/refer", token="t", trainee=True,
                                   status_labels={}))
        assert escape(_("Ask for a referral")) in html
        assert '<a href="#">焊工</a>' in html


def test_ruled_out_rows_link_the_courses_that_fix_a_reason(app, db):
    reasons = [ReasonView("certificate", "证书", "缺少焊工证", "cert_welder", True),
               ReasonView("skill_gap", "技能", "缺少叉车技能 <急>", None, True),
               ReasonView("age", "年龄", "年龄超过 55 岁", None, False)]
    with app.test_request_context("/"):
        html = str(ruled_out_rows_html([RuledOutJob(card(31), reasons)],
                                       job_href="/jobs/"))
        assert '<a href="/jobs/31">焊工</a>' in html
        assert ('href="/training/?gives=cert_welder">'
                f'{escape(_("Courses that fix this"))}</a>') in html
        assert (f'缺少叉车技能 &lt;急&gt; <span class="badge text-bg-info">'
                f'{escape(_("Training can fix this"))}</span>') in html
        assert "年龄超过 55 岁</li>" in html  # nothing training could fix


def row(**kw):
    values = dict(id=5, due_date=TODAY, worker_id=9, worker_name="王<芳>",
                  worker_phone="13812345678", monitored=False, at_risk=False,
                  employer_name="鑫达", kind="day", slot=7, failed_attempts=0,
                  escalated_to_id=None)
    return SimpleNamespace(**{**values, **kw})


def test_queue_rows_mark_overdue_monitored_at_risk_and_escalated(app, db):
    with app.test_request_context("/"):
        html = str(followup_rows_html(
            [row(), row(id=6, due_date=date(2026, 12, 1), monitored=True, at_risk=True,
                        failed_attempts=3, escalated_to_id=2, worker_phone=None)],
            "overdue", TODAY))
        first, second = html.split("</tr>")[:2]
        assert "王&lt;芳&gt;" in first and "<芳>" not in html
        assert "138****5678" in first and "13812345678" not in html  # masked
        assert '/followups/5?tab=overdue&amp;reveal=1"' in first  # the Call link
        assert '/followups/5?tab=overdue"' in first  # Record
        assert escape(_("Overdue")) not in first and escape(_("Monitored")) not in first
        assert "2026-12-01 <span class=\"badge text-bg-danger\">" in second
        assert escape(_("Monitored")) in second and escape(_("At risk")) in second
        assert f'3 <span class="badge text-bg-info">{escape(_("Escalated"))}</span>' in second
        assert "reveal=1" not in second  # no phone, no Call
