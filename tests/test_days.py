"""Summary figures over days, checked by hand arithmetic."""

from __future__ import annotations

import math

import pytest

from k2calc.days import DayIntake, coefficient_of_variation, summarize
from k2calc.target import Target
from k2calc.vitamin import VitaminK


def day(date: str, total: float) -> DayIntake:
    return DayIntake(date, None, VitaminK(mk4_mcg=total, low_mcg=total, high_mcg=total), "")


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
    assert coefficient_of_variation([50.0]) is None
    assert coefficient_of_variation([0.0, 0.0]) is None
    assert coefficient_of_variation([50.0, 50.0]) == 0.0


def test_custom_target_changes_the_counts() -> None:
    days = [day("a", 30.0), day("b", 100.0)]
    summary = summarize(days, Target(min_mcg=20, max_mcg=50))
    assert (summary.days_below, summary.days_within, summary.days_above) == (0, 1, 1)


def test_day_json_has_subject_only_when_there_is_one() -> None:
    assert "subject" not in day("2026-11-01", 1.0).as_dict()
    with_subject = DayIntake("2026-11-01", "p1", VitaminK(), "below")
    assert with_subject.as_dict()["subject"] == "p1"
