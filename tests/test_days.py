"""Summary figures over days, checked by hand arithmetic."""

from __future__ import annotations

import math

import pytest

from k2calc.days import DayIntake, summarize, weekly_means
from k2calc.target import Target
from k2calc.vitamin import Coverage, VitaminK


def day(date: str, total: float) -> DayIntake:
    """A day of one item whose K2 was measured."""
    amount = VitaminK(mk4_mcg=total, low_mcg=total, high_mcg=total)
    return DayIntake(date, None, amount, "", Coverage(1, 1, 0))


def unknown_day(date: str) -> DayIntake:
    """A day of two items, neither with K2 measured (e.g. ghee and jarlsberg)."""
    return DayIntake(date, None, VitaminK(k1_mcg=5.0), "unknown", Coverage(2, 0, 1))


def test_unknown_days_are_in_no_k2_figure_and_counted_apart() -> None:
    # 30, (unknown), 45, (unknown), 210: the K2 figures are those of 30, 45, 210 alone
    days = [
        day("2026-11-01", 30.0),
        unknown_day("2026-11-02"),
        day("2026-11-03", 45.0),
        unknown_day("2026-11-04"),
        day("2026-11-05", 210.0),
    ]
    summary = summarize(days, Target())
    assert (summary.days, summary.days_unknown) == (5, 2)
    assert summary.mean_mcg == pytest.approx(95.0)  # (30 + 45 + 210) / 3, not / 5
    assert (summary.median_mcg, summary.min_mcg, summary.max_mcg) == (45.0, 30.0, 210.0)
    assert (summary.days_below, summary.days_within, summary.days_above) == (1, 1, 1)
    assert summary.cv == pytest.approx(math.sqrt(9975) / 95.0)
    assert summary.max_change_mcg is None  # no two consecutive days both known
    assert summary.k1_mean_mcg == pytest.approx(2.0)  # K1: 5 + 5 over 5 days
    assert summary.k2_coverage == pytest.approx(3 / 7)  # 3 of 3 + 4 items


def test_a_summary_of_unknown_days_only_has_no_k2_figures() -> None:
    summary = summarize([unknown_day("2026-11-02"), unknown_day("2026-11-03")], Target())
    assert (summary.days, summary.days_unknown) == (2, 2)
    figures = ("mean_mcg", "median_mcg", "min_mcg", "max_mcg", "cv", "sd_mcg")
    assert [getattr(summary, f) for f in figures] == [None] * 6
    assert (summary.days_below, summary.days_within, summary.days_above) == (0, 0, 0)
    [week] = weekly_means([unknown_day("2026-11-02"), day("2026-11-03", 50.0)])
    assert (week["days"], week["days_unknown"], week["mean_mcg"]) == (2, 1, 50.0)
    [week] = weekly_means([unknown_day("2026-11-02")])
    assert (week["days"], week["days_unknown"], week["mean_mcg"]) == (1, 1, None)


def test_summary_by_hand() -> None:
    days = [day("2026-11-01", 30.0), day("2026-11-02", 45.0), day("2026-11-03", 210.0)]
    summary = summarize(days, Target())
    assert summary.days == 3
    assert summary.mean_mcg == pytest.approx(95.0)  # (30 + 45 + 210) / 3
    assert summary.median_mcg == 45.0
    assert (summary.min_mcg, summary.max_mcg) == (30.0, 210.0)
    # 45 is within (inclusive); 30 below; 210 above.
    assert (summary.days_below, summary.days_within, summary.days_above) == (1, 1, 1)
    # sample stdev: deviations -65, -50, 115 → squares 4225 + 2500 + 13225 = 19950; /2 = 9975
    assert summary.cv == pytest.approx(math.sqrt(9975) / 95.0)


def test_cv_needs_two_days_and_a_nonzero_mean() -> None:
    assert summarize([day("2026-11-01", 50.0)], Target()).cv is None
    assert summarize([day("2026-11-01", 0.0), day("2026-11-02", 0.0)], Target()).cv is None
    assert summarize([day("2026-11-01", 50.0), day("2026-11-02", 50.0)], Target()).cv == 0.0


def k_day(date: str, k2: float | None, k1: float | None, coverage: Coverage) -> DayIntake:
    return DayIntake(date, None, VitaminK(mk7_mcg=k2, k1_mcg=k1), "", coverage)


# A week and a bit of a warfarin diet, one day not logged (11-05): K2 and K1 by hand.
STEADY_DAYS = [
    k_day("2026-11-02", 40.0, 120.0, Coverage(4, 3, 4)),  # Monday
    k_day("2026-11-03", 50.0, 90.0, Coverage(5, 4, 5)),
    k_day("2026-11-04", 30.0, 300.0, Coverage(3, 3, 2)),
    # 2026-11-05 not logged: left out, never a zero day
    k_day("2026-11-06", 80.0, None, Coverage(2, 2, 0)),  # no K1 measured: 0, a lower bound
    k_day("2026-11-09", 60.0, 150.0, Coverage(6, 6, 6)),  # the next Monday
]


def test_steadiness_for_k2_and_k1_apart_by_hand() -> None:
    summary = summarize(list(reversed(STEADY_DAYS)), Target())  # any order in
    assert summary.days == 5
    # K2: 40, 50, 30, 80, 60 → mean 52; deviations -12 -2 -22 28 8 → squares
    # 144 + 4 + 484 + 784 + 64 = 1480; / 4 = 370
    assert summary.mean_mcg == pytest.approx(52.0)
    assert summary.sd_mcg == pytest.approx(math.sqrt(370))
    assert summary.cv == pytest.approx(math.sqrt(370) / 52)
    # Consecutive calendar days both logged: 11-02→03 (10), 11-03→04 (20); 11-04→06 and
    # 11-06→09 skip days, so they are no day-to-day change.
    assert summary.max_change_mcg == pytest.approx(20.0)
    # K1: 120, 90, 300, 0, 150 → mean 132; deviations -12 -42 168 -132 18 → squares
    # 144 + 1764 + 28224 + 17424 + 324 = 47880; / 4 = 11970
    assert summary.k1_mean_mcg == pytest.approx(132.0)
    assert summary.k1_sd_mcg == pytest.approx(math.sqrt(11970))
    assert summary.k1_cv == pytest.approx(math.sqrt(11970) / 132)
    assert summary.k1_max_change_mcg == pytest.approx(210.0)  # 90 → 300
    # Items: 4 + 5 + 3 + 2 + 6 = 20; K2 measured 3 + 4 + 3 + 2 + 6 = 18; K1 4 + 5 + 2 + 0 + 6 = 17
    assert summary.k2_coverage == pytest.approx(18 / 20)
    assert summary.k1_coverage == pytest.approx(17 / 20)


def test_weekly_means_leave_unlogged_days_out() -> None:
    weeks = weekly_means(STEADY_DAYS)
    assert weeks == [
        # 4 days logged in the week of Monday 2 November: (40 + 50 + 30 + 80) / 4 = 50
        {
            "week_start": "2026-11-02",
            "days": 4,
            "days_unknown": 0,
            "mean_mcg": 50.0,
            "k1_mean_mcg": 127.5,
        },
        {
            "week_start": "2026-11-09",
            "days": 1,
            "days_unknown": 0,
            "mean_mcg": 60.0,
            "k1_mean_mcg": 150.0,
        },
    ]  # K1 (120 + 90 + 300 + 0) / 4 = 127.5


def test_no_consecutive_days_no_change() -> None:
    days = [
        k_day("2026-11-02", 40.0, 1.0, Coverage(1, 1, 1)),
        k_day("2026-11-04", 90.0, 2.0, Coverage(1, 1, 1)),
    ]
    assert summarize(days, Target()).max_change_mcg is None


def test_custom_target_changes_the_counts() -> None:
    days = [day("2026-11-01", 30.0), day("2026-11-02", 100.0)]
    summary = summarize(days, Target(min_mcg=20, max_mcg=50))
    assert (summary.days_below, summary.days_within, summary.days_above) == (0, 1, 1)


def test_day_json_has_subject_only_when_there_is_one() -> None:
    assert "subject" not in day("2026-11-01", 1.0).as_dict()
    with_subject = DayIntake("2026-11-01", "p1", VitaminK(), "below")
    assert with_subject.as_dict()["subject"] == "p1"
