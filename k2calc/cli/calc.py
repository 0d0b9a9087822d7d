"""Commands of the core calculator: ``total``, ``foods``, ``show``."""

from __future__ import annotations

from typing import Annotated

import typer

from k2calc.bounds import safe_lines
from k2calc.cli.common import (
    DEFAULT_LOOKUP,
    DEFAULT_TARGET,
    EXIT_OUTSIDE_TARGET,
    CheckOpt,
    FoodsOpt,
    FormatOpt,
    ItemsCommand,
    LookupOpt,
    OutputOpt,
    TargetOpt,
    TitleOpt,
    food_table,
    items_argument,
    read_items,
    user_errors,
)
from k2calc.cli.completion import complete_food
from k2calc.errors import CategoryError, K2Error, bad_rows_listing
from k2calc.foods import sort_foods
from k2calc.output import Format, emit, titled
from k2calc.sort_keys import FoodSort
from k2calc.target import Target

TABLE_ROWS = 25  # a table of foods shows this many unless --limit says otherwise


@user_errors
def total(
    items: Annotated[
        list[str],
        items_argument(
            "AMOUNT [UNIT] FOOD, e.g. '30 g natto', '2 eggs', '1/2 cup sauerkraut', "
            "'100 mcg mk-7'. A lone - reads items from stdin, one a line."
        ),
    ],
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    lookup: LookupOpt = DEFAULT_LOOKUP,
    target: TargetOpt = DEFAULT_TARGET,
    check: CheckOpt = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Total the items that can be read; list the others on stderr.",
        ),
    ] = False,
    title: TitleOpt = None,
) -> None:
    """Total the K2 in the items given, by form, against the daily target.

    One row per item and a total row; the low-high band where sources give a range or
    disagree; the status below / within / above the target (45 and 200 are within).
    A value marked * rests on forms nobody measured for that food: a lower bound.

    \b
    Examples:
      k2calc total "30 g natto" "2 eggs" "1 oz gouda"
      k2calc total "1.5 cups whole milk" "2 tbsp butter" --format json
      printf '30g natto\\n1 egg yolk\\n' | k2calc total - --check
      k2calc total - < cronometer-servings-one-day.csv
      k2calc total - --skip-invalid < cronometer-servings-one-day.csv
    """
    from k2calc.intake import total_of
    from k2calc.parse import resolve_all, resolve_usable
    from k2calc.views import total_view

    texts, table = _items_or_export(items), lookup.table()
    if skip_invalid:
        portions, problems = resolve_usable(texts, table, lookup.strict)
        if problems:
            heading = f"k2calc: skipped {len(problems)} item(s) that could not be used:"
            typer.echo(safe_lines(bad_rows_listing(heading, problems)), err=True)
        if not portions:
            raise K2Error("no item could be used; nothing to total")
    else:
        portions = resolve_all(texts, table, lookup.strict)
    result = total_of(portions, target)
    cited = [p.food.name for p in portions if p.food.origin == "built-in"]
    emit(titled(total_view(result, cited), title), fmt, output)
    if check and Target.outside(result.status):
        raise typer.Exit(EXIT_OUTSIDE_TARGET)


def _items_or_export(items: list[str]) -> list[str]:
    """The items given; on stdin, a Cronometer servings export of one day is read as items."""
    from k2calc.diary import cronometer_items

    lines = read_items(items)
    export = cronometer_items(lines) if items == ["-"] else None
    if export is None:
        return lines
    found, days = export.items, export.days
    if export.left_out:
        heading = f"k2calc: stdin: left out {len(export.left_out)} row(s): no food eaten:"
        typer.echo(safe_lines(bad_rows_listing(heading, export.left_out)), err=True)
    if len(days) > 1:
        raise K2Error(
            f"stdin: a Cronometer export of {len(days)} days ({days[0]} … {days[-1]}); total "
            "adds up one day: give one day's rows, or use k2calc report - for each day"
        )
    if not found:
        raise K2Error("stdin: a Cronometer export with no servings")
    return found


@user_errors
def foods(
    query: Annotated[
        list[str] | None,
        typer.Argument(metavar="[QUERY]", help="Words to find in names, aliases or categories."),
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="Only foods of this category.")
    ] = None,
    sort: Annotated[
        FoodSort,
        typer.Option(
            "--sort",
            "-s",
            help="Best match first (named foods, short names), by name, or by a K2 form, the K2 "
            "total or K1 (high first).",
        ),
    ] = FoodSort.match,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            min=1,
            help=f"Show at most this many foods (a table shows {TABLE_ROWS} unless given; "
            "CSV and JSON show all).",
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    foods_file: FoodsOpt = None,
) -> None:
    """List or search the food table: K2 by form per 100 g.

    \b
    Examples:
      k2calc foods gouda
      k2calc foods --category cheese --sort total --limit 10
      k2calc foods chicken --format csv
    """
    from k2calc.views import foods_view

    table = food_table(foods_file)
    text = " ".join(query or [])
    if category is not None and category.lower() not in table.categories + ["supplement"]:
        raise CategoryError(category, table.categories)
    matching = sort_foods(table.search(text, category), sort, text)
    if not matching:
        raise K2Error(
            f"no food matches '{text}'" + (f" in category {category}" if category else "")
        )
    shown = limit or (TABLE_ROWS if fmt is Format.table else None)
    found = matching[:shown]
    title = f"{len(matching)} food{'s' if len(matching) != 1 else ''}" + (
        f" matching '{text}'" if text else ""
    )
    if len(found) < len(matching):
        title += f", the first {len(found)}" + ("" if limit else " (--limit N for more)")
    emit(foods_view(found, title), fmt, output)


@user_errors
def show(
    food: Annotated[
        list[str],
        typer.Argument(metavar="FOOD", help="A food name or alias.", autocompletion=complete_food),
    ],
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    foods_file: FoodsOpt = None,
    title: TitleOpt = None,
) -> None:
    """Show one food: every form per 100 g, its range, the units it knows, its sources.

    \b
    Examples:
      k2calc show natto
      k2calc show egg yolk --format json
    """
    from k2calc.views import food_view

    emit(titled(food_view(food_table(foods_file).find(" ".join(food))), title), fmt, output)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    # Items may start with '-' ("-3 g natto"): they are items, never options.
    app.command(cls=ItemsCommand)(total)
    app.command("foods")(foods)
    app.command()(show)
