"""Messages said in the page's language (issue #15: mixed languages)."""
from __future__ import annotations


def test_the_please_log_in_message_is_in_the_page_language(client):
    resp = client.get("/registry/workers", follow_redirects=True)
    assert "请先登录" in resp.get_data(as_text=True)
    resp = client.get("/registry/workers?lang=en", follow_redirects=True)
    assert "Please log in to access this page." in resp.get_data(as_text=True)


def test_in_app_messages_are_said_in_the_readers_language(client, db, login_as):
    from app.notifications.service import notify_user

    officer = login_as("officer")
    notify_user(officer, "followup_digest", "lang-d1", link="/followups/", overdue=3, today=1)
    assert "3 条已逾期" in client.get("/notifications/").get_data(as_text=True)
    english = client.get("/notifications/?lang=en").get_data(as_text=True)
    assert "3 overdue" in english and "已逾期" not in english.split("<main", 1)[1]


def test_a_status_reason_given_by_the_app_reads_in_the_readers_language(client, db, factory,
                                                                         login_as):
    from tests.factories.placements import place

    officer = login_as("officer", area_code="520526")
    placement = place(factory, officer=officer)
    client.get("/?lang=en")
    english = client.get(f"/registry/workers/{placement.worker_id}").get_data(as_text=True)
    timeline = english.split('id="timeline"', 1)[1]
    assert "Reason: Hired: " in timeline
    client.get("/?lang=zh")
    chinese = client.get(f"/registry/workers/{placement.worker_id}").get_data(as_text=True)
    assert "Hired:" not in chinese.split('id="timeline"', 1)[1]
