"""The app's one clock: every date and time the product reasons about comes from here.

The offices work on China's calendar (the ``TIMEZONE`` setting, Asia/Shanghai by default),
while the machine's clock is usually UTC: between 16:00 and 24:00 UTC the two disagree on
what day it is. So nothing else in ``app/`` asks the machine (ruff's TID251 forbids
``date.today``, ``datetime.now`` and ``datetime.utcnow`` there):

- ``today()`` / ``now()``: the date and the time in the configured zone, for every "open on",
  "due by", "closed since" question and every time shown to people;
- ``utcnow()``: naive UTC, as stored in every timestamp column (same on SQLite and PostgreSQL);
- ``local_date(at)``: the configured zone's date at a stored naive-UTC instant.

Services take the date as an argument (``today=``/``day=``) where a caller already has one,
and ask ``today()`` otherwise.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Shanghai"


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone(app: Flask | None = None) -> ZoneInfo:
    """The configured time zone (``TIMEZONE``) of ``app``, else of the current app
    (Asia/Shanghai outside an app context)."""
    if app is None and has_app_context():
        app = current_app
    name = app.config.get("TIMEZONE") if app is not None else None
    return _zone(name or DEFAULT_TIMEZONE)


def utcnow() -> datetime:
    """Current UTC time, naive, as stored in every timestamp column."""
    # The one place in app/ that reads the machine's clock; everything else asks this module.
    return datetime.now(UTC).replace(tzinfo=None)  # noqa: TID251 - the clock itself


def now(app: Flask | None = None) -> datetime:
    """The current time in the configured zone (aware)."""
    return utcnow().replace(tzinfo=UTC).astimezone(zone(app))


def today() -> date:
    """Today's date in the configured zone: the date every "open on" question is asked for."""
    return now().date()


def local_date(at: datetime) -> date:
    """The configured zone's calendar day at the naive-UTC instant ``at``."""
    return at.replace(tzinfo=UTC).astimezone(zone()).date()
