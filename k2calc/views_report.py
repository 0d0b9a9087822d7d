"""The table form of ``report``: one row per subject-day (and meal), or per subject."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from k2calc import views
from k2calc.bounds import shown
from k2calc.output import Column, Grid
from k2calc.report import plural
from k2calc.views import STATUS_STYLE, mcg, percent
from k2calc.vitamin import VitaminK

if TYPE_CHECKING:
    from k2calc.report import Report

LABELS = {"date": "Date", "subject": "Subject", "meal": "Meal"}
MEASURED_NOTE = "Measured K2/K1: the share of items whose K2 / K1 a source measured"
STEADINESS_NOTE = (
    "CV: day-to-day coefficient of variation (SD / mean) · Max Δ: the largest change\n"
    "between two consecutive days logged · Not logged: days left out, never counted as 0"
)
IN_PROGRESS_NOTE = "In progress: the subject's last day is today; its total may grow."


def row_amount(row: dict[str, Any]) -> VitaminK:
    """A report row's vitamin K as the value type (K2 by form, its grade, K1 beside it)."""
    parts = (row["mk4_mcg"], row["mk7_mcg"], row["other_mk_mcg"], row["unsplit_mk_mcg"])
    return VitaminK(
        *parts,
        row["low_mcg"],
        row["high_mcg"],
        row["partial"],
        k1_mcg=row["k1_mcg"],
        k1_partial=row["k1_partial"],
        confidence=row["confidence"],
    )


def _key_cell(key: str, draw: Callable[[Any], str] = str) -> Callable[[dict[str, Any]], str]:
    return lambda row: draw(row[key])


def coverage_cell(row: dict[str, Any]) -> str:
    """``60%/80%``: the shares of the row's items with K2 and with K1 measured."""
    return f"{percent(row['k2_coverage'])}/{percent(row['k1_coverage'])}"


def day_columns(result: Report) -> list[Column]:
    """The columns of a day row: date, subject, meal where shown, K2 and status, then K1 and
    the coverage apart from them (the coverage goes first on a narrow terminal)."""
    keys = [k for k in result.day_keys if k in LABELS]
    return [
        *(
            Column(LABELS[k], _key_cell(k, lambda v: shown(str(v), 200)), fold=k != "subject")
            for k in keys
        ),
        *views.k2_columns(row_amount),
        Column("Status", lambda r: views.status_text(r["status"]), fold=False),
        views.k1_column(row_amount),
        Column("Measured K2/K1", coverage_cell, numeric=True, drop=7),
    ]


def days_blocks(result: Report, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """``rows`` (the report's day rows) as a table, then the count of days by status."""
    counts = result.status_counts()
    target = result.target
    return [
        Grid(day_columns(result), rows, "Vitamin K2 by day (mcg), K1 beside it"),
        f"Target {target.min_mcg:g}–{target.max_mcg:g} mcg/day: "
        + " · ".join(f"{plural(counts[s], 'day')} {s}" for s in STATUS_STYLE),
        MEASURED_NOTE,
        views.legend(),
    ]


def _figure(key: str, draw: Callable[[Any], str] = mcg) -> Callable[[dict[str, Any]], str]:
    return lambda row: draw(row[key])


def summary_columns(result: Report, in_progress: bool = False) -> list[Column]:
    """One column per figure: K2 first (centre, spread, steadiness, days by status), then
    K1's (headed K1) and the coverage, apart; the least needed go first when narrow.
    ``in_progress``: some subject's last day is today (else no column says so)."""

    def column(header: str, key: str, draw: Callable[[Any], str] = mcg, drop: int = 0) -> Column:
        return Column(header, _figure(key, draw), numeric=True, drop=drop)

    columns = (
        [Column("Subject", lambda r: shown(str(r["subject"]), 200))] if result.has_subject else []
    )
    return [
        *columns,
        column("Days", "days", str),
        column("Mean", "mean_mcg"),
        column("Median", "median_mcg", drop=8),
        column("Min", "min_mcg", drop=9),
        column("Max", "max_mcg", drop=9),
        Column(
            "/".join(STATUS_STYLE).capitalize(),  # days below / within / above the target
            lambda r: "/".join(str(r[f"days_{s}"]) for s in STATUS_STYLE),
            numeric=True,
            drop=3,
        ),
        column("SD", "sd_mcg", drop=7),
        column("CV", "cv", percent),
        column("Max Δ", "max_change_mcg", drop=2),
        column("K1 mean", "k1_mean_mcg"),
        column("K1 SD", "k1_sd_mcg", drop=7),
        column("K1 CV", "k1_cv", percent, drop=4),
        column("K1 max Δ", "k1_max_change_mcg", drop=5),
        Column("Measured K2/K1", coverage_cell, numeric=True, drop=6),
        column("Not logged", "not_logged", str, drop=1),
        *([column("In progress", "in_progress", lambda v: "yes" if v else "")] * in_progress),
    ]


def week_columns(result: Report) -> list[Column]:
    """The columns of a week row: subject, the week's Monday, days logged, K2 and K1 means."""
    columns = (
        [Column("Subject", lambda r: shown(str(r["subject"]), 200))] if result.has_subject else []
    )
    return [
        *columns,
        Column("Week of", _key_cell("week_start")),
        Column("Days", _key_cell("days"), numeric=True),
        Column("Mean", _figure("mean_mcg"), numeric=True),
        Column("K1 mean", _figure("k1_mean_mcg"), numeric=True),
    ]


WEEKS_TITLE = "Weekly means (mcg a day over the days logged; weeks from Monday)"


def summary_blocks(result: Report, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """One table row per subject (``rows``: the summary rows), then what the figures mean."""
    target = result.target
    in_progress = any(r["in_progress"] for r in rows)
    blocks: list[Any] = [
        Grid(summary_columns(result, in_progress), rows, "Vitamin K per subject (mcg a day)"),
        f"Target {target.min_mcg:g}–{target.max_mcg:g} mcg/day of K2",
        MEASURED_NOTE,
        *STEADINESS_NOTE.splitlines(),
        *views.WARFARIN_LINE.splitlines(),
    ]
    if in_progress:
        blocks.append(IN_PROGRESS_NOTE)
    return blocks
