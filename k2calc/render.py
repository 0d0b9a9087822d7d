"""Render results as a rich table, CSV or JSON. The only module that imports rich."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from k2calc.csvcells import neutralise
from k2calc.foods import Food, source_citations
from k2calc.intake import ABOVE, BELOW, WITHIN, Intake, Total
from k2calc.parse import grams_per_unit, volume_measures

NOT_MEASURED = "—"
NOT_SPLIT = "n/s"
PARTIAL_MARK = "*"
STATUS_STYLE = {BELOW: "bold yellow", WITHIN: "bold green", ABOVE: "bold red"}
LEGEND = (
    f"{NOT_MEASURED} not measured · {NOT_SPLIT} in the total, not split by form · "
    f"{PARTIAL_MARK} a lower bound"
)
LOWER_BOUND_NOTE = (
    f"{PARTIAL_MARK} Some K2 forms were not measured for these foods: the total is a lower bound."
)
FOOD_CSV_COLUMNS = (
    "name", "aliases", "category", "ndb_no", "mk4_mcg_per_100g", "mk7_mcg_per_100g",
    "other_mk_mcg_per_100g", "total_mcg_per_100g", "low_mcg_per_100g", "high_mcg_per_100g",
    "partial", "k1_mcg_per_100g", "measures", "sources", "note",
)  # fmt: skip
TOTAL_CSV_COLUMNS = (
    "input", "food", "grams", "mk4_mcg", "mk7_mcg", "other_mk_mcg", "total_mcg", "low_mcg",
    "high_mcg", "partial", "k1_mcg", "target_min_mcg", "target_max_mcg", "status",
)  # fmt: skip


def console(file: TextIO) -> Console:
    """A console for ``file``: colour only on a terminal, and never when NO_COLOR is set."""
    return Console(file=file, highlight=False, soft_wrap=False)


def clean(value: Any) -> Any:
    """Round floats once, for output (6 decimals hides float noise, keeps micrograms exact)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite number in output: {value}")
        rounded = round(value, 6)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def write_json(data: Any, file: TextIO) -> None:
    """JSON with numbers as numbers, ``null`` for not measured; NaN fails loudly."""
    file.write(json.dumps(clean(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def _csv_cell(value: Any) -> str:
    value = clean(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ";".join(f"{k}={_csv_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ";".join(_csv_cell(v) for v in value)
    return neutralise(value) if isinstance(value, str) else str(value)  # D9: no formulas


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], file: TextIO) -> None:
    """CSV whose header is the JSON keys; lists and maps are joined with ``;``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    file.write(buffer.getvalue())


def plain_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool], file: TextIO
) -> None:
    """A plain aligned text table, for outputs too long to lay out with rich quickly."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    file.write(line(headers) + "\n")
    file.write("  ".join("-" * w for w in widths) + "\n")
    file.writelines(line(row) + "\n" for row in rows)


def mcg(value: float | None, places: int = 1) -> str:
    """A microgram figure for a table cell."""
    return NOT_MEASURED if value is None else f"{value:,.{places}f}"


def grams_text(grams: float) -> str:
    """Grams for a table cell: whole grams when large, more places when tiny."""
    if grams >= 100:
        return f"{grams:,.0f}"
    return f"{grams:.4g}"


def form_cell(value: float | None, unsplit: bool) -> str:
    """A form's cell: the figure, ``—`` not measured, or ``n/s`` in an unsplit total."""
    return NOT_SPLIT if value is None and unsplit else mcg(value)


def form_cells(item: Intake | Total) -> list[str]:
    """MK-4, MK-7 and other-MK cells of an item or a sum: — not measured, n/s unsplit."""
    forms = (item.mk4_mcg, item.mk7_mcg, item.other_mk_mcg)
    unsplit = not item.partial and None in forms
    return [form_cell(value, unsplit) for value in forms]


def total_cell(value: float, partial: bool, measured: bool = True) -> str:
    """A total's cell, marked ``*`` when it is a lower bound; ``—`` when nothing was measured."""
    if not measured:
        return NOT_MEASURED
    return mcg(value) + (PARTIAL_MARK if partial else "")


def band_text(low: float, high: float, places: int = 1) -> str:
    """A low–high band, or an empty string when there is no spread."""
    return "" if math.isclose(low, high) else f"{low:,.{places}f}–{high:,.{places}f}"


def total_table(result: Total, file: TextIO) -> None:
    """The ``total`` view: one row per item, the sum, the band, the target and the status."""
    out = console(file)
    out.print("Vitamin K2 by item (mcg)")
    table = Table(show_footer=True)
    table.add_column("Item", footer="Total", overflow="fold", ratio=2)
    table.add_column("Food", overflow="fold", ratio=2)
    table.add_column(
        "Grams",
        justify="right",
        no_wrap=True,
        footer=grams_text(sum(i.grams for i in result.items)),
    )
    table.add_column("MK-4", justify="right", no_wrap=True, footer=mcg(result.mk4_mcg))
    table.add_column("MK-7", justify="right", no_wrap=True, footer=mcg(result.mk7_mcg))
    table.add_column("Other MK", justify="right", no_wrap=True, footer=mcg(result.other_mk_mcg))
    table.add_column(
        "Total", justify="right", no_wrap=True, footer=total_cell(result.total_mcg, result.partial)
    )
    table.add_column(
        "Range", justify="right", no_wrap=True, footer=band_text(result.low_mcg, result.high_mcg)
    )
    for item in result.items:
        table.add_row(
            item.input,
            item.food,
            grams_text(item.grams),
            *form_cells(item),
            total_cell(item.total_mcg, item.partial, item.k2_measured),
            band_text(item.low_mcg, item.high_mcg),
        )
    out.print(table)
    out.print(target_line(result))
    if result.partial:
        out.print(LOWER_BOUND_NOTE)
    out.print(Text(LEGEND, style="dim"))


def target_line(result: Total) -> Text:
    """``Target 45–200 mcg/day: WITHIN  123.4 mcg``: the status line under a total."""
    target, status = result.target, result.status
    line = Text(f"Target {target.min_mcg:g}–{target.max_mcg:g} mcg/day: ")
    line.append(status.upper(), style=STATUS_STYLE[status])
    line.append(f"  {_distance(result)}")
    return line


def _distance(result: Total) -> str:
    total, target = result.total_mcg, result.target
    prefix = "at least " if result.partial else ""
    if result.status == BELOW:
        return f"{prefix}{total:,.1f} mcg: {target.min_mcg - total:,.1f} short of the minimum"
    if result.status == ABOVE:
        return f"{prefix}{total:,.1f} mcg: {total - target.max_mcg:,.1f} over the maximum"
    return f"{prefix}{total:,.1f} mcg"


def total_rows(result: Total) -> list[dict[str, Any]]:
    """CSV rows for ``total``: one per item, then the summed row labelled ``total``."""
    grams = sum(i.grams for i in result.items)
    document = result.as_dict()
    items = document.pop("items")  # the rest are the summed values, as in JSON
    return [*items, {"input": "total", "food": "", "grams": grams, **document}]


def foods_table(foods: Sequence[Food], file: TextIO, title: str) -> None:
    """The ``foods`` view: K2 by form per 100 g."""
    out = console(file)
    out.print(f"{title} (mcg per 100 g)")
    table = Table()
    table.add_column("Food", overflow="fold")
    table.add_column("Category")
    for header in ("MK-4", "MK-7", "Other MK", "Total", "Range"):
        table.add_column(header, justify="right", no_wrap=True)
    for food in foods:
        unsplit = food.unsplit_mk_mcg_per_100g is not None
        table.add_row(
            food.name,
            food.category,
            *(form_cell(v, unsplit) for v in food.forms_mcg_per_100g),
            total_cell(food.total_mcg_per_100g, food.partial, food.k2_measured),
            band_text(food.low_mcg_per_100g, food.high_mcg_per_100g),
        )
    out.print(table)
    out.print(Text(LEGEND, style="dim"))
    if any(f.partial for f in foods):
        out.print(LOWER_BOUND_NOTE)


def food_rows(foods: Iterable[Food]) -> list[dict[str, Any]]:
    """Machine-readable food objects."""
    return [f.as_dict() for f in foods]


def known_units(food: Food) -> list[tuple[str, float]]:
    """The food's own measures, plus the kitchen volumes its density gives, as (unit, grams)."""
    units = list(food.measures.items())
    if volume_measures(food):
        units.extend(
            (name, grams_per_unit(food, name)[1])
            for name in ("cup", "tbsp", "tsp", "fl oz", "ml")
            if name not in food.measures
        )
    return units


def _per_100g(value: float | None, unsplit: bool) -> str:
    if value is not None:
        return f"{value:,.1f} mcg/100 g"
    return "in the total, not split by form" if unsplit else "not measured"


def _total_per_100g(food: Food) -> str:
    if not food.k2_measured:
        return "not measured (no source measured any K2 form of this food)"
    return total_cell(food.total_mcg_per_100g, food.partial) + " mcg/100 g"


def food_card(food: Food, file: TextIO) -> None:
    """The ``show`` view of one food."""
    out = console(file)
    out.print(food.name)
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    unsplit = food.unsplit_mk_mcg_per_100g is not None
    band = band_text(food.low_mcg_per_100g, food.high_mcg_per_100g)
    units = "".join(f" · {unit} = {grams:.4g} g" for unit, grams in known_units(food))
    citations = source_citations()
    rows = [
        ("Aliases", ", ".join(food.aliases) or "—"),
        ("Category", food.category or "—"),
        ("USDA NDB", food.ndb_no or "—"),
        ("MK-4", _per_100g(food.mk4_mcg_per_100g, unsplit)),
        ("MK-7", _per_100g(food.mk7_mcg_per_100g, unsplit)),
        ("Other MK", _per_100g(food.other_mk_mcg_per_100g, unsplit)),
        ("Total", _total_per_100g(food)),
        ("Range", f"{band} mcg/100 g" if band else "none given"),
        ("K1 (not K2)", _per_100g(food.k1_mcg_per_100g, False) + " (phylloquinone)"),
        ("Units", "g, kg, mg, oz, lb" + units),
        ("Sources", "\n".join(f"{k}: {citations.get(k, '')}" for k in food.sources) or food.origin),
        ("Note", food.note or "—"),
    ]
    for label, value in rows:
        table.add_row(label, value)
    out.print(table)
    if food.partial and food.k2_measured:
        out.print(f"{PARTIAL_MARK} Some forms were not measured: the total is a lower bound.")
