"""The table form of ``report``: one row per subject-day (and meal), or per subject."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from k2calc.bounds import shown
from k2calc.output import Column, Grid
from k2calc.report import plural
from k2calc.views import NOT_MEASURED, STATUS_STYLE, k2_columns, legend, mcg, status_text
from k2calc.vitamin import VitaminK

if TYPE_CHECKING:
    from k2calc.report import Report

LABELS = {"date": "Date", "subject": "Subject", "meal": "Meal"}


def row_amount(row: dict[str, Any]) -> VitaminK:
    """A report row's K2 as the value type."""
    parts = (row["mk4_mcg"], row["mk7_mcg"], row["other_mk_mcg"], row["unsplit_mk_mcg"])
    return VitaminK(*parts, row["low_mcg"], row["high_mcg"], row["partial"])


def _key_cell(key: str, draw: Callable[[Any], str] = str) -> Callable[[dict[str, Any]], str]:
    return lambda row: draw(row[key])


def day_columns(result: Report) -> list[Column]:
    """The columns of a day row: date, subject, meal where shown, K2 and status."""
    keys = [k for k in result.day_keys if k in LABELS]
    return [
        *(Column(LABELS[k], _key_cell(k, lambda v: shown(str(v), 200))) for k in keys),
        *k2_columns(row_amount),
        Column("Status", lambda r: status_text(r["status"])),
    ]


def days_blocks(result: Report, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """``rows`` (the report's day rows) as a table, then the count of days by status."""
    counts = result.status_counts()
    target = result.target
    return [
        Grid(day_columns(result), rows, "Vitamin K2 by day (mcg)"),
        f"Target {target.min_mcg:g}–{target.max_mcg:g} mcg/day: "
        + " · ".join(f"{plural(counts[s], 'day')} {s}" for s in STATUS_STYLE),
        legend(),
    ]


def summary_blocks(result: Report) -> list[Any]:
    """One table row per subject: days, centre, spread and days by status."""
    columns = (
        [Column("Subject", lambda r: shown(str(r["subject"]), 200))] if result.has_subject else []
    )
    columns += [
        Column("Days", lambda r: str(r["days"]), numeric=True),
        *(
            Column(header, _key_cell(key, mcg), numeric=True)
            for header, key in (
                ("Mean", "mean_mcg"),
                ("Median", "median_mcg"),
                ("Min", "min_mcg"),
                ("Max", "max_mcg"),
            )
        ),
        *(Column(s.title(), _key_cell(f"days_{s}"), numeric=True) for s in STATUS_STYLE),
        Column("CV", lambda r: NOT_MEASURED if r["cv"] is None else f"{r['cv']:.0%}", numeric=True),
    ]
    target = result.target
    return [
        Grid(columns, result.summary_rows(), "Vitamin K2 per subject (mcg a day)"),
        f"Target {target.min_mcg:g}–{target.max_mcg:g} mcg/day · CV: day-to-day coefficient "
        "of variation (sample standard deviation / mean)",
    ]
