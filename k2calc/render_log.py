"""Views of the meal log: a day by meal, a range of days with its bar chart, its summary.

rich is imported inside the functions that draw tables, so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from k2calc.chart import bar_lines
from k2calc.target import Target

if TYPE_CHECKING:
    from k2calc.days import Summary
    from k2calc.mealog import Entry, LoggedDay

NO_MEAL = "(no meal)"
ENTRY_CSV_COLUMNS = (
    "id", "date", "meal", "input", "food", "grams", "mk4_mcg", "mk7_mcg", "other_mk_mcg",
    "total_mcg", "low_mcg", "high_mcg", "partial", "status", "note", "k2calc_version",
    "logged_at",
)  # fmt: skip
DAY_CSV_COLUMNS = (
    "date", "mk4_mcg", "mk7_mcg", "other_mk_mcg", "total_mcg", "low_mcg", "high_mcg",
    "partial", "status", "entries",
)  # fmt: skip


def entry_rows(entries: Sequence[Entry], target: Target) -> list[dict[str, Any]]:
    """CSV rows of entries (``status`` is the entry's own total against the target)."""
    return [{**e.as_dict(), "status": target.status(e.intake.total_mcg)} for e in entries]


def day_csv_rows(days: Sequence[LoggedDay]) -> list[dict[str, Any]]:
    """One CSV row per day."""
    return [{**d.day.as_dict(), "entries": len(d.entries)} for d in days]


def _values_line(entries: Sequence[Entry]) -> str:
    versions = sorted({e.k2calc_version for e in entries})
    return f"Values as logged, by k2calc {', '.join(versions)} (not today's table)."


def day_table(logged: LoggedDay, file: TextIO) -> None:
    """One day: entries grouped by meal with ids and subtotals, the day's total and status."""
    from rich.table import Table
    from rich.text import Text

    from k2calc.intake import Total
    from k2calc.render import (
        LEGEND,
        band_text,
        console,
        form_cells,
        grams_text,
        target_line,
        total_cell,
    )

    out = console(file)
    total = logged.total
    if not logged.entries:
        out.print(f'No entries on {logged.day.date}. Add some: k2calc log add "30 g natto"')
        out.print(target_line(total))
        return

    table = Table(
        title=f"{logged.day.date}: vitamin K2 by meal (mcg)", show_footer=True, title_justify="left"
    )
    table.add_column("ID", justify="right", footer="", no_wrap=True)
    table.add_column("Item", footer="Day total", overflow="fold", ratio=3)
    table.add_column("Food", overflow="fold", ratio=2)
    table.add_column("Grams", justify="right", no_wrap=True)
    for header, footer in zip(("MK-4", "MK-7", "Other"), form_cells(total), strict=True):
        table.add_column(header, justify="right", no_wrap=True, footer=footer)
    table.add_column(
        "Total", justify="right", no_wrap=True, footer=total_cell(total.total_mcg, total.partial)
    )
    for meal, entries in logged.meals():
        sub = Total(tuple(e.intake for e in entries), total.target)
        table.add_row(
            "",
            Text(meal or NO_MEAL, style="bold"),
            "",
            "",
            *form_cells(sub),
            total_cell(sub.total_mcg, sub.partial),
            style="bold",
        )
        for entry in entries:
            item = entry.intake
            table.add_row(
                str(entry.id),
                "  " + item.input,
                item.food,
                grams_text(item.grams),
                *form_cells(item),
                total_cell(item.total_mcg, item.partial),
            )
        table.add_section()
    out.print(table)
    out.print(target_line(total))
    band = band_text(total.low_mcg, total.high_mcg)
    if band:
        out.print(f"Range where sources differ: {band} mcg")
    out.print(_values_line(logged.entries))
    out.print(Text(LEGEND, style="dim"))


def range_table(
    days: Sequence[LoggedDay], summary: Summary | None, target: Target, span: str, file: TextIO
) -> None:
    """A range of days: one row a day, the bar chart against the target, and the summary."""
    from rich.table import Table
    from rich.text import Text

    from k2calc.render import LEGEND, STATUS_STYLE, console, mcg, total_cell

    out = console(file)
    if summary is None:
        out.print(f"No entries {span}.")
        return
    table = Table(title=f"Vitamin K2 by day, {span} (mcg)", title_justify="left")
    for header in ("Date", "MK-4", "MK-7", "Other", "Total", "Status", "Entries"):
        table.add_column(header, justify="left" if header == "Date" else "right", no_wrap=True)
    for logged in days:
        d = logged.day
        table.add_row(
            d.date,
            mcg(d.mk4_mcg),
            mcg(d.mk7_mcg),
            mcg(d.other_mk_mcg),
            total_cell(d.total_mcg, d.partial),
            Text(d.status, style=STATUS_STYLE[d.status]),
            str(len(logged.entries)),
        )
    out.print(table)
    width = min(out.width, 100)
    chart = bar_lines([(d.day.date, d.day.total_mcg) for d in days], target, width)
    out.print(f"\nTotal K2 a day against the target {target.min_mcg:g}–{target.max_mcg:g} mcg:")
    for line in chart:
        out.print(line, highlight=False, markup=False)
    out.print()
    for line in summary_lines(summary, target):
        out.print(line, markup=False)
    out.print(_values_line([e for d in days for e in d.entries]))
    out.print(Text(LEGEND, style="dim"))


def summary_lines(summary: Summary, target: Target) -> list[str]:
    """The summary of a range as a few lines of text."""
    cv = "n/a (needs 2 days)" if summary.cv is None else f"{summary.cv * 100:.1f}%"
    return [
        f"Days logged: {summary.days}   mean {summary.mean_mcg:,.1f}   "
        f"median {summary.median_mcg:,.1f}   min {summary.min_mcg:,.1f}   "
        f"max {summary.max_mcg:,.1f} mcg",
        f"Below {target.min_mcg:g}: {summary.days_below}   within: {summary.days_within}   "
        f"above {target.max_mcg:g}: {summary.days_above}",
        f"Day-to-day variation (CV): {cv}; steadiness matters on warfarin",
    ]


def entries_table(entries: Sequence[Entry], title: str, file: TextIO) -> None:
    """Entries added or removed: id, date, meal, item, food, grams, total."""
    from rich.table import Table

    from k2calc.render import console, grams_text, total_cell

    table = Table(title=title, title_justify="left")
    for header in ("ID", "Date", "Meal", "Item", "Food", "Grams", "Total"):
        right = header in ("ID", "Grams", "Total")
        table.add_column(header, justify="right" if right else "left", overflow="fold")
    for entry in entries:
        item = entry.intake
        table.add_row(
            str(entry.id),
            entry.date,
            entry.meal,
            item.input,
            item.food,
            grams_text(item.grams),
            total_cell(item.total_mcg, item.partial),
        )
    console(file).print(table)
