"""Intake over days: one day's sums, and the summary of many days (shared by log and report)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from k2calc.intake import Total
from k2calc.target import Target
from k2calc.vitamin import VitaminK

if TYPE_CHECKING:
    import numpy.typing as npt


@dataclass(frozen=True)
class DayIntake:
    """Vitamin K eaten on one day (by one subject, where there is one)."""

    date: str
    subject: str | None
    vitamin_k: VitaminK
    status: str

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape of a day (``subject`` only where there is one)."""
        data: dict[str, Any] = {"date": self.date}
        if self.subject is not None:
            data["subject"] = self.subject
        return {**data, **self.vitamin_k.as_dict(), "status": self.status}


@dataclass(frozen=True)
class Summary:
    """Figures over many days: centre, spread, and how many days fell where."""

    subject: str | None
    days: int
    mean_mcg: float
    median_mcg: float
    min_mcg: float
    max_mcg: float
    days_below: int
    days_within: int
    days_above: int
    cv: float | None  # day-to-day coefficient of variation: sample stdev / mean

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape of a summary."""
        data: dict[str, Any] = {} if self.subject is None else {"subject": self.subject}
        data.update(
            days=self.days,
            mean_mcg=self.mean_mcg,
            median_mcg=self.median_mcg,
            min_mcg=self.min_mcg,
            max_mcg=self.max_mcg,
            days_below=self.days_below,
            days_within=self.days_within,
            days_above=self.days_above,
            cv=self.cv,
        )
        return data


def day_from_total(date: str, total: Total, subject: str | None = None) -> DayIntake:
    """One day's intake from the total of its items."""
    return DayIntake(date, subject, total.vitamin_k, total.status)


SUMMARY_FIGURES = (
    "days", "mean_mcg", "median_mcg", "min_mcg", "max_mcg",
    "days_below", "days_within", "days_above", "cv",
)  # fmt: skip


def summary_columns(
    group: npt.ArrayLike, totals_mcg: npt.ArrayLike, target: Target
) -> dict[str, npt.NDArray[Any]]:
    """The summary figures (``SUMMARY_FIGURES``) of groups of day totals, as columns.

    ``group[i]`` numbers the group (0, 1, … each used at least once) of the day whose total is
    ``totals_mcg[i]``; row ``g`` of each column is group ``g``'s figure. ``cv`` is the sample
    standard deviation over the mean, NaN for fewer than 2 days or a zero mean. The one
    implementation: ``summarize`` (a list of days, for ``log``) and ``report`` (columns of
    many subjects) both call it.
    """
    import numpy as np

    groups = np.asarray(group, dtype=np.intp)
    totals = np.asarray(totals_mcg, dtype=float)
    days = np.bincount(groups)
    size = len(days)
    ordered = totals[np.lexsort((totals, groups))]
    first = np.cumsum(days) - days
    mean = np.bincount(groups, totals, size) / days
    squares = np.bincount(groups, (totals - mean[groups]) ** 2, size)
    stdev = np.sqrt(squares / np.maximum(days - 1, 1))
    has_cv = (days >= 2) & (mean != 0)
    cv = np.divide(stdev, mean, out=np.full(size, np.nan), where=has_cv)
    bands = np.bincount(groups * 3 + target.band(totals), minlength=3 * size).reshape(size, 3)
    return {
        "days": days,
        "mean_mcg": mean,
        "median_mcg": (ordered[first + (days - 1) // 2] + ordered[first + days // 2]) / 2,
        "min_mcg": ordered[first],
        "max_mcg": ordered[first + days - 1],
        "days_below": bands[:, 0],
        "days_within": bands[:, 1],
        "days_above": bands[:, 2],
        "cv": cv,
    }


def coefficient_of_variation(totals: Sequence[float]) -> float | None:
    """Sample standard deviation over the mean; ``None`` for fewer than 2 days or a zero mean."""
    if not totals:
        return None
    cv = float(summary_columns([0] * len(totals), totals, Target())["cv"][0])
    return None if math.isnan(cv) else cv


def summarize(days: Sequence[DayIntake], target: Target, subject: str | None = None) -> Summary:
    """Summary of ``days`` (at least one) against ``target``."""
    if not days:
        raise ValueError("summarize needs at least one day")
    figures = summary_columns([0] * len(days), [d.vitamin_k.lower_bound_mcg for d in days], target)
    one = {key: figures[key][0].item() for key in SUMMARY_FIGURES}
    return Summary(subject=subject, **{**one, "cv": None if math.isnan(one["cv"]) else one["cv"]})
