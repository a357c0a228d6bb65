"""Tests for app.placements.survival (Kaplan–Meier retention curves)."""

import math
import time
from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest

from app.placements.survival import (
    Curve,
    Estimate,
    group_curves,
    kaplan_meier,
    placement_observation,
    retention_figures,
)

# --------------------------------------------------------------------------------------
# Hand-computed example
#
#   durations  5  8  8  12  15  20  20  25
#   events     1  1  0   1   0   1   1   0      (1 = job lost, 0 = censored / still in work)
#
#   t   n_at_risk  d  c   S(t)                         Greenwood sum  d/(n(n-d))
#   5       8      1  0   1 * (1 - 1/8) = 7/8 = 0.875   1/(8*7)  = 1/56
#   8       7      1  1   7/8 * (1 - 1/7) = 6/8 = 0.75  + 1/(7*6) = 1/42   (tie: event first,
#                                                                        so the censored
#                                                                        one is at risk)
#  12       5      1  0   0.75 * 4/5 = 0.6              + 1/(5*4) = 1/20
#  15       4      0  1   0.6                           + 0
#  20       3      2  0   0.6 * 1/3 = 0.2               + 2/(3*1) = 2/3
#  25       1      0  1   0.2                           + 0
#
#   Var S(12) = 0.6^2 * (1/56 + 1/42 + 1/20) = 0.36 * 0.0916667 = 0.033     SE = 0.18166
#   Var S(20) = 0.2^2 * (1/56 + 1/42 + 1/20 + 2/3) = 0.04 * 0.7583333 = 0.030333
#
#   log(-log) CI at t = 12 (z = 1.959964):
#     theta_se = sqrt(0.0916667) / |ln 0.6| = 0.302765 / 0.510826 = 0.592697
#     lower = 0.6 ** exp(+z * 0.592697) = 0.6 ** 3.19525 = 0.19550
#     upper = 0.6 ** exp(-z * 0.592697) = 0.6 ** 0.31296 = 0.85225
# --------------------------------------------------------------------------------------
HAND_DURATIONS = [5, 8, 8, 12, 15, 20, 20, 25]
HAND_EVENTS = [True, True, False, True, False, True, True, False]

# Freireich et al. 6-MP arm of the leukaemia remission trial (weeks; 0 = censored), the
# textbook example (Kalbfleisch & Prentice; Klein & Moeschberger; R survival `gehan`).
SIX_MP_DURATIONS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_EVENTS = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]


@pytest.fixture
def hand_curve() -> Curve:
    return kaplan_meier(HAND_DURATIONS, HAND_EVENTS)


class TestHandComputed:
    def test_table(self, hand_curve):
        assert hand_curve.times.tolist() == [5, 8, 12, 15, 20, 25]
        assert hand_curve.at_risk.tolist() == [8, 7, 5, 4, 3, 1]
        assert hand_curve.events.tolist() == [1, 1, 1, 0, 2, 0]
        assert hand_curve.censored.tolist() == [0, 1, 0, 1, 0, 1]
        assert hand_curve.survival == pytest.approx([0.875, 0.75, 0.6, 0.6, 0.2, 0.2])
        assert hand_curve.n == 8
        assert hand_curve.n_events == 5

    def test_greenwood(self, hand_curve):
        s12 = hand_curve.at(12)
        assert hand_curve.variance[2] == pytest.approx(0.36 * (1 / 56 + 1 / 42 + 1 / 20))
        assert hand_curve.std_error[2] == pytest.approx(0.18166, abs=1e-5)
        assert hand_curve.variance[4] == pytest.approx(0.04 * (1 / 56 + 1 / 42 + 1 / 20 + 2 / 3))
        assert s12.survival == pytest.approx(0.6)

    def test_log_log_interval(self, hand_curve):
        s12 = hand_curve.at(12)
        assert s12.lower == pytest.approx(0.19550, abs=1e-4)
        assert s12.upper == pytest.approx(0.85225, abs=1e-4)

    def test_step_function_lookup(self, hand_curve):
        assert hand_curve.at(0).survival == 1.0
        assert hand_curve.at(4.9).survival == 1.0
        assert hand_curve.at(5).survival == pytest.approx(0.875)  # right-continuous
        assert hand_curve.at(7).survival == pytest.approx(0.875)
        assert hand_curve.at(19).survival == pytest.approx(0.6)
        assert hand_curve.at(25).survival == pytest.approx(0.2)

    def test_at_risk_at_day(self, hand_curve):
        # at risk at day d = observations with duration >= d
        assert hand_curve.at(0).at_risk == 8
        assert hand_curve.at(8).at_risk == 7
        assert hand_curve.at(9).at_risk == 5
        assert hand_curve.at(25).at_risk == 1

    def test_beyond_longest_observation_is_unknown(self, hand_curve):
        est = hand_curve.at(26)
        assert est == Estimate(day=26.0, survival=None, lower=None, upper=None, at_risk=0)

    def test_median(self, hand_curve):
        assert hand_curve.median() == 20.0
        assert kaplan_meier([1, 2], [False, False]).median() is None

    def test_as_records(self, hand_curve):
        rows = hand_curve.as_records()
        assert len(rows) == 6
        assert rows[2]["time"] == 12.0
        assert rows[2]["survival"] == pytest.approx(0.6)
        assert set(rows[0]) == {
            "time",
            "at_risk",
            "events",
            "censored",
            "survival",
            "std_error",
            "lower",
            "upper",
        }


class TestSixMP:
    """Textbook values (Greenwood SE) for the 6-MP arm; R: survfit(conf.type = "log-log")."""

    @pytest.mark.parametrize(
        ("week", "survival", "se", "lower", "upper"),
        [
            (6, 0.857, 0.076, 0.620, 0.952),
            (7, 0.807, 0.087, 0.563, 0.923),
            (10, 0.753, 0.096, 0.503, 0.889),
            (13, 0.690, 0.107, 0.432, 0.849),
            (16, 0.627, 0.114, 0.368, 0.805),
            (22, 0.538, 0.128, 0.268, 0.747),
            (23, 0.448, 0.135, 0.188, 0.680),
        ],
    )
    def test_textbook_values(self, week, survival, se, lower, upper):
        curve = kaplan_meier(SIX_MP_DURATIONS, SIX_MP_EVENTS)
        est = curve.at(week)
        i = int(np.flatnonzero(curve.times == week)[0])
        assert est.survival == pytest.approx(survival, abs=5e-4)
        assert curve.std_error[i] == pytest.approx(se, abs=5e-4)
        assert est.lower == pytest.approx(lower, abs=5e-4)
        assert est.upper == pytest.approx(upper, abs=5e-4)

    def test_median_is_23_weeks(self):
        assert kaplan_meier(SIX_MP_DURATIONS, SIX_MP_EVENTS).median() == 23.0

    def test_other_confidence_level(self):
        c90 = kaplan_meier(SIX_MP_DURATIONS, SIX_MP_EVENTS, confidence=0.90)
        c95 = kaplan_meier(SIX_MP_DURATIONS, SIX_MP_EVENTS)
        assert c90.confidence == 0.90
        assert (c90.lower >= c95.lower).all()
        assert (c90.upper <= c95.upper).all()


class TestAgainstScipy:
    def test_random_data_matches_scipy_ecdf(self):
        stats = pytest.importorskip("scipy.stats")
        rng = np.random.default_rng(7)
        durations = rng.integers(0, 200, size=2_000)
        events = rng.random(2_000) < 0.4
        curve = kaplan_meier(durations, events)

        res = stats.ecdf(stats.CensoredData(uncensored=durations[events], right=durations[~events]))
        ci = res.sf.confidence_interval(0.95, method="log-log")
        grid = np.arange(0, int(durations.max()) + 1)
        ours = curve.at_many(grid)
        surv = np.array([e.survival for e in ours], dtype=float)
        low = np.array([e.lower for e in ours], dtype=float)
        high = np.array([e.upper for e in ours], dtype=float)
        np.testing.assert_allclose(surv, res.sf.evaluate(grid), atol=1e-12)
        inner = (surv > 0) & (surv < 1)
        np.testing.assert_allclose(low[inner], ci.low.evaluate(grid)[inner], atol=1e-9)
        np.testing.assert_allclose(high[inner], ci.high.evaluate(grid)[inner], atol=1e-9)


class TestTiesAndEdgeCases:
    def test_events_before_censoring_at_same_time(self):
        # one lost and one censored at day 3: both at risk, S(3) = 1 - 1/2 = 0.5
        # (censoring first would give 1 - 1/1 = 0)
        curve = kaplan_meier([3, 3], [True, False])
        assert curve.at(3).survival == pytest.approx(0.5)
        assert curve.at_risk.tolist() == [2]

    def test_tied_events(self):
        # 4 at risk, 2 lost at day 10: S = 1 - 2/4
        curve = kaplan_meier([10, 10, 12, 14], [True, True, False, True])
        assert curve.at(10).survival == pytest.approx(0.5)
        assert curve.at(14).survival == pytest.approx(0.0)

    def test_order_does_not_matter(self, hand_curve):
        rng = np.random.default_rng(1)
        perm = rng.permutation(len(HAND_DURATIONS))
        shuffled = kaplan_meier(np.array(HAND_DURATIONS)[perm], np.array(HAND_EVENTS)[perm])
        np.testing.assert_array_equal(shuffled.survival, hand_curve.survival)

    def test_ci_bounds_in_unit_interval(self):
        rng = np.random.default_rng(3)
        for n in (1, 2, 5, 50, 500):
            curve = kaplan_meier(rng.integers(0, 30, n), rng.random(n) < 0.7)
            for arr in (curve.lower, curve.upper, curve.survival):
                assert np.isfinite(arr).all()
                assert ((arr >= 0) & (arr <= 1)).all()
            assert (curve.lower <= curve.survival + 1e-12).all()
            assert (curve.upper >= curve.survival - 1e-12).all()
            assert (np.diff(curve.survival) <= 0).all()

    def test_all_censored(self):
        curve = kaplan_meier([10, 40, 90, 120], [False] * 4)
        assert (curve.survival == 1.0).all()
        assert (curve.variance == 0.0).all()
        est = curve.at(90)
        assert (est.survival, est.lower, est.upper, est.at_risk) == (1.0, 1.0, 1.0, 2)
        assert curve.n_events == 0

    def test_all_lost_reaches_zero(self):
        curve = kaplan_meier([1, 2, 3], [True, True, True])
        assert curve.survival == pytest.approx([2 / 3, 1 / 3, 0.0])
        assert curve.variance[-1] == 0.0
        late = curve.at(100)  # curve reached 0: stays 0 beyond the last time
        assert (late.survival, late.lower, late.upper, late.at_risk) == (0.0, 0.0, 0.0, 0)

    def test_empty(self):
        curve = kaplan_meier([], [])
        assert curve.n == 0 and curve.n_events == 0
        assert curve.times.size == 0
        assert curve.max_time is None
        assert curve.median() is None
        assert curve.as_records() == []
        assert curve.at(30) == Estimate(30.0, None, None, None, 0)

    def test_grouped_counts_equal_repeated_observations(self):
        rng = np.random.default_rng(7)
        durations = rng.integers(0, 400, 2_000)
        events = rng.random(2_000) < 0.3
        pairs, counts = np.unique(np.stack([durations, events]), axis=1, return_counts=True)
        grouped = kaplan_meier(pairs[0], pairs[1].astype(bool), counts=counts)
        plain = kaplan_meier(durations, events)
        np.testing.assert_array_equal(grouped.times, plain.times)
        np.testing.assert_array_equal(grouped.at_risk, plain.at_risk)
        np.testing.assert_array_equal(grouped.events, plain.events)
        np.testing.assert_allclose(grouped.survival, plain.survival)
        np.testing.assert_allclose(grouped.lower, plain.lower)
        # a group of no observations changes nothing
        padded = kaplan_meier([*pairs[0], 999], [*pairs[1].astype(bool), True],
                              counts=[*counts, 0])
        np.testing.assert_allclose(padded.survival, plain.survival)
        with pytest.raises(ValueError):
            kaplan_meier([1, 2], [True, False], counts=[1, -1])

    def test_zero_durations(self):
        curve = kaplan_meier([0, 0, 5], [True, False, False])
        assert curve.at(0).survival == pytest.approx(2 / 3)

    def test_integer_event_flags(self, hand_curve):
        curve = kaplan_meier(HAND_DURATIONS, [int(e) for e in HAND_EVENTS])
        np.testing.assert_array_equal(curve.survival, hand_curve.survival)

    @pytest.mark.parametrize(
        ("durations", "events"),
        [
            ([1, 2], [True]),
            ([-1, 2], [True, True]),
            ([float("nan"), 2], [True, True]),
            ([1, 2], [2, 0]),
        ],
    )
    def test_invalid_input(self, durations, events):
        with pytest.raises(ValueError):
            kaplan_meier(durations, events)

    def test_invalid_confidence(self):
        with pytest.raises(ValueError):
            kaplan_meier([1], [True], confidence=1.0)


class TestRetentionFigures:
    def test_default_days(self):
        # 10 placements: lost at 20, 45, 100; censored (recent) at 25, 60; rest 200+ in work
        durations = [20, 45, 100, 25, 60, 200, 210, 220, 230, 240]
        events = [True, True, True, False, False, False, False, False, False, False]
        figs = retention_figures(kaplan_meier(durations, events))
        assert list(figs) == [30, 90, 180]
        # day 30: 10 at risk at 20, one lost -> 0.9
        assert figs[30].survival == pytest.approx(0.9)
        assert figs[30].at_risk == 8
        # day 90: at 45 at risk 8 (20 and 25 gone) -> 0.9 * 7/8
        assert figs[90].survival == pytest.approx(0.9 * 7 / 8)
        # day 180: at 100 at risk 6 -> 0.9 * 7/8 * 5/6
        assert figs[180].survival == pytest.approx(0.9 * 7 / 8 * 5 / 6)
        assert figs[180].at_risk == 5

    def test_recent_placements_are_not_counted_as_lost(self):
        # every placement is recent (observed 10-40 days, none lost): 30-day retention is 1,
        # 90- and 180-day retention are unknown, not 0
        figs = retention_figures(kaplan_meier([10, 20, 35, 40], [False] * 4))
        assert figs[30].survival == 1.0
        assert figs[90].survival is None
        assert figs[180].survival is None

    def test_custom_days(self, hand_curve):
        figs = retention_figures(hand_curve, days=(8, 12))
        assert figs[8].survival == pytest.approx(0.75)
        assert figs[12].survival == pytest.approx(0.6)
        assert retention_figures(hand_curve, days=()) == {}


class TestPlacementObservation:
    def test_ended(self):
        assert placement_observation(date(2025, 1, 1), date(2025, 3, 2), date(2025, 6, 1)) == (
            60,
            True,
        )

    def test_still_in_work_is_censored(self):
        assert placement_observation(date(2025, 1, 1), None, date(2025, 1, 31)) == (30, False)

    def test_end_after_as_of_is_censored(self):
        assert placement_observation(date(2025, 1, 1), date(2025, 5, 1), date(2025, 2, 1)) == (
            31,
            False,
        )

    def test_start_after_as_of_rejected(self):
        with pytest.raises(ValueError):
            placement_observation(date(2025, 2, 1), None, date(2025, 1, 1))


@dataclass
class _Row:
    region: str
    days: int
    lost: bool


class TestGroupCurves:
    def test_dict_records(self):
        records = [
            {"region": "yrd", "duration_days": d, "event": e}
            for d, e in zip(HAND_DURATIONS, HAND_EVENTS, strict=True)
        ] + [{"region": "prd", "duration_days": 30, "event": False}]
        curves = group_curves(records, "region")
        assert list(curves) == ["yrd", "prd"]
        np.testing.assert_allclose(
            curves["yrd"].survival, kaplan_meier(HAND_DURATIONS, HAND_EVENTS).survival
        )
        assert curves["prd"].n == 1
        assert curves["prd"].at(30).survival == 1.0

    def test_object_records_with_callables(self):
        rows = [_Row("guizhou", 10, True), _Row("local", 5, False), _Row("guizhou", 20, False)]
        curves = group_curves(rows, lambda r: r.region.upper(), duration="days", event="lost")
        assert set(curves) == {"GUIZHOU", "LOCAL"}
        assert curves["GUIZHOU"].at(10).survival == pytest.approx(0.5)

    def test_month_key_and_min_size(self):
        rows = [
            {"start": date(2025, 1, 5), "duration_days": 40, "event": True},
            {"start": date(2025, 1, 20), "duration_days": 90, "event": False},
            {"start": date(2025, 2, 3), "duration_days": 10, "event": False},
        ]
        curves = group_curves(rows, lambda r: r["start"].strftime("%Y-%m"), min_size=2)
        assert list(curves) == ["2025-01"]

    def test_none_key_is_a_group(self):
        rows = [{"site": None, "duration_days": 3, "event": True}]
        assert list(group_curves(rows, "site")) == [None]

    def test_empty(self):
        assert group_curves([], "region") == {}


class TestPerformance:
    def test_300k_placements_under_a_second(self):
        rng = np.random.default_rng(0)
        n = 300_000
        durations = rng.integers(0, 400, n)
        events = rng.random(n) < 0.3
        kaplan_meier(durations[:100], events[:100])  # warm-up
        start = time.perf_counter()
        curve = kaplan_meier(durations, events)
        figs = retention_figures(curve)
        elapsed = time.perf_counter() - start
        assert elapsed < 1.0
        assert curve.n == n
        assert all(0 < f.survival < 1 for f in figs.values())
        assert not math.isnan(figs[180].lower)
