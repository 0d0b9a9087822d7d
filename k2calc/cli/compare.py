"""Commands for choosing food: ``compare`` and ``suggest``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from k2calc.cli.common import (
    DEFAULT_TARGET,
    FoodsOpt,
    FormatOpt,
    ItemsCommand,
    OutputOpt,
    TargetOpt,
    TitleOpt,
    UsageError,
    food_table,
    items_argument,
    read_items,
    user_errors,
)
from k2calc.cli.completion import complete_food
from k2calc.cli.log import DateOpt, DbOpt, db_path, log_date
from k2calc.compare import DEFAULT_SUGGESTIONS
from k2calc.output import Format, emit, titled
from k2calc.sort_keys import CompareSort


class Per(StrEnum):
    """What ``--per`` can compare by."""

    serving = "serving"


@user_errors
def compare(
    foods: Annotated[
        list[str],
        typer.Argument(
            metavar="FOOD...",
            help="Food names, one per argument: quote names of several words ('egg yolk').",
            autocompletion=complete_food,
        ),
    ],
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount",
            "-a",
            help="The amount of each food: AMOUNT [UNIT] without the food, e.g. '100 g', "
            "'1 cup', '1 slice', '2' (2 pieces). [default: 100 g]",
            show_default=False,
        ),
    ] = None,
    per: Annotated[
        Per | None,
        typer.Option("--per", help="Compare one of each food's own servings instead."),
    ] = None,
    sort: Annotated[
        CompareSort | None,
        typer.Option(
            "--sort",
            "-s",
            help="Sort by a column: numbers high first, to_min low first, no value last. "
            "[default: the order given]",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    foods_file: FoodsOpt = None,
    target: TargetOpt = DEFAULT_TARGET,
    title: TitleOpt = None,
) -> None:
    """Compare foods side by side, and how much of each reaches the target.

    For each food: MK-4, MK-7, the other menaquinones and the total for --amount (100 g by
    default) or --per serving, then the grams that hold the target's minimum and maximum,
    also in the food's natural unit (a piece, a slice, or tablespoons and cups) - 'never'
    for a food with no K2. Where some form was not measured, the total is a lower bound and
    the amount to reach is marked <= (at most). A food the amount does not fit (no serving
    size, no weight for a cup) says so in its row; the others still print. Under the table,
    a bar per food with the minimum and maximum drawn across.

    \b
    Examples:
      k2calc compare natto "egg yolk" gouda
      k2calc compare natto gouda brie --amount "1 oz" --sort total
      k2calc compare "chicken thigh" "chicken drumstick" --per serving --format json
    """
    from k2calc.compare import compare_names
    from k2calc.views_compare import compare_view

    if amount is not None and per is not None:
        raise UsageError("give --amount or --per serving, not both")
    rows = compare_names(
        foods,
        food_table(foods_file),
        amount,
        target,
        per_serving=per is Per.serving,
        sort=sort,
    )
    emit(titled(compare_view(rows, target), title), fmt, output)


@user_errors
def suggest(
    items: Annotated[
        list[str] | None,
        items_argument(
            "What you ate: AMOUNT [UNIT] FOOD, e.g. '2 eggs'. A lone - reads items from stdin, "
            "one a line."
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", min=1, help="Suggest this many of the richest foods."),
    ] = DEFAULT_SUGGESTIONS,
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="Only suggest foods of this category.")
    ] = None,
    date: DateOpt = "today",
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    foods_file: FoodsOpt = None,
    target: TargetOpt = DEFAULT_TARGET,
) -> None:
    """Suggest how much more of a K2-rich food would bring the day to the target.

    Totals what you ate (the items given, or with none the day's meal log, as logged),
    says how far the day is from the target, and, when it is below,
    for each of the foods richest in K2 per 100 g (supplements left out) the amount that
    closes the gap to the minimum and the amount that would bring the day to the maximum.
    A day already within says so; a day above says by how much.

    \b
    Examples:
      k2calc suggest
      k2calc suggest "2 eggs" "1 oz gouda"
      k2calc suggest "1 slice cheddar" --category cheese --limit 3
      printf '2 eggs\\n1 cup whole milk\\n' | k2calc suggest - --format json
    """
    from k2calc.compare import suggest_for_day
    from k2calc.intake import total
    from k2calc.mealog import day_total
    from k2calc.views_compare import suggest_view

    table = food_table(foods_file)
    if items:
        day = total(read_items(items), table, target)
    else:
        day = day_total(db_path(db), log_date(date), target)
    emit(suggest_view(suggest_for_day(day, table, limit, category)), fmt, output)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command(cls=ItemsCommand)(compare)
    # Items may start with '-' ("-3 g natto"): they are items, never options.
    app.command(cls=ItemsCommand)(suggest)
