"""Views of ``compare`` and ``suggest``: tables, the bar picture, and their machine shapes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from k2calc.chart import bar_lines
from k2calc.compare import SUGGESTION_KEYS, Advice, CompareRow, Reach
from k2calc.output import Column, Grid, Page, TextChart, View, text_width
from k2calc.target import ABOVE, UNKNOWN, WITHIN, Target
from k2calc.views import (
    PARTIAL_MARK,
    grams_text,
    k1_column,
    k2_columns,
    legend,
    mcg,
    target_line,
)
from k2calc.vitamin import VitaminK

NEVER = "never"
NOBODY_MEASURED = "not measured"
UPPER_BOUND = "≤ "
UPPER_BOUND_NOTE = f"{UPPER_BOUND}some forms of K2 not measured: it may take less than this."
CHART_WIDTH = 100


def reach_cells(reach: Reach, partial: bool) -> tuple[str, str]:
    """An amount to reach a figure, in grams (``'≤ 4.792 g'`` or ``never``) and natural units."""
    if reach.grams is None:
        return (NEVER if reach.measured else NOBODY_MEASURED), ""
    grams = (UPPER_BOUND if partial else "") + f"{grams_text(reach.grams)} g"
    return grams, f"≈ {reach.natural}" if reach.natural else ""


def reach_columns(target: Target, reaches: Any, partial: Any) -> list[Column]:
    """Two columns per end of the target: grams that reach it, and the natural amount."""
    columns = []
    for end, figure in ((0, target.min_mcg), (1, target.max_mcg)):

        def cell(part: int, end: int = end) -> Any:
            return lambda row: reach_cells(reaches(row)[end], partial(row))[part]

        columns.append(Column(f"To {figure:g} mcg", cell(0), numeric=True))
        columns.append(Column("", cell(1), drop=1))
    return columns


def intake_amount(row: CompareRow) -> VitaminK | None:
    """A row's vitamin K, ``None`` where its amount could not be weighed."""
    return None if row.intake is None else row.intake.vitamin_k


def compare_view(rows: Sequence[CompareRow], target: Target) -> View:
    """``compare``: K2 by form, the amounts that reach the target, the bar picture."""
    amount = rows[0].amount if rows else ""
    food = Column("Food", lambda r: r.food.name if r.error is None else f"{r.food.name}\n{r.error}")
    forms = [
        food,
        Column(
            "Grams",
            lambda r: "" if r.intake is None else grams_text(r.intake.grams),
            numeric=True,
            drop=1,
        ),
        *k2_columns(intake_amount, band=False, rows=rows),
        k1_column(intake_amount),
    ]
    reach = [
        Column("Food", lambda r: r.food.name),
        *reach_columns(target, lambda r: (r.to_min, r.to_max), lambda r: r.food.partial),
    ]
    blocks: list[Any] = [
        Grid(forms, rows, f"Vitamin K2 in {amount} of each food (mcg)"),
        legend(any(r.food.inferred_zero for r in rows)),
        "",
        Grid(reach, rows, "Amount of each food that holds the target"),
    ]
    if any(r.food.partial and r.to_min.grams is not None for r in rows):
        blocks.append(UPPER_BOUND_NOTE)
    blocks.append(
        f"\nTotal K2 in {amount} (mcg), marked at {target.min_mcg:g} and {target.max_mcg:g}:"
    )
    bars = [(r.food.name, None if r.intake is None else r.intake.vitamin_k.total_mcg) for r in rows]
    blocks.append(TextChart("\n".join(bar_lines(bars, target, min(text_width(), CHART_WIDTH)))))
    records = [r.as_dict() for r in rows]
    page = Page(
        about=f"Vitamin K2 in {amount} of each food",
        target=f"K2 {target.min_mcg:g}–{target.max_mcg:g} mcg a day",
        foods=[r.food.name for r in rows if r.food.origin == "built-in"],
    )
    return View(records, records, blocks, page=page)


def suggest_view(advice: Advice) -> View:
    """``suggest``: where the day stands, then how much of each food closes the gap.

    CSV has the day's figures on every row, one row per suggestion (one row when none).
    """
    day, target = advice.total, advice.total.target
    head = {
        "day_total_mcg": day.vitamin_k.total_mcg,
        "day_partial": day.vitamin_k.partial,
        "status": day.status,
        "gap_mcg": advice.gap_mcg,
        "room_mcg": advice.room_mcg,
        "over_mcg": advice.over_mcg,
        **target.as_dict(),
    }
    records = [{**head, **s.as_dict()} for s in advice.suggestions] or [head]
    blocks: list[Any] = [target_line(day)]
    if day.status == WITHIN:
        blocks.append(
            f"Already within the target: room for {advice.room_mcg:,.1f} mcg more "
            f"before {target.max_mcg:g}."
        )
    elif day.status == ABOVE:
        blocks.append(f"Above the target by {advice.over_mcg:,.1f} mcg: nothing to add.")
    elif day.status == UNKNOWN:
        blocks.append(
            "Nothing was logged for this day: nothing to compare with the target."
            if not day.items
            else "No K2 was measured in this day's foods: how far it is from the target is "
            "unknown, so nothing is suggested."
        )
    else:
        day_partial = day.vitamin_k.partial
        columns = [
            Column("Food", lambda s: s.food.name),
            Column(
                "mcg/100 g",
                lambda s: mcg(s.food.total_mcg_per_100g) + (PARTIAL_MARK if s.food.partial else ""),
                numeric=True,
            ),
            *reach_columns(
                target, lambda s: (s.to_min, s.to_max), lambda s: s.food.partial or day_partial
            ),
        ]
        blocks.append(
            Grid(
                columns,
                advice.suggestions,
                f"Any one of these closes the gap of {advice.gap_mcg:,.1f} mcg",
            )
        )
        blocks.append(
            f"Eat the {target.min_mcg:g} mcg amount; more than the {target.max_mcg:g} mcg amount "
            "passes the maximum."
        )
        if any(s.food.partial for s in advice.suggestions) or day_partial:
            blocks.append(UPPER_BOUND_NOTE)
        if day_partial:
            blocks.append("The day's own total is a lower bound, so the gap may be smaller.")
    return View(advice.as_dict(), records, blocks, keys=[*head, *SUGGESTION_KEYS])
