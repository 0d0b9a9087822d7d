"""Intake over days: one day's sums, and the summary of many days (shared by log and report)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from k2calc.intake import Total
from k2calc.target import ABOVE, BELOW, WITHIN, Target
from k2calc.vitamin import VitaminK


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


def coefficient_of_variation(totals: Sequence[float]) -> float | None:
    """Sample standard deviation over the mean; ``None`` for fewer than 2 days or a zero mean."""
    if len(totals) < 2:
        return None
    mean = statistics.fmean(totals)
    return None if mean == 0 else statistics.stdev(totals) / mean


def summarize(days: Sequence[DayIntake], target: Target, subject: str | None = None) -> Summary:
    """Summary of ``days`` (at least one) against ``target``."""
    if not days:
        raise ValueError("summarize needs at least one day")
    totals = [d.vitamin_k.lower_bound_mcg for d in days]
    statuses = [target.status(t) for t in totals]
    return Summary(
        subject=subject,
        days=len(totals),
        mean_mcg=statistics.fmean(totals),
        median_mcg=statistics.median(totals),
        min_mcg=min(totals),
        max_mcg=max(totals),
        days_below=statuses.count(BELOW),
        days_within=statuses.count(WITHIN),
        days_above=statuses.count(ABOVE),
        cv=coefficient_of_variation(totals),
    )
