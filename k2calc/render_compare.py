"""Render ``compare`` and ``suggest``: tables, the bar picture, and their CSV rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from k2calc.chart import bar_lines
from k2calc.compare import Advice, CompareRow, Reach
from k2calc.render import (
    LEGEND,
    console,
    form_cells,
    grams_text,
    target_line,
    total_cell,
)
from k2calc.target import ABOVE, WITHIN, Target

COMPARE_CSV_COLUMNS = (
    "food", "amount", "grams", "mk4_mcg", "mk7_mcg", "other_mk_mcg", "total_mcg", "partial",
    "grams_to_min", "grams_to_max", "natural_to_min", "natural_to_max", "error",
)  # fmt: skip
SUGGEST_CSV_COLUMNS = (
    "day_total_mcg", "day_partial", "status", "gap_mcg", "room_mcg", "over_mcg",
    "target_min_mcg", "target_max_mcg", "food", "category", "total_mcg_per_100g", "partial",
    "grams_to_min", "grams_to_max", "natural_to_min", "natural_to_max",
)  # fmt: skip
NEVER = "never"
UPPER_BOUND = "≤ "
UPPER_BOUND_NOTE = f"{UPPER_BOUND}some forms of K2 not measured: it may take less than this."
MAX_CHART_WIDTH = 100


def reach_cells(reach: Reach, partial: bool) -> tuple[str, str]:
    """An amount to reach a figure, in grams (``'≤ 4.792 g'`` or ``never``) and natural units."""
    if reach.grams is None:
        return NEVER, ""
    grams = (UPPER_BOUND if partial else "") + f"{grams_text(reach.grams)} g"
    return grams, f"≈ {reach.natural}" if reach.natural else ""


def compare_table(rows: Sequence[CompareRow], target: Target, file: TextIO) -> None:
    """The ``compare`` view: K2 by form, the amounts that reach the target, the bar picture."""
    from rich.table import Table
    from rich.text import Text

    out = console(file)
    amount = rows[0].amount if rows else ""
    forms = Table(title=f"Vitamin K2 in {amount} of each food (mcg)", title_justify="left")
    forms.add_column("Food", overflow="fold", ratio=1)
    forms.add_column("Grams", justify="right", no_wrap=True)
    for header in ("MK-4", "MK-7", "Other MK", "Total"):
        forms.add_column(header, justify="right", no_wrap=True)
    for row in rows:
        food, intake = row.food, row.intake
        if intake is None:
            forms.add_row(Text(food.name).append(f"\n{row.error}", style="italic"))
            continue
        forms.add_row(
            food.name,
            grams_text(intake.grams),
            *form_cells(intake),
            total_cell(intake.total_mcg, intake.partial),
        )
    out.print(forms)
    out.print(Text(LEGEND, style="dim"))
    reach = Table(title="Amount of each food that holds the target", title_justify="left")
    reach.add_column("Food", overflow="fold", ratio=1)
    for figure in (target.min_mcg, target.max_mcg):
        reach.add_column(f"{figure:g} mcg", justify="right", no_wrap=True)
        reach.add_column("", no_wrap=True)
    for row in rows:
        reach.add_row(
            row.food.name,
            *reach_cells(row.to_min, row.food.partial),
            *reach_cells(row.to_max, row.food.partial),
        )
    out.print()
    out.print(reach)
    if any(r.food.partial and r.to_min.grams is not None for r in rows):
        out.print(UPPER_BOUND_NOTE)
    out.print(f"\nTotal K2 in {amount} (mcg), marked at {target.min_mcg:g} and {target.max_mcg:g}:")
    bars = [(r.food.name, None if r.intake is None else r.intake.total_mcg) for r in rows]
    for line in bar_lines(bars, target, min(out.width, MAX_CHART_WIDTH)):
        out.print(line, markup=False, highlight=False)


def compare_rows(rows: Sequence[CompareRow]) -> list[dict[str, Any]]:
    """Machine-readable rows for ``compare``."""
    return [r.as_dict() for r in rows]


def suggest_table(advice: Advice, file: TextIO) -> None:
    """The ``suggest`` view: where the day stands, then how much of each food closes the gap."""
    from rich.table import Table

    out = console(file)
    day, target = advice.total, advice.total.target
    out.print(target_line(day))
    if day.status == WITHIN:
        out.print(
            f"Already within the target: room for {advice.room_mcg:,.1f} mcg more "
            f"before {target.max_mcg:g}."
        )
        return
    if day.status == ABOVE:
        out.print(f"Above the target by {advice.over_mcg:,.1f} mcg: nothing to add.")
        return
    table = Table(
        title=f"Any one of these closes the gap of {advice.gap_mcg:,.1f} mcg",
        title_justify="left",
    )
    table.add_column("Food", overflow="fold", ratio=1)
    table.add_column("mcg/100 g", justify="right", no_wrap=True)
    table.add_column(f"To {target.min_mcg:g} mcg", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column(f"To {target.max_mcg:g} mcg", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for suggestion in advice.suggestions:
        food = suggestion.food
        partial = food.partial or day.partial
        table.add_row(
            food.name,
            total_cell(food.total_mcg_per_100g, food.partial),
            *reach_cells(suggestion.to_min, partial),
            *reach_cells(suggestion.to_max, partial),
        )
    out.print(table)
    out.print(
        f"Eat the {target.min_mcg:g} mcg amount; more than the {target.max_mcg:g} mcg amount "
        "passes the maximum."
    )
    if any(s.food.partial for s in advice.suggestions) or day.partial:
        out.print(UPPER_BOUND_NOTE)
    if day.partial:
        out.print("The day's own total is a lower bound, so the gap may be smaller.")


def suggest_rows(advice: Advice) -> list[dict[str, Any]]:
    """CSV rows for ``suggest``: the day's figures on every row, one row per suggestion.

    A day within or above the target has no suggestions: one row with the day's figures.
    """
    day = advice.total
    head = {
        "day_total_mcg": day.total_mcg,
        "day_partial": day.partial,
        "status": day.status,
        "gap_mcg": advice.gap_mcg,
        "room_mcg": advice.room_mcg,
        "over_mcg": advice.over_mcg,
        "target_min_mcg": day.target.min_mcg,
        "target_max_mcg": day.target.max_mcg,
    }
    return [{**head, **s.as_dict()} for s in advice.suggestions] or [head]
