"""Senders: how an outbox row leaves the building. Logging by default; HTTP SMS gateway
when SMS_GATEWAY_URL is set."""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from flask import current_app

from .models import Notification

log = logging.getLogger("qianlu.notifications")


class SendError(Exception):
    """Delivery failed; ``permanent`` failures are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Sender(Protocol):
    """Delivers one message or raises SendError."""

    def send(self, notification: Notification) -> None:  # pragma: no cover - protocol
        """Deliver ``notification``."""


class LoggingSender:
    """Writes the message to the log instead of sending it (development, no gateway)."""

    def send(self, notification: Notification) -> None:
        """Log the message."""
        log.info("notification %s via %s to %s: %s", notification.id, notification.channel,
                 notification.address or notification.recipient_user_id, notification.text)


class HttpSmsSender:
    """POSTs JSON to an SMS gateway with a bearer token.

    The dedupe key goes along as ``Idempotency-Key``: if we retry after a crash between the
    gateway's answer and our commit, the gateway drops the repeat.
    """

    def __init__(self, url: str, token: str, timeout: float = 10.0) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError("SMS_GATEWAY_URL must be an http(s) URL")
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, notification: Notification) -> None:
        """Send one SMS; 2xx is success, 429/5xx/network errors are retried, 4xx is not."""
        body = json.dumps({"to": notification.address, "text": notification.text,
                           "id": notification.dedupe_key}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8",
                     "Authorization": f"Bearer {self.token}",
                     "Idempotency-Key": notification.dedupe_key})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise SendError(f"gateway answered {exc.code}", permanent=permanent) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SendError(f"gateway unreachable: {exc}") from exc


def sender_for(channel: str) -> Sender:
    """The sender configured for a channel."""
    url = current_app.config.get("SMS_GATEWAY_URL", "")
    if channel == "sms" and url:
        return HttpSmsSender(url, current_app.config.get("SMS_GATEWAY_TOKEN", ""))
    return LoggingSender()
