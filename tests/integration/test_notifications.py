"""The outbox: dedupe, language, claiming, retries with back-off, the HTTP gateway, inbox."""
from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from app.extensions import utcnow
from app.notifications.delivery import MAX_ATTEMPTS, backoff, claim_batch, send_one
from app.notifications.models import Notification
from app.notifications.senders import HttpSmsSender, SendError
from app.notifications.service import notify_user, notify_worker, unread_count
from app.placements.followups import queue_worker_reminders
from app.placements.service import confirm_hire, refer


def soon():
    """A moment after now: messages queued in the test are due by then."""
    return utcnow() + timedelta(minutes=1)


class FlakySender:
    """Fails the first ``failures`` sends (transiently), then succeeds; counts sends."""

    def __init__(self, failures=0, permanent=False):
        self.failures, self.permanent, self.sent = failures, permanent, []

    def __call__(self, channel):
        return self

    def send(self, n):
        if self.failures:
            self.failures -= 1
            raise SendError("gateway busy", permanent=self.permanent)
        self.sent.append(n.dedupe_key)


def test_queue_twice_is_one_message_in_the_workers_language(db, factory):
    worker = factory.worker(preferred_language="en")
    first = notify_worker(worker, "followup_due", "k1")
    second = notify_worker(worker, "followup_due", "k1")
    assert first.id == second.id
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1
    assert first.text.startswith("Qianlu employment service") and worker.name in first.text
    zh = notify_worker(factory.worker(), "followup_due", "k2")
    assert zh.text.startswith("黔路就业服务")
    no_phone = factory.worker()
    no_phone.phone = None
    assert notify_worker(no_phone, "followup_due", "k3") is None


def test_retry_with_backoff_then_sent_once(db, factory):
    NOW = soon()
    n = notify_worker(factory.worker(), "followup_due", "retry-me")
    sender = FlakySender(failures=2)
    assert claim_batch(NOW) == [n.id]
    assert claim_batch(NOW) == []  # claimed: nobody else takes it
    assert send_one(n.id, NOW, sender) == "retry"
    assert (n.status, n.attempts, n.next_try_at) == ("pending", 1, NOW + backoff(1))
    assert claim_batch(NOW + timedelta(seconds=30)) == []  # not before the back-off
    later = NOW + backoff(1)
    assert claim_batch(later) == [n.id]
    assert send_one(n.id, later, sender) == "retry"
    assert n.next_try_at == later + backoff(2) and backoff(2) > backoff(1)
    last = later + backoff(2)
    assert claim_batch(last) == [n.id]
    assert send_one(n.id, last, sender) == "sent"
    assert (n.status, n.attempts, n.sent_at) == ("sent", 3, last)
    assert claim_batch(last + timedelta(days=1)) == []
    assert sender.sent == ["retry-me"]  # delivered exactly once
    assert send_one(n.id, last, sender) == "skipped"


def test_permanent_failure_and_give_up(db, factory):
    NOW = soon()
    n = notify_worker(factory.worker(), "followup_due", "bad-number")
    claim_batch(NOW)
    assert send_one(n.id, NOW, FlakySender(failures=1, permanent=True)) == "failed"
    assert n.status == "failed" and "busy" in n.last_error
    m = notify_worker(factory.worker(), "followup_due", "always-busy")
    sender = FlakySender(failures=100)
    now = NOW
    for _ in range(MAX_ATTEMPTS):
        assert claim_batch(now) == [m.id]
        send_one(m.id, now, sender)
        now = m.next_try_at
    assert m.status == "failed" and m.attempts == MAX_ATTEMPTS


def test_stale_claim_is_released(db, factory):
    NOW = soon()
    n = notify_worker(factory.worker(), "followup_due", "stuck")
    claim_batch(NOW)  # the deliverer dies here
    db.session.refresh(n)
    assert n.status == "sending"
    assert claim_batch(NOW + timedelta(minutes=5)) == []
    assert claim_batch(NOW + timedelta(minutes=16)) == [n.id]


def test_set_inserted_row_is_rendered_at_delivery(db, factory):
    NOW = soon()

    worker = factory.worker(preferred_language="en", name="Li Hua")
    referral = refer(worker, factory.job(), by=None)
    confirm_hire(referral, start_date=date(2025, 9, 24), monthly_wage=None, by=None,
                 today=date(2025, 9, 24))
    assert queue_worker_reminders(date(2025, 10, 9)) == 1
    n = db.session.scalars(sa.select(Notification)).one()
    assert n.text == ""
    claim_batch(NOW)
    sender = FlakySender()
    assert send_one(n.id, NOW, sender) == "sent"
    assert "Li Hua" in n.text and n.text.startswith("Qianlu")


class _Gateway(BaseHTTPRequestHandler):
    answers: list[int] = []
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"body": body, "auth": self.headers["Authorization"],
                                "key": self.headers["Idempotency-Key"]})
        code = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.answers, _Gateway.seen = [], []
    yield f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()


def test_http_gateway_sender(app, db, factory, gateway):
    NOW = soon()
    n = notify_worker(factory.worker(), "followup_due", "gw-1")
    sender = HttpSmsSender(gateway, "secret-token")
    _Gateway.answers = [503, 400]
    with pytest.raises(SendError) as busy:
        sender.send(n)
    assert busy.value.permanent is False
    with pytest.raises(SendError) as bad:
        sender.send(n)
    assert bad.value.permanent is True
    sender.send(n)
    last = _Gateway.seen[-1]
    assert last["auth"] == "Bearer secret-token" and last["key"] == "gw-1"
    assert last["body"]["to"] == n.address and last["body"]["text"] == n.text
    app.config.update(SMS_GATEWAY_URL=gateway, SMS_GATEWAY_TOKEN="t")
    try:
        claim_batch(NOW)
        assert send_one(n.id, NOW) == "sent"
    finally:
        app.config.update(SMS_GATEWAY_URL="", SMS_GATEWAY_TOKEN="")
    with pytest.raises(ValueError):
        HttpSmsSender("file:///etc/passwd", "")
    unreachable = HttpSmsSender("http://127.0.0.1:1/sms", "", timeout=2)
    with pytest.raises(SendError) as down:
        unreachable.send(n)
    assert down.value.permanent is False


def test_inbox(client, db, factory, login_as):
    officer = login_as("officer")
    other = factory.user("officer")
    notify_user(officer, "followup_digest", "d1", link="/followups/", overdue=3, today=1)
    mine = notify_user(officer, "followup_digest", "d2", link="//evil.example/", overdue=1,
                       today=0)
    theirs = notify_user(other, "followup_digest", "d3", overdue=9, today=9)
    assert unread_count(officer) == 2
    page = client.get("/notifications/").get_data(as_text=True)
    assert "3 条已逾期" in page and "9 条已逾期" not in page  # only the user's own messages
    assert client.post(f"/notifications/{theirs.id}/open").headers["Location"].endswith(
        "/notifications/")
    assert db.session.get(type(theirs), theirs.id).read_at is None
    resp = client.post(f"/notifications/{mine.id}/open")
    assert resp.headers["Location"].endswith("/notifications/")  # no open redirect
    assert unread_count(officer) == 1
    client.post("/notifications/read-all")
    assert unread_count(officer) == 0
    assert unread_count(other) == 1
