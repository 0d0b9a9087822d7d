"""Render ``compare`` and ``suggest``: tables, the bar picture, and their CSV rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from k2calc.compare import Advice, CompareRow, Reach
from k2calc.render import (
    LEGEND,
    _form_cell,
    _total_cell,
    console,
    grams_text,
    mcg,
    target_line,
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
NOT_APPLICABLE = "n/a"
UPPER_BOUND = "≤ "
UPPER_BOUND_NOTE = f"{UPPER_BOUND}some forms of K2 not measured: it may take less than this."
MAX_CHART_WIDTH = 100
MAX_LABEL_WIDTH = 20
BAR_EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_FULL = "█"
MARK = "┊"


def reach_cells(reach: Reach, partial: bool) -> tuple[str, str]:
    """An amount to reach a figure, in grams (``'≤ 4.792 g'`` or ``never``) and natural units."""
    if reach.grams is None:
        return NEVER, ""
    grams = (UPPER_BOUND if partial else "") + f"{grams_text(reach.grams)} g"
    return grams, f"≈ {reach.natural}" if reach.natural else ""


def _fit(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _mark_header(marks: list[tuple[int, str]], offset: int) -> str:
    """The figures of the marks, each starting above its column, pushed right on overlap."""
    line = ""
    for column, text in marks:
        start = max(offset + column, len(line) + 1 if line else 0)
        line = line.ljust(start) + text
    return line


def bar_lines(
    rows: Sequence[tuple[str, float | None]], target: Target, width: int = 80
) -> list[str]:
    """A horizontal bar per (label, mcg), with the target's minimum and maximum drawn across.

    The scale runs to max(target maximum, largest value), so both marks always show; a row
    without a value (``None``) gets no bar and ``n/a``. Every line fits in ``width``.
    """
    if not rows:
        return []
    values = [NOT_APPLICABLE if v is None else mcg(v) for _, v in rows]
    label_width = min(MAX_LABEL_WIDTH, max(len(label) for label, _ in rows))
    value_width = max(len(v) for v in values)
    bar_width = max(10, width - label_width - value_width - 3)  # "label │bars value"
    scale = max([target.max_mcg, *(v for _, v in rows if v is not None)]) or 1.0

    def column(mcg_value: float) -> int:
        return min(bar_width - 1, int(mcg_value / scale * bar_width))

    marks: dict[int, str] = {}
    for figure in (target.min_mcg, target.max_mcg):
        at = column(figure)
        marks[at] = f"{marks[at]}/{figure:g}" if at in marks else f"{figure:g}"
    lines = [_mark_header(sorted(marks.items()), label_width + 2)]
    for (label, value), value_text in zip(rows, values, strict=True):
        cells = [MARK if i in marks else " " for i in range(bar_width)]
        if value is not None:
            full, eighths = divmod(round(value / scale * bar_width * 8), 8)
            cells[:full] = BAR_FULL * full
            if eighths and full < bar_width:
                cells[full] = BAR_EIGHTHS[eighths]
        name = _fit(label, label_width)
        lines.append(f"{name:<{label_width}} │{''.join(cells)} {value_text:>{value_width}}")
    return lines


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
        unsplit = food.unsplit_total_mcg_per_100g is not None
        forms.add_row(
            food.name,
            grams_text(intake.grams),
            *(_form_cell(v, unsplit) for v in (intake.mk4_mcg, intake.mk7_mcg)),
            _form_cell(intake.other_mk_mcg, unsplit),
            _total_cell(intake.total_mcg, intake.partial),
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
            _total_cell(food.total_mcg_per_100g, food.partial),
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
