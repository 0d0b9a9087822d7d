"""Views of the meal log: entries, a day by meal, a range of days with its chart and summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from k2calc.chart import bar_lines
from k2calc.dates import date_range
from k2calc.days import weekly_means
from k2calc.intake import Total
from k2calc.mealog import TABLE_VALUES_LOGGED, Entry, LoggedDay
from k2calc.output import Column, Grid, View, text_width
from k2calc.target import Target
from k2calc.views import (
    DROP_DETAIL,
    K1_STYLE,
    NOT_MEASURED,
    WARFARIN_LINE,
    band_cell,
    grams_text,
    k1_column,
    k2_columns,
    legend,
    mcg,
    percent,
    status_text,
    target_line,
    total_cell,
)
from k2calc.vitamin import Vitamin, VitaminK

if TYPE_CHECKING:
    from k2calc.days import Summary

NO_MEAL = "(no meal)"
CHART_WIDTH = 100


def entries_count(count: int) -> str:
    """``1 entry``, ``3 entries``."""
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def entry_record(entry: Entry, target: Target) -> dict[str, Any]:
    """An entry's machine shape, with its own total's status against ``target``."""
    return {**entry.as_dict(), "status": target.status(entry.intake.vitamin_k.lower_bound_mcg)}


def _values_line(entries: Sequence[Entry]) -> str:
    versions = sorted({e.k2calc_version for e in entries})
    return f"Values as logged, by k2calc {', '.join(versions)} (not today's table)."


def entries_grid(entries: Sequence[Entry], title: str) -> Grid:
    """Entries added or removed: id, date, meal, item, food, grams, total."""
    columns = [
        Column("ID", lambda e: str(e.id), numeric=True),
        Column("Date", lambda e: e.date, drop=1),
        Column("Meal", lambda e: e.meal, drop=2),
        Column("Item", lambda e: e.intake.input),
        Column("Food", lambda e: e.intake.food),
        Column("Grams", lambda e: grams_text(e.intake.grams), numeric=True, drop=DROP_DETAIL),
        Column("Total", lambda e: total_cell(e.intake.vitamin_k), numeric=True),
    ]
    return Grid(columns, entries, title)


def removed_view(removed: Sequence[Entry]) -> View:
    """``log rm``: the entries removed."""
    records = [entry_record(e, Target()) for e in removed]
    return View(records, records, [entries_grid(removed, f"Removed {entries_count(len(removed))}")])


def added_view(added: Sequence[Entry], logged: LoggedDay) -> View:
    """``log add``: the entries added, and the day's new total against the target."""
    target = logged.total.target
    records = [entry_record(e, target) for e in added]
    document = {
        "added": [e.as_dict() for e in added],
        "day": {**logged.day.as_dict(), **target.as_dict()},
    }
    blocks: list[Any] = [
        entries_grid(added, f"Logged {entries_count(len(added))} (mcg)"),
        f"Day {logged.day.date}: {entries_count(len(logged.entries))} in all",
        target_line(logged.total),
    ]
    return View(document, records, blocks)


def _days_document(
    days: Sequence[LoggedDay], target: Target, summary: Summary | None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "table_values": TABLE_VALUES_LOGGED,
        **target.as_dict(),
        "days": [d.as_dict() for d in days],
    }
    if summary is not None or len(days) != 1:
        data["summary"] = None if summary is None else summary.as_dict()
    return data


def _meal_rows(logged: LoggedDay) -> list[tuple[str, Any]]:
    """("meal", (name, subtotal)) then ("entry", entry) rows, meal by meal."""
    rows: list[tuple[str, Any]] = []
    for meal, entries in logged.meals():
        rows.append(
            (
                "meal",
                (meal or NO_MEAL, Total(tuple(e.intake for e in entries), logged.total.target)),
            )
        )
        rows.extend(("entry", e) for e in entries)
    return rows


def day_view(logged: LoggedDay) -> View:
    """One day: entries grouped by meal with ids and subtotals, the day's total and status.

    CSV has the entries only, so summing ``total_mcg`` over its rows gives the day's total.
    """
    target, total = logged.total.target, logged.total
    records = [entry_record(e, target) for e in logged.entries]
    document = _days_document([logged], target, None)
    if not logged.entries:
        empty = f'Nothing logged on {logged.day.date}. Add some: k2calc log add "30 g natto"'
        return View(document, records, [empty])

    def pick(meal: Any, entry: Any) -> Any:
        return lambda row: meal(row[1]) if row[0] == "meal" else entry(row[1])

    amount = pick(lambda m: m[1].vitamin_k, lambda e: e.intake.vitamin_k)

    columns = [
        Column("ID", pick(lambda m: "", lambda e: str(e.id)), numeric=True),
        Column("Item", pick(lambda m: m[0], lambda e: "  " + e.intake.input), footer="Day total"),
        Column("Food", pick(lambda m: "", lambda e: e.intake.food)),
        Column(
            "Grams", pick(lambda m: "", lambda e: grams_text(e.intake.grams)), numeric=True, drop=1
        ),
        *k2_columns(amount, total.vitamin_k, band=False),
        k1_column(amount, total.vitamin_k),
    ]
    grid = Grid(
        columns,
        _meal_rows(logged),
        f"{logged.day.date}: vitamin K2 by meal (mcg)",
        footer=True,
        row_style=lambda row: "bold" if row[0] == "meal" else "",
        section_after=lambda before, row: row[0] == "meal",
    )
    blocks: list[Any] = [grid, target_line(total)]
    if band := band_cell(total.vitamin_k):
        blocks.append(f"Range where sources differ: {band} mcg")
    blocks += [_values_line(logged.entries), legend()]
    return View(document, records, blocks)


NOT_LOGGED = "not logged"
LISTED_DAYS = 62  # a range up to two months lists every day, logged or not


def range_view(
    days: Sequence[LoggedDay],
    summary: Summary | None,
    target: Target,
    span: tuple[str, str],
    today: str,
    vitamin: Vitamin = Vitamin.k2,
) -> View:
    """A range of days: one row a day (days with nothing logged shown as such, never as 0),
    the bar chart of the logged days (K2 against the target, or K1), their summary with the
    steadiness of K2 and K1 apart, and weekly means; ``today`` is marked in progress."""
    first, last = span
    logged = {d.day.date: d for d in days}
    dates = [
        d.isoformat() for d in date_range(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    ]
    not_logged = [d for d in dates if d not in logged]
    records: list[dict[str, Any]] = [
        {**logged[d].day.as_dict(), "entries": len(logged[d].entries)}
        if d in logged
        else {"date": d, "status": NOT_LOGGED, "entries": 0}
        for d in dates
    ]
    weeks = weekly_means([d.day for d in days])
    document = _days_document(days, target, summary)
    document["weeks"] = weeks
    document["not_logged"] = not_logged
    document["in_progress"] = today if today in dates else None
    title = f"{first} to {last}"
    if summary is None:
        return View(document, records, [f"No entries {title}."])

    def status(date: str) -> Any:
        if date not in logged:
            return NOT_LOGGED
        return status_text(logged[date].day.status)

    def day_amount(date: str) -> VitaminK | None:
        return logged[date].day.vitamin_k if date in logged else None

    def measured(date: str) -> str:
        if date not in logged:
            return ""
        coverage = logged[date].day.coverage
        return f"{percent(coverage.k2_coverage)[:-1]}/{percent(coverage.k1_coverage)}"

    columns = [
        Column("Date", lambda d: d + (" (today)" if d == today else ""), fold=False),
        *k2_columns(day_amount, rows=dates),
        Column("Status", status, fold=False),
        k1_column(day_amount),
        Column("Measured\nK2/K1", measured, numeric=True, drop=DROP_DETAIL),
        Column(
            "Entries",
            lambda d: str(len(logged[d].entries)) if d in logged else "",
            numeric=True,
            drop=7,
        ),
    ]
    # A long range lists the days logged only; the line below says how many were not.
    rows = dates if len(dates) <= LISTED_DAYS else [d for d in dates if d in logged]
    blocks: list[Any] = [
        Grid(columns, rows, f"Vitamin K by day, {title} (mcg)"),
        *_chart(days, target, vitamin),
        "",
        *summary_lines(summary, target),
        steadiness_grid(summary),
        STEADINESS_NOTE,
    ]
    if len(weeks) > 1:
        blocks.append(weeks_grid(weeks))
    if not_logged:
        blocks.append(
            f"{len(not_logged)} day(s) with nothing logged are left out of these figures, never "
            "counted as 0."
        )
    if today in logged:
        blocks.append(f"Today ({today}) is still in progress: its total may grow.")
    blocks += [WARFARIN_LINE, _values_line([e for d in days for e in d.entries]), legend()]
    return View(document, records, blocks)


def _chart(days: Sequence[LoggedDay], target: Target, vitamin: Vitamin) -> list[str]:
    """The bar chart of K2 a day against the target, or of K1 a day (no target)."""
    width = min(text_width(), CHART_WIDTH)
    if vitamin is Vitamin.k1:
        bars = [(d.day.date, d.day.vitamin_k.k1_mcg) for d in days]
        return ["\nK1 (phylloquinone) a day, not K2; no target:", *bar_lines(bars, None, width)]
    bars = [(d.day.date, d.day.vitamin_k.lower_bound_mcg) for d in days]
    heading = f"\nTotal K2 a day against the target {target.min_mcg:g}–{target.max_mcg:g} mcg:"
    return [heading, *bar_lines(bars, target, width)]


def summary_lines(summary: Summary, target: Target) -> list[str]:
    """Where the days' K2 fell against the target, as two lines of text."""
    return [
        f"Days logged: {summary.days}   K2 mean {summary.mean_mcg:,.1f}   "
        f"median {summary.median_mcg:,.1f}   min {summary.min_mcg:,.1f}   "
        f"max {summary.max_mcg:,.1f} mcg",
        f"Below {target.min_mcg:g}: {summary.days_below}   within: {summary.days_within}   "
        f"above {target.max_mcg:g}: {summary.days_above}",
    ]


STEADINESS_NOTE = (
    "CV: SD / mean, day to day. Largest change: between two consecutive days logged.\n"
    "Measured: the share of items whose K2 / K1 a source measured. What was not\n"
    "measured counts as 0: the lower the share, the more each figure is a floor."
)


def steadiness_grid(summary: Summary) -> Grid:
    """Mean, SD, CV, the largest day-to-day change and the measured share: K2, then K1."""

    def figure(key: str, cv: bool = False) -> Callable[[str], str]:
        def cell(prefix: str) -> str:
            value = getattr(summary, prefix + key)
            if cv:
                return NOT_MEASURED if value is None else f"{value * 100:.1f}%"
            return mcg(value)

        return cell

    columns = [
        Column("", lambda prefix: "K1 (not K2)" if prefix else "K2"),
        Column("Mean", figure("mean_mcg"), numeric=True),
        Column("SD", figure("sd_mcg"), numeric=True),
        Column("CV", figure("cv", cv=True), numeric=True),
        Column("Largest change", figure("max_change_mcg"), numeric=True),
        Column(
            "Measured",
            lambda prefix: percent(summary.k1_coverage if prefix else summary.k2_coverage),
            numeric=True,
        ),
    ]
    return Grid(columns, ["", "k1_"], f"Steadiness over the {summary.days} days logged (mcg a day)")


def weeks_grid(weeks: Sequence[dict[str, Any]]) -> Grid:
    """Weekly means of K2 and K1 over the days logged in each week."""
    columns = [
        Column("Week of", lambda w: w["week_start"]),
        Column("Days logged", lambda w: str(w["days"]), numeric=True),
        Column("K2 mean", lambda w: mcg(w["mean_mcg"]), numeric=True),
        Column("K1 mean", lambda w: mcg(w["k1_mean_mcg"]), numeric=True, style=K1_STYLE),
    ]
    return Grid(columns, weeks, "Weekly means (Monday to Sunday, days logged only; mcg a day)")


def imported_view(added: Sequence[Entry], where: str) -> View:
    """``log import``: how many entries went in, over which dates."""
    dates = sorted({e.date for e in added})
    document = {
        "imported_entries": len(added),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
    }
    span = f" ({dates[0]} to {dates[-1]})" if dates else ""
    return View(document, [document], [f"Imported {entries_count(len(added))}{span} into {where}"])


def export_view(entries: Sequence[Entry]) -> View:
    """``log export``: date, meal, food, amount, note: the shape ``report`` and ``import`` read."""
    from k2calc.mealog import EXPORT_COLUMNS

    records = [e.export_row() for e in entries]
    return View(records, records, keys=EXPORT_COLUMNS)
