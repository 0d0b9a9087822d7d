"""Intake over days: one day's sums, and the summary of many days (shared by log and report)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from k2calc.intake import Total
from k2calc.target import Target
from k2calc.vitamin import Coverage, VitaminK

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class DayIntake:
    """Vitamin K eaten on one day (by one subject, where there is one)."""

    date: str
    subject: str | None
    vitamin_k: VitaminK
    status: str
    coverage: Coverage = Coverage()

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape of a day (``subject`` only where there is one)."""
        data: dict[str, Any] = {"date": self.date}
        if self.subject is not None:
            data["subject"] = self.subject
        return {
            **data,
            **self.vitamin_k.as_dict(),
            **self.coverage.as_dict(),
            "status": self.status,
        }


def day_from_total(date: str, total: Total, subject: str | None = None) -> DayIntake:
    """One day's intake from the total of its items."""
    return DayIntake(date, subject, total.vitamin_k, total.status, total.coverage)


# The figures over many days, in output order: K2 (the target's vitamin) then K1 beside it.
SUMMARY_FIGURES = (
    "days", "days_unknown", "mean_mcg", "median_mcg", "min_mcg", "max_mcg",
    "days_below", "days_within", "days_above", "cv",
    "sd_mcg", "max_change_mcg",
    "k1_mean_mcg", "k1_sd_mcg", "k1_cv", "k1_max_change_mcg",
    "k2_coverage", "k1_coverage",
)  # fmt: skip
# The columns a summary reads, a row a day, sorted by group then date (``ordinal``: the
# date's day number, ``datetime.date.toordinal``); K2 and K1 are each day's measured sums
# (``nan`` or 0 where nothing was measured). A day none of whose items had K2 measured
# (``k2_items`` 0) is *unknown*: left out of every K2 figure and counted in ``days_unknown``;
# K1 counts what was measured, 0 where nothing was (a lower bound).
DAY_COLUMNS = ("group", "ordinal", "total_mcg", "k1_mcg", "items", "k2_items", "k1_items")
WEEK_KEYS = ("week_start", "days", "days_unknown", "mean_mcg", "k1_mean_mcg")


@dataclass(frozen=True)
class Summary:
    """Figures over many days: centre, spread, steadiness, how many days fell where, and
    how much of it was measured. Keys as in ``SUMMARY_FIGURES``; ``None`` where a figure
    needs more days (a CV needs 2, a day-to-day change two consecutive days)."""

    subject: str | None
    figures: dict[str, Any]

    def __getattr__(self, key: str) -> Any:
        if key in SUMMARY_FIGURES:
            return self.figures[key]
        raise AttributeError(key)

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape of a summary."""
        data: dict[str, Any] = {} if self.subject is None else {"subject": self.subject}
        return {**data, **self.figures}


def _spread(
    groups: npt.NDArray[np.intp],
    ordinals: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    size: int,
) -> dict[str, npt.NDArray[np.float64]]:
    """Mean, sample SD, CV and the largest change between consecutive calendar days (both
    counted) of each of ``size`` groups' values; NaN where a figure needs more days (a group
    with none has none) or the mean is 0."""
    import numpy as np

    days = np.bincount(groups, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(groups, values, size) / days
    squares = np.bincount(groups, (values - mean[groups]) ** 2, size)
    stdev = np.where(days >= 2, np.sqrt(squares / np.maximum(days - 1, 1)), np.nan)
    cv = np.divide(stdev, mean, out=np.full(size, np.nan), where=(days >= 2) & (mean != 0))
    change = np.full(size, -np.inf)
    next_day = (groups[1:] == groups[:-1]) & (ordinals[1:] - ordinals[:-1] == 1)
    np.maximum.at(change, groups[1:][next_day], np.abs(np.diff(values))[next_day])
    return {"mean": mean, "sd": stdev, "cv": cv, "max_change": np.where(change < 0, np.nan, change)}


def _columns(days: Mapping[str, npt.ArrayLike]) -> dict[str, npt.NDArray[Any]]:
    import numpy as np

    out = {key: np.asarray(days[key]) for key in DAY_COLUMNS}
    out["group"] = out["group"].astype(np.intp)
    out["ordinal"] = out["ordinal"].astype(np.int64)
    for key in ("total_mcg", "k1_mcg"):
        out[key] = np.nan_to_num(out[key].astype(float), nan=0.0)
    return out


def summary_columns(
    days: Mapping[str, npt.ArrayLike], target: Target
) -> dict[str, npt.NDArray[Any]]:
    """The summary figures (``SUMMARY_FIGURES``) of groups of days, as columns.

    ``days`` holds ``DAY_COLUMNS``, a row a logged day, sorted by group (0, 1, … each used at
    least once) then date; row ``g`` of each output column is group ``g``'s figure. Days not
    logged are simply absent: never a zero. The one implementation: ``summarize`` (a list of
    days, for ``log``) and ``report`` (columns of many subjects) both call it.
    """
    import numpy as np

    day = _columns(days)
    all_groups = day["group"]
    size = len(np.bincount(all_groups))
    known = day["k2_items"] > 0  # a day with no K2 measured is unknown: in no K2 figure
    groups, totals = all_groups[known], day["total_mcg"][known]
    counts = np.bincount(groups, minlength=size)
    ordered = np.append(totals[np.lexsort((totals, groups))], np.nan)  # NaN: no known day
    first = np.cumsum(counts) - counts
    none = counts == 0
    middle_low = np.where(none, len(totals), first + (counts - 1) // 2)
    middle_high = np.where(none, len(totals), first + counts // 2)
    k2 = _spread(groups, day["ordinal"][known], totals, size)
    k1 = _spread(all_groups, day["ordinal"], day["k1_mcg"], size)
    bands = np.bincount(groups * 3 + target.band(totals), minlength=3 * size).reshape(size, 3)
    items = np.bincount(all_groups, day["items"], size)
    return {
        "days": np.bincount(all_groups, minlength=size),
        "days_unknown": np.bincount(all_groups[~known], minlength=size),
        "mean_mcg": k2["mean"],
        "median_mcg": (ordered[middle_low] + ordered[middle_high]) / 2,
        "min_mcg": ordered[np.where(none, len(totals), first)],
        "max_mcg": ordered[np.where(none, len(totals), first + counts - 1)],
        "days_below": bands[:, 0],
        "days_within": bands[:, 1],
        "days_above": bands[:, 2],
        "cv": k2["cv"],
        "sd_mcg": k2["sd"],
        "max_change_mcg": k2["max_change"],
        "k1_mean_mcg": k1["mean"],
        "k1_sd_mcg": k1["sd"],
        "k1_cv": k1["cv"],
        "k1_max_change_mcg": k1["max_change"],
        **{
            f"{vitamin}_coverage": np.divide(
                np.bincount(all_groups, day[f"{vitamin}_items"], size),
                items,
                out=np.full(size, np.nan),
                where=items > 0,
            )
            for vitamin in ("k2", "k1")
        },
    }


def week_columns(days: Mapping[str, npt.ArrayLike]) -> dict[str, npt.NDArray[Any]]:
    """Weekly means of K2 and K1 over the days logged in each week (Monday to Sunday), a
    row a group and week with a day logged: ``group``, ``week_start`` (the Monday's day
    number), ``days`` logged, ``days_unknown`` (no K2 measured: left out of ``mean_mcg``,
    NaN when every day is), ``mean_mcg`` and ``k1_mean_mcg``. ``days`` as for
    ``summary_columns``."""
    import numpy as np

    day = _columns(days)
    monday = day["ordinal"] - (day["ordinal"] - 1) % 7  # day number 1 (0001-01-01) is a Monday
    new = np.ones(len(monday), dtype=bool)  # sorted by group then date: a week's days adjoin
    new[1:] = (day["group"][1:] != day["group"][:-1]) | (monday[1:] != monday[:-1])
    week = np.cumsum(new) - 1
    logged = np.bincount(week)
    known = day["k2_items"] > 0
    k2_days = np.bincount(week, known, len(logged))
    with np.errstate(invalid="ignore", divide="ignore"):
        k2_mean = np.bincount(week, np.where(known, day["total_mcg"], 0.0), len(logged)) / k2_days
    return {
        "group": day["group"][new],
        "week_start": monday[new],
        "days": logged,
        "days_unknown": logged - k2_days.astype(np.int64),
        "mean_mcg": k2_mean,
        "k1_mean_mcg": np.bincount(week, day["k1_mcg"]) / logged,
    }


def _day_columns(days: Sequence[DayIntake]) -> dict[str, list[Any]]:
    ordered = sorted(days, key=lambda d: d.date)
    return {
        "group": [0] * len(ordered),
        "ordinal": [dt.date.fromisoformat(d.date).toordinal() for d in ordered],
        "total_mcg": [d.vitamin_k.lower_bound_mcg for d in ordered],
        "k1_mcg": [d.vitamin_k.k1_mcg or 0.0 for d in ordered],
        "items": [d.coverage.items for d in ordered],
        "k2_items": [d.coverage.k2_items for d in ordered],
        "k1_items": [d.coverage.k1_items for d in ordered],
    }


def _plain(value: Any) -> Any:
    """A numpy scalar as a Python value; NaN as ``None``."""
    value = value.item() if hasattr(value, "item") else value
    return None if isinstance(value, float) and math.isnan(value) else value


def summarize(days: Sequence[DayIntake], target: Target, subject: str | None = None) -> Summary:
    """Summary of ``days`` (at least one, one per date) against ``target``."""
    if not days:
        raise ValueError("summarize needs at least one day")
    figures = summary_columns(_day_columns(days), target)
    return Summary(subject, {key: _plain(figures[key][0]) for key in SUMMARY_FIGURES})


def weekly_means(days: Sequence[DayIntake]) -> list[dict[str, Any]]:
    """The weekly means (``WEEK_KEYS``) of ``days``, one per date, week by week."""
    if not days:
        return []
    weeks = week_columns(_day_columns(days))
    rows = [{key: _plain(weeks[key][i]) for key in WEEK_KEYS} for i in range(len(weeks["days"]))]
    for row in rows:
        row["week_start"] = dt.date.fromordinal(row["week_start"]).isoformat()
    return rows


# The band around a person's own usual K1 that a day is compared with: warfarin education
# teaches keeping each day's vitamin K within about 20 % of one's own average (issue #25).
# It compares the person with themselves; it is not a target and not advice.
K1_BAND_SHARE = 0.20


@dataclass(frozen=True)
class K1Band:
    """A person's own mean K1 a day over the days logged, the band of ± ``share`` around it,
    and the days logged whose K1 fell outside it (K1 not measured counts as 0, as in the
    summary)."""

    mean_mcg: float
    share: float
    days_outside: tuple[str, ...]

    @property
    def low_mcg(self) -> float:
        """The lower edge of the band."""
        return self.mean_mcg * (1 - self.share)

    @property
    def high_mcg(self) -> float:
        """The upper edge of the band."""
        return self.mean_mcg * (1 + self.share)

    def outside(self, k1_mcg: float) -> bool:
        """Whether a day's K1 lies outside the band (its edges are inside)."""
        return not self.low_mcg <= k1_mcg <= self.high_mcg

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape (``k1_band`` in ``log show`` JSON)."""
        return {
            "mean_mcg": self.mean_mcg,
            "share": self.share,
            "low_mcg": self.low_mcg,
            "high_mcg": self.high_mcg,
            "days_outside": list(self.days_outside),
        }


def k1_band(days: Sequence[DayIntake], share: float = K1_BAND_SHARE) -> K1Band:
    """The own-mean band of ``days`` (at least one): the mean of their K1, and those outside."""
    k1 = {d.date: d.vitamin_k.k1_mcg or 0.0 for d in days}
    mean = sum(k1.values()) / len(k1)
    band = K1Band(mean, share, ())
    return K1Band(mean, share, tuple(sorted(d for d, v in k1.items() if band.outside(v))))
