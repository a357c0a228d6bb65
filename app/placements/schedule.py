"""Follow-up due dates on the Chinese working-day calendar.

Pure code (no Flask, no database). Working days come from ``chinese_calendar``'s official
State Council calendar, which knows public holidays and 调休 make-up working days (a make-up
Saturday is a working day). For years outside that library's data range we fall back to an
approximate calendar: weekends plus 1 Jan, 1-3 May, 1-7 Oct and Spring Festival eve (除夕) to
正月初六 (lunar, from ``lunarcalendar``); callers can show a note using
:func:`calendar_is_official`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar
from lunarcalendar import Converter, Lunar
from lunarcalendar.converter import DateNotExist

__all__ = [
    "DEFAULT_OFFSETS",
    "back_to_work_check_date",
    "calendar_is_official",
    "followup_due_dates",
    "is_working_day",
    "next_working_day",
    "placements_needing_back_to_work_check",
    "spring_festival",
]

#: Default follow-up offsets in days after the placement start (回访: day 7, 30, 90, 180).
DEFAULT_OFFSETS: tuple[int, ...] = (7, 30, 90, 180)

# No real calendar has a non-working stretch this long; a guard against endless loops.
_MAX_SEARCH_DAYS = 60


def _as_date(d: date) -> date:
    """Drop the time part of a datetime; reject anything that is not a date."""
    if isinstance(d, datetime):
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}")
    return d


@lru_cache(maxsize=512)
def _official_is_workday(d: date) -> bool | None:
    """Official answer from chinese_calendar, or None when the year is outside its data."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return None


@lru_cache(maxsize=256)
def spring_festival(year: int) -> date:
    """Return the solar date of Spring Festival (正月初一) of ``year`` from the lunar calendar.

    Raises ValueError for years outside lunarcalendar's tables (about 1900-2100).
    """
    try:
        return Converter.Lunar2Solar(Lunar(year, 1, 1)).to_date()
    except (DateNotExist, IndexError) as exc:
        raise ValueError(f"no lunar calendar data for year {year}") from exc


@lru_cache(maxsize=256)
def _fallback_holidays(year: int) -> frozenset[date]:
    """Approximate fixed public holidays of ``year`` (no 调休 make-up days)."""
    days: set[date] = {date(year, 1, 1)}
    days.update(date(year, 5, day) for day in range(1, 4))
    days.update(date(year, 10, day) for day in range(1, 8))
    try:
        festival = spring_festival(year)
    except ValueError:  # lunarcalendar has a finite range; keep the rest of the calendar
        festival = None
    if festival is not None:
        # 除夕 (eve) .. 正月初六 (day 6): festival - 1 .. festival + 5
        days.update(festival + timedelta(days=k) for k in range(-1, 6))
    return frozenset(days)


def calendar_is_official(d: date) -> bool:
    """Return True when ``d``'s year is covered by the official chinese_calendar data."""
    return _official_is_workday(_as_date(d)) is not None


def is_working_day(d: date) -> bool:
    """Return True when ``d`` is a working day (official calendar, else the fallback)."""
    d = _as_date(d)
    official = _official_is_workday(d)
    if official is not None:
        return official
    return d.weekday() < 5 and d not in _fallback_holidays(d.year)


def next_working_day(d: date, *, strictly_after: bool = False) -> date:
    """Return the first working day on or after ``d`` (strictly after with the flag)."""
    d = _as_date(d)
    candidate = d + timedelta(days=1) if strictly_after else d
    for _ in range(_MAX_SEARCH_DAYS):
        if is_working_day(candidate):
            return candidate
        candidate += timedelta(days=1)
    raise RuntimeError(f"no working day within {_MAX_SEARCH_DAYS} days of {d}")  # pragma: no cover


def followup_due_dates(
    start: date, offsets: Sequence[int] = DEFAULT_OFFSETS
) -> list[tuple[int, date]]:
    """Return ``(offset, due_date)`` pairs: start + offset moved to the next working day."""
    start = _as_date(start)
    result: list[tuple[int, date]] = []
    for offset in offsets:
        offset = int(offset)
        if offset < 0:
            raise ValueError(f"follow-up offset must be >= 0, got {offset}")
        result.append((offset, next_working_day(start + timedelta(days=offset))))
    return result


def back_to_work_check_date(year: int, days_after: int = 14) -> date:
    """Return the 节后返岗 check date: ``days_after`` days after Spring Festival (working day)."""
    if days_after < 0:
        raise ValueError(f"days_after must be >= 0, got {days_after}")
    return next_working_day(spring_festival(year) + timedelta(days=days_after))


def placements_needing_back_to_work_check(
    placements: Iterable[tuple[Hashable, date, date | None]], year: int
) -> list[Hashable]:
    """Return ids of placements active going into ``year``'s Spring Festival, in input order.

    A placement qualifies when it started before festival day and had not ended before it
    (``end_date`` is None or on/after festival day).
    """
    festival = spring_festival(year)
    ids: list[Hashable] = []
    for placement_id, start_date, end_date in placements:
        if _as_date(start_date) >= festival:
            continue
        if end_date is not None and _as_date(end_date) < festival:
            continue
        ids.append(placement_id)
    return ids
