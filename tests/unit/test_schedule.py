"""Tests for app.placements.schedule (follow-up due dates on the Chinese calendar)."""

from datetime import date, datetime

import chinese_calendar
import pytest

from app.placements.schedule import (
    DEFAULT_OFFSETS,
    back_to_work_check_date,
    calendar_is_official,
    followup_due_dates,
    is_working_day,
    next_working_day,
    placements_needing_back_to_work_check,
    spring_festival,
)

# Official 2025 arrangements (State Council notice): National Day + Mid-Autumn holiday
# 2025-10-01 .. 10-08, make-up working days Sun 2025-09-28 and Sat 2025-10-11.
# Spring Festival holiday 2025-01-28 .. 02-04, make-up days Sun 01-26 and Sat 02-08.
# 2026: Spring Festival holiday 2026-02-15 .. 02-23, make-up days Sat 02-14 and Sat 02-28.


class TestWorkingDays:
    def test_plain_weekday_and_weekend(self):
        assert is_working_day(date(2025, 3, 12))  # Wednesday
        assert not is_working_day(date(2025, 3, 15))  # Saturday
        assert not is_working_day(date(2025, 3, 16))  # Sunday

    def test_public_holiday_on_weekday(self):
        assert not is_working_day(date(2025, 10, 1))  # Wednesday, National Day
        assert not is_working_day(date(2025, 10, 8))  # Wednesday, still holiday

    def test_make_up_weekend_days_are_working_days(self):
        assert is_working_day(date(2025, 9, 28))  # Sunday 调休
        assert is_working_day(date(2025, 10, 11))  # Saturday 调休
        assert is_working_day(date(2026, 2, 14))  # Saturday 调休 before Spring Festival

    def test_next_working_day(self):
        assert next_working_day(date(2025, 10, 1)) == date(2025, 10, 9)
        assert next_working_day(date(2025, 10, 9)) == date(2025, 10, 9)  # on or after
        assert next_working_day(date(2025, 10, 9), strictly_after=True) == date(2025, 10, 10)
        assert next_working_day(date(2025, 10, 10), strictly_after=True) == date(2025, 10, 11)

    def test_datetime_is_accepted(self):
        assert next_working_day(datetime(2025, 10, 3, 15, 30)) == date(2025, 10, 9)

    def test_non_date_rejected(self):
        with pytest.raises(TypeError):
            is_working_day("2025-10-01")  # type: ignore[arg-type]


class TestFollowupDueDates:
    def test_default_offsets(self):
        assert DEFAULT_OFFSETS == (7, 30, 90, 180)
        # start Mon 2025-03-03: +7 Mon 03-10, +30 Wed 04-02, +90 Sun 06-01 (Dragon Boat
        # holiday 2025 is 05-31..06-02) -> Tue 06-03, +180 Sat 08-30 -> Mon 09-01.
        dues = followup_due_dates(date(2025, 3, 3))
        assert [offset for offset, _ in dues] == [7, 30, 90, 180]
        assert dues[0] == (7, date(2025, 3, 10))
        assert dues[1] == (30, date(2025, 4, 2))
        assert dues[2] == (90, date(2025, 6, 3))  # 06-01 Sun, 06-02 Dragon Boat holiday
        assert dues[3] == (180, date(2025, 9, 1))  # 08-30 Sat -> Mon 09-01

    def test_day7_in_national_day_week_moves_to_first_working_day_after(self):
        # 2025-09-24 + 7 = 2025-10-01 (holiday) -> first working day after is Thu 10-09
        assert followup_due_dates(date(2025, 9, 24), offsets=(7,)) == [(7, date(2025, 10, 9))]

    def test_make_up_working_saturday_stays(self):
        # 2025-10-04 + 7 = Sat 2025-10-11, an official make-up working day: not moved
        assert followup_due_dates(date(2025, 10, 4), offsets=(7,)) == [(7, date(2025, 10, 11))]
        # 2025-09-21 + 7 = Sun 2025-09-28, make-up working Sunday: not moved
        assert followup_due_dates(date(2025, 9, 21), offsets=(7,)) == [(7, date(2025, 9, 28))]

    def test_spring_festival_2026(self):
        # 2026-02-10 + 7 = 2026-02-17 (festival day) -> first working day Tue 02-24
        assert followup_due_dates(date(2026, 2, 10), offsets=(7,)) == [(7, date(2026, 2, 24))]

    def test_custom_offsets_and_zero(self):
        assert followup_due_dates(date(2025, 10, 1), offsets=(0, 1)) == [
            (0, date(2025, 10, 9)),
            (1, date(2025, 10, 9)),
        ]

    def test_negative_offset_rejected(self):
        with pytest.raises(ValueError):
            followup_due_dates(date(2025, 1, 1), offsets=(-1,))

    def test_due_dates_crossing_into_unofficial_year(self):
        # 2026-12-01 + 30 = Thu 2026-12-31 (official, working); +90 = Mon 2027-03-01 (fallback)
        dues = dict(followup_due_dates(date(2026, 12, 1), offsets=(30, 90)))
        assert dues[30] == date(2026, 12, 31)
        assert dues[90] == date(2027, 3, 1)
        assert calendar_is_official(dues[30])
        assert not calendar_is_official(dues[90])


class TestSpringFestival:
    @pytest.mark.parametrize(
        ("year", "expected"),
        [
            (2025, date(2025, 1, 29)),
            (2026, date(2026, 2, 17)),
            (2027, date(2027, 2, 6)),
            (2024, date(2024, 2, 10)),
        ],
    )
    def test_dates_from_lunar_calendar(self, year, expected):
        assert spring_festival(year) == expected

    def test_out_of_range_year(self):
        with pytest.raises(ValueError):
            spring_festival(2300)

    def test_official_calendar_agrees_for_known_years(self):
        for year in (2024, 2025, 2026):
            on_holiday, name = chinese_calendar.get_holiday_detail(spring_festival(year))
            assert on_holiday
            assert name == chinese_calendar.Holiday.spring_festival.value


class TestBackToWorkCheck:
    def test_two_weeks_after_festival(self):
        assert back_to_work_check_date(2025) == date(2025, 2, 12)  # Wed, working
        assert back_to_work_check_date(2026) == date(2026, 3, 3)  # Tue, working

    def test_moved_to_working_day(self):
        # festival day itself is a holiday; first working day after the 2025 break is 02-05
        assert back_to_work_check_date(2025, days_after=0) == date(2025, 2, 5)
        assert back_to_work_check_date(2026, days_after=0) == date(2026, 2, 24)
        # 2026-02-17 + 11 = Sat 02-28, an official make-up working day
        assert back_to_work_check_date(2026, days_after=11) == date(2026, 2, 28)

    def test_fallback_year(self):
        # 2027 festival Sat 02-06; fallback holiday 除夕 Fri 02-05 .. 初六 Thu 02-11
        assert back_to_work_check_date(2027, days_after=0) == date(2027, 2, 12)
        assert back_to_work_check_date(2027) == date(2027, 2, 22)  # 02-20 Sat -> Mon 02-22

    def test_negative_days_rejected(self):
        with pytest.raises(ValueError):
            back_to_work_check_date(2025, days_after=-1)

    def test_placements_active_before_festival(self):
        festival = date(2026, 2, 17)
        placements = [
            (1, date(2025, 6, 1), None),  # still working: yes
            (2, date(2025, 6, 1), date(2026, 1, 10)),  # ended before festival: no
            (3, date(2025, 12, 1), festival),  # ended on festival day: yes (not before it)
            (4, festival, None),  # started on festival day: no
            (5, date(2026, 3, 1), None),  # started after: no
            (6, date(2026, 2, 16), date(2026, 4, 1)),  # day before, ended after: yes
            ("w-7", datetime(2025, 1, 1, 9, 0), datetime(2026, 2, 17, 8, 0)),  # yes
        ]
        assert placements_needing_back_to_work_check(placements, 2026) == [1, 3, 6, "w-7"]

    def test_placements_empty(self):
        assert placements_needing_back_to_work_check([], 2026) == []


class TestFallbackCalendar:
    def test_unknown_year_is_not_official(self):
        assert calendar_is_official(date(2025, 6, 1))
        assert calendar_is_official(date(2026, 12, 31))
        assert not calendar_is_official(date(2027, 1, 4))
        assert not calendar_is_official(date(2003, 1, 6))

    def test_fixed_holidays(self):
        assert not is_working_day(date(2027, 1, 1))  # Fri, New Year
        assert is_working_day(date(2027, 1, 4))  # Mon
        assert not is_working_day(date(2027, 5, 3))  # Mon, Labour Day 1-3 May
        assert is_working_day(date(2027, 5, 4))  # Tue
        for day in range(1, 8):
            assert not is_working_day(date(2027, 10, day))
        assert is_working_day(date(2027, 10, 8))  # Fri

    def test_spring_festival_eve_to_day_six(self):
        assert is_working_day(date(2027, 2, 4))  # Thu, day before eve
        for day in range(5, 12):  # 除夕 Fri 02-05 .. 初六 Thu 02-11
            assert not is_working_day(date(2027, 2, day))
        assert is_working_day(date(2027, 2, 12))

    def test_weekends_only_no_make_up_days(self):
        assert not is_working_day(date(2027, 3, 6))  # Saturday
        assert is_working_day(date(2027, 3, 8))  # Monday

    def test_follow_up_in_fallback_year(self):
        # 2027-09-27 + 7 = 2027-10-04 (fallback National Day) -> Fri 10-08
        assert followup_due_dates(date(2027, 9, 27), offsets=(7,)) == [(7, date(2027, 10, 8))]

    def test_far_past_year(self):
        # 2003 is outside chinese_calendar data: 2003-10-01..07 holiday, 10-08 Wed working
        assert next_working_day(date(2003, 10, 1)) == date(2003, 10, 8)

    def test_year_beyond_lunar_tables_uses_weekends_and_fixed_dates(self):
        assert not calendar_is_official(date(2300, 1, 1))
        assert next_working_day(date(2300, 1, 1)) == date(2300, 1, 2)  # Mon 1 Jan -> Tue
