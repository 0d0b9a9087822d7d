"""Views of the calculator (``total``, ``foods``, ``show``) and the cells every view shares."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

from k2calc.evidence import recipe_ingredients, value_sources
from k2calc.foods import Food, source_citations
from k2calc.intake import Total
from k2calc.output import Column, Grid, Legend, Page, View
from k2calc.parse import grams_per_unit, volume_measures
from k2calc.target import ABOVE, BELOW, UNKNOWN, WITHIN, Target
from k2calc.vitamin import INFERRED, VitaminK

if TYPE_CHECKING:
    from rich.text import Text

NOT_MEASURED = "—"
NOT_SPLIT = "n/s"
PARTIAL_MARK = "*"
LOW_MARK = "†"  # the value rests on a low-confidence source (rule 11)
INFERRED_MARK = "°"  # a zero inferred by a cited rule, not measured (--measured-only: off)
STATUS_STYLE = {BELOW: "bold yellow", WITHIN: "bold green", ABOVE: "bold red", UNKNOWN: "bold"}
OTHER_UNSPLIT = "Other +\nunsplit"  # the header of other MK and unsplit K2 summed
INFERRED_LINE = (
    f"{INFERRED_MARK} K2 0 inferred for a plant food, not measured; --measured-only: left out."
)
K1_NOTE = "K1 phylloquinone (greens, oils): own column, never in the K2 total or target"
FORMS = ("MK-4", "MK-7", "Other MK", NOT_SPLIT, OTHER_UNSPLIT)  # the headers of the form columns
K1_STYLE = "cyan"
WARFARIN_LINE = (
    "On warfarin, INR follows K1 most. These figures count only what was measured\n"
    "in the foods logged: take them to your clinician before changing your diet."
)
LOWER_BOUND_NOTE = (
    f"{PARTIAL_MARK} Some K2 forms were not measured for these foods: the total is a lower bound."
)
# Drop levels on a narrow terminal (the highest goes first, all of a level together): the
# band, then detail columns, then the other and unsplit parts (summed in one column), then
# every form at once (so the forms shown always add up to the total), then grams and K1.
DROP_BAND, DROP_DETAIL, DROP_PARTS, DROP_FORMS, DROP_AMOUNTS = 6, 5, 4, 3, 1
# (header, key, drop order on a narrow terminal: higher goes first)
STORY_FORMS = (
    ("MK-4", "mk4_mcg_per_100g"), ("MK-5", "mk5_mcg_per_100g"), ("MK-6", "mk6_mcg_per_100g"),
    ("MK-7", "mk7_mcg_per_100g"), ("MK-8", "mk8_mcg_per_100g"), ("MK-9", "mk9_mcg_per_100g"),
    ("MK-10", "mk10_mcg_per_100g"), ("Unsplit", "unsplit_mk_mcg_per_100g"),
)  # fmt: skip
FORM_HEADERS = (
    ("MK-4", "mk4_mcg", DROP_FORMS),
    ("MK-7", "mk7_mcg", DROP_FORMS),
    ("Other MK", "other_mk_mcg", DROP_FORMS),
)


def mcg(value: float | None, places: int = 1) -> str:
    """A microgram figure for a table cell."""
    return NOT_MEASURED if value is None else f"{value:,.{places}f}"


def grams_text(grams: float) -> str:
    """Grams for a table cell: whole grams when large, more places when tiny."""
    if grams >= 100:
        return f"{grams:,.0f}"
    return f"{grams:.4g}"


def form_cell(amount: VitaminK, key: str) -> str:
    """A form's cell: the figure, ``—`` not measured, or ``n/s`` in an unsplit total."""
    value = getattr(amount, key)
    if value is None and amount.unsplit_mk_mcg is not None and not amount.partial:
        return NOT_SPLIT
    return mcg(value)


def total_cell(amount: VitaminK) -> str:
    """The K2 total's cell, marked ``*`` when a lower bound; ``—`` when nothing was measured."""
    if amount.total_mcg is None:
        return NOT_MEASURED
    marks = (
        (PARTIAL_MARK if amount.partial else "")
        + (LOW_MARK if amount.confidence == "low" else "")
        + (INFERRED_MARK if amount.confidence == INFERRED else "")
    )
    return mcg(amount.total_mcg) + marks


def k1_cell(amount: VitaminK) -> str:
    """The K1 cell: the figure (``*`` when some item's K1 was not measured) or ``—``."""
    return mcg(amount.k1_mcg) + (PARTIAL_MARK if amount.k1_partial else "")


def percent(value: float | None) -> str:
    """A share as a whole percentage; ``—`` for none."""
    return NOT_MEASURED if value is None else f"{value * 100:.0f}%"


def band_cell(amount: VitaminK, places: int = 1) -> str:
    """The low–high band, or an empty string when there is no spread."""
    low, high = amount.low_mcg, amount.high_mcg
    if low is None or high is None or math.isclose(low, high):
        return ""
    return f"{low:,.{places}f}–{high:,.{places}f}"


def amount_column(
    of: Callable[[Any], VitaminK | None],
    footer: VitaminK | None,
    header: str,
    draw: Callable[[VitaminK], str],
    drop: int = 0,
    style: str = "",
) -> Column:
    """A numeric column drawing each row's amount (``of``; ``None``: an empty cell)."""

    def drawn(row: Any) -> str:
        amount = of(row)
        return "" if amount is None else draw(amount)

    below = "" if footer is None else draw(footer)
    return Column(header, drawn, numeric=True, footer=below, drop=drop, style=style)


def other_unsplit_cell(amount: VitaminK) -> str:
    """The other menaquinones and the unsplit part together (``—`` where neither was)."""
    parts = [v for v in (amount.other_mk_mcg, amount.unsplit_mk_mcg) if v is not None]
    return mcg(sum(parts)) if parts else NOT_MEASURED


def k2_columns(
    of: Callable[[Any], VitaminK | None],
    footer: VitaminK | None = None,
    band: bool = True,
    rows: Sequence[Any] = (),
) -> list[Column]:
    """MK-4, MK-7, Other MK, Total (and Range) columns for rows whose K2 ``of`` gives.

    A row with no K2 (``of`` gives ``None``) has empty cells. Where some of ``rows`` (or
    the footer) hold K2 not split by form, an Unsplit column shows it, so the forms add up
    to the total; on a narrow terminal Other MK and Unsplit go first, summed in one column.
    """

    def form(key: str) -> Callable[[VitaminK], str]:
        return lambda amount: form_cell(amount, key)

    amounts = [footer, *map(of, rows)]
    unsplit = any(a is not None and a.unsplit_mk_mcg is not None for a in amounts)
    parts_drop = DROP_PARTS if unsplit else DROP_FORMS
    columns = [
        amount_column(of, footer, header, form(key), parts_drop if key == "other_mk_mcg" else drop)
        for header, key, drop in FORM_HEADERS
    ]
    if unsplit:
        unsplit_column = amount_column(
            of, footer, NOT_SPLIT, lambda a: mcg(a.unsplit_mk_mcg), drop=DROP_PARTS
        )
        together = amount_column(of, footer, OTHER_UNSPLIT, other_unsplit_cell, DROP_FORMS)
        columns += [unsplit_column, replace(together, stands_for=("Other MK", NOT_SPLIT))]
    columns.append(amount_column(of, footer, "Total", total_cell))
    if band:
        columns.append(amount_column(of, footer, "Range", band_cell, drop=DROP_BAND))
    return columns


def k1_column(of: Callable[[Any], VitaminK | None], footer: VitaminK | None = None) -> Column:
    """The K1 column, in its own colour after the K2 ones: never part of any K2 figure."""
    return amount_column(of, footer, "K1", k1_cell, drop=DROP_AMOUNTS, style=K1_STYLE)


def status_text(status: str) -> Text:
    """A status word in its colour."""
    from rich.text import Text

    return Text(status, style=STATUS_STYLE[status])


LEGEND = Legend(
    [
        [
            (f"{NOT_MEASURED} not measured", ()),
            (f"{NOT_SPLIT} not split by form", FORMS),
            (f"{PARTIAL_MARK} lower bound", ()),
            (f"{LOW_MARK} low-confidence source", ()),
        ],
        [(K1_NOTE, ("K1",))],
    ]
)


INFERRED_LEGEND = Legend(
    [*LEGEND.lines[:1], [(f"{INFERRED_MARK} inferred zero", ())], *LEGEND.lines[1:]]
)


def legend(inferred: bool = False) -> Legend:
    """The legend of the table marks, and what the K1 column is (of the columns shown);
    with ``inferred``, what ``°`` means too (a table that holds an inferred zero)."""
    return INFERRED_LEGEND if inferred else LEGEND


def target_line(result: Total) -> Text:
    """``Target 45–200 mcg/day: WITHIN  123.4 mcg``: the status line under a total."""
    from rich.text import Text

    target, status = result.target, result.status
    line = Text(f"Target {target.min_mcg:g}–{target.max_mcg:g} mcg/day: ")
    line.append(status.upper(), style=STATUS_STYLE[status])
    line.append(f"  {_distance(result.vitamin_k, target, status)}")
    return line


def _distance(amount: VitaminK, target: Target, status: str) -> str:
    if status == UNKNOWN:
        return "no K2 measured in these foods: not judged against the target"
    total = amount.lower_bound_mcg
    prefix = "at least " if amount.partial else ""
    if status == BELOW:
        return f"{prefix}{total:,.1f} mcg: {target.min_mcg - total:,.1f} short of the minimum"
    if status == ABOVE:
        return f"{prefix}{total:,.1f} mcg: {total - target.max_mcg:,.1f} over the maximum"
    return f"{prefix}{total:,.1f} mcg"


def item_columns(result: Total) -> list[Column]:
    """Item, Food, Grams and the K2 columns of a list of intakes, with the sum as footer."""
    return [
        Column("Item", lambda i: i.input, footer="Total"),
        Column("Food", lambda i: i.food),
        Column(
            "Grams",
            lambda i: grams_text(i.grams),
            numeric=True,
            footer=grams_text(result.grams),
            drop=DROP_AMOUNTS,
        ),
        *k2_columns(lambda i: i.vitamin_k, result.vitamin_k, rows=result.items),
        k1_column(lambda i: i.vitamin_k, result.vitamin_k),
    ]


def total_view(result: Total, cited_foods: Sequence[str] = ()) -> View:
    """``k2calc total``: one row per item, the sum, the band, the target and the status; a
    page cites the sources of ``cited_foods`` (the items' foods from the built-in table).

    CSV has the items only, so summing ``total_mcg`` over its rows gives the day's total.
    """
    blocks: list[Any] = [
        Grid(item_columns(result), result.items, "Vitamin K2 by item (mcg)", footer=True),
        target_line(result),
    ]
    if result.vitamin_k.partial:
        blocks.append(LOWER_BOUND_NOTE)
    inferred = any(i.vitamin_k.confidence == INFERRED for i in result.items)
    if inferred:
        blocks.append(INFERRED_LINE)
    blocks.append(legend(inferred))
    page = Page(
        about="Vitamin K in the foods given",
        target=f"K2 {result.target.min_mcg:g}–{result.target.max_mcg:g} mcg a day",
        foods=cited_foods,
    )
    return View(result.as_dict(), [i.as_dict() for i in result.items], blocks, page=page)


def foods_view(foods: Sequence[Food], title: str) -> View:
    """``k2calc foods``: K2 by form per 100 g."""
    columns = [
        Column("Food", lambda f: f.name),
        Column("Category", lambda f: f.category, drop=DROP_DETAIL),
        *k2_columns(lambda f: f.per_100g, rows=foods),
        k1_column(lambda f: f.per_100g),
    ]
    inferred = any(f.inferred_zero for f in foods)
    blocks: list[Any] = [Grid(columns, foods, f"{title} (mcg per 100 g)"), legend(inferred)]
    if any(f.partial for f in foods):
        blocks.append(LOWER_BOUND_NOTE)
    records = [f.as_dict() for f in foods]
    return View(records, records, blocks)


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


def _per_100g(amount: VitaminK, key: str) -> str:
    value = getattr(amount, key)
    if value is not None:
        return f"{value:,.1f} mcg/100 g"
    return (
        "in the total, not split by form" if form_cell(amount, key) == NOT_SPLIT else "not measured"
    )


def food_view(food: Food) -> View:
    """``k2calc show``: every form per 100 g, the band, K1, units, sources and note."""
    from rich.text import Text

    amount = food.per_100g
    story = value_sources(food.name) if food.origin == "built-in" else ()
    citations = source_citations()
    cited = {k: citations[k] for k in food.sources if k in citations}
    band = band_cell(amount)
    if food.inferred_zero:
        total = total_cell(amount) + " mcg/100 g (inferred zero, not measured)"
    elif amount.k2_measured:
        total = total_cell(amount) + " mcg/100 g"
    elif story:
        total = "not measured (no value of its sources is used: see below)"
    else:
        total = "not measured (no source measured any K2 form of this food)"
    rows = [
        ("Aliases", ", ".join(food.aliases) or NOT_MEASURED),
        ("Category", food.category or NOT_MEASURED),
        ("USDA NDB", food.ndb_no or NOT_MEASURED),
        *((header, _per_100g(amount, key)) for header, key, _ in FORM_HEADERS),
        ("Total", total),
        ("Range", f"{band} mcg/100 g" if band else "none given"),
        ("Confidence", food.confidence or NOT_MEASURED),
        ("K1 (not K2)", _per_100g(amount, "k1_mcg") + " (phylloquinone)"),
        (
            "Units",
            "g, kg, mg, oz, lb" + "".join(f" · {u} = {g:.4g} g" for u, g in known_units(food)),
        ),
        ("Sources", "\n".join(f"{k}: {citations.get(k, '')}" for k in food.sources) or food.origin),
        ("Note", food.note or NOT_MEASURED),
    ]
    dish = food.origin == "built-in" and not food.ndb_no and len(food.fndds_codes) == 1
    ingredients = recipe_ingredients(food.fndds_codes[0]) if dish else ()
    story_columns = [
        Column("Source", lambda v: v.source),
        Column("Role", lambda v: v.role),
        Column("Grade", lambda v: v.grade),
        *(Column(header, _figure(key), numeric=True) for header, key in STORY_FORMS),
        Column("Total", lambda v: mcg(v.total_mcg_per_100g), numeric=True),
    ]
    card = Grid(
        [Column("Field", lambda r: Text(r[0], style="bold")), Column("Value", lambda r: r[1])],
        rows,
        bare=True,
    )
    blocks: list[Any] = [food.name, card]
    if amount.partial and amount.k2_measured:
        blocks.append(f"{PARTIAL_MARK} Some forms were not measured: the total is a lower bound.")
    if food.inferred_zero:
        blocks.append(INFERRED_LINE)
    if story:
        blocks.append(Grid(story_columns, story, "Every source that measured it (mcg per 100 g)"))
        blocks.extend(f"why primary: {v.role_because}" for v in story if v.is_primary)
        blocks.extend(
            f"retired: {v.source}: {v.retired_because}" for v in story if v.retired_because
        )
        blocks.extend(
            f"outside the band: {v.source}: {v.role_because}"
            for v in story
            if v.role == "outside-band"
        )
    if ingredients:
        blocks.append(
            Grid(
                INGREDIENT_COLUMNS,
                ingredients,
                "Computed from its ingredients (per 100 g as eaten: grams, mcg)",
            )
        )
    record = food.as_dict()
    measured = [asdict(v) for v in story]
    made_of = {"ingredients": [asdict(i) for i in ingredients]} if ingredients else {}
    cited_foods = [food.name] if food.origin == "built-in" else []
    page = Page(about=f"Vitamin K in {food.name}", foods=cited_foods)
    document = {**record, "citations": cited, "measured_by": measured, **made_of}
    return View(document, [record], blocks, page=page)


def _figure(key: str) -> Callable[[Any], str]:
    return lambda row: mcg(getattr(row, key))


INGREDIENT_COLUMNS = [
    Column("Ingredient", lambda i: i.ingredient),
    Column("Grams", lambda i: f"{i.grams:,.1f}", numeric=True),
    *(Column(h, _figure(k), numeric=True) for h, k, _ in FORM_HEADERS),
    Column("Unsplit", _figure("unsplit_mk_mcg"), numeric=True),
    Column("K1", _figure("k1_mcg"), numeric=True),
]
