"""``k2calc recipe`` (your own dishes, then foods like any other) and ``k2calc meal``
(saved lists of items, used as ``@name``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from k2calc.cli.common import (
    FoodsOpt,
    FormatOpt,
    ItemsCommand,
    OutputOpt,
    food_table,
    items_argument,
    new_app,
    read_items,
    user_errors,
)
from k2calc.errors import K2Error
from k2calc.output import Format, emit

RECIPE_HELP = """Your own dishes: define one from its items, then use it like any food.

A recipe's K2 per 100 g is computed from its items (their forms, ranges, grades and
lower-bound marks carried through) over its weight: the items' weight, or the weight
once cooked (--cooked-weight). With --servings, '1 serving NAME' is that share of it.
Recipes are kept in recipes.json in your data folder (K2CALC_RECIPES names another
file); a name already taken is never replaced unless you say --replace.

\b
Examples:
  k2calc recipe add "my lasagna" "500 g ground beef" "250 g lasagna noodles" \\
      "400 g ricotta" "200 g mozzarella" "700 g tomato sauce" --servings 8
  k2calc total "1 serving my lasagna"
  k2calc show "my lasagna"
  k2calc recipe export > recipes.json
"""
MEAL_HELP = """Saved meals: a named list of items, logged or totalled as @NAME.

\b
Examples:
  k2calc meal save breakfast "2 eggs" "1 tbsp butter" "1 slice toast"
  k2calc log add @breakfast --meal breakfast
  k2calc total @breakfast "30 g natto"
"""
recipe_app = new_app("recipe", RECIPE_HELP)
meal_app = new_app("meal", MEAL_HELP)

ReplaceOpt = Annotated[
    bool, typer.Option("--replace", help="Replace one of the same name (never done silently).")
]
NameArg = Annotated[str, typer.Argument(help="The name, as you will type it in items.")]


@recipe_app.command("add", cls=ItemsCommand)
@user_errors
def add(
    name: NameArg,
    items: Annotated[list[str], items_argument("The dish's items: AMOUNT [UNIT] FOOD.")],
    servings: Annotated[
        float | None,
        typer.Option("--servings", "-s", min=0.001, help="The servings the dish is cut into."),
    ] = None,
    cooked_weight: Annotated[
        str | None,
        typer.Option(
            "--cooked-weight",
            help="The dish's weight once cooked, e.g. '1.6 kg' (default: the items' weight).",
        ),
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note kept with the recipe.")] = "",
    replace: ReplaceOpt = False,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    foods_file: FoodsOpt = None,
) -> None:
    """Define a dish from its items; it is then a food in total, log, compare and report.

    \b
    Examples:
      k2calc recipe add "my lasagna" "500 g ground beef" "400 g ricotta" --servings 8
      k2calc recipe add "bean stew" "400 g cooked kidney beans" "1 cup kale" \\
          --cooked-weight "900 g" --servings 4
    """
    from k2calc import recipes
    from k2calc.views_recipes import recipe_added_view

    if not name.strip() or name.strip().startswith("@"):
        raise K2Error(f"'{name}' is not a recipe name: give a name such as 'my lasagna'")
    cooked = _grams(cooked_weight) if cooked_weight is not None else None
    recipe = recipes.Recipe(
        " ".join(name.split()), tuple(read_items(items)), servings, cooked, note
    )
    emit(
        recipe_added_view(recipes.add_recipe(recipe, food_table(foods_file), replace)), fmt, output
    )


def _grams(text: str) -> float:
    """A weight such as '900 g' or '1.6 kg', in grams."""
    from k2calc.parse import split_amount
    from k2calc.units import find_unit

    amount, rest = split_amount(text)
    unit = find_unit(rest.strip()) if rest.strip() else None
    if unit is None or unit.kind != "mass":
        raise K2Error(f"--cooked-weight '{text}': give a weight, e.g. '900 g' or '1.6 kg'")
    return amount * unit.size


@recipe_app.command("list")
@user_errors
def list_(fmt: FormatOpt = Format.table, output: OutputOpt = None) -> None:
    """List your recipes: servings, weight and items."""
    from k2calc.recipes import read_book
    from k2calc.views_recipes import recipes_view

    emit(recipes_view(read_book()), fmt, output)


@recipe_app.command("rm")
@user_errors
def rm(name: NameArg) -> None:
    """Remove a recipe (entries already logged keep their values)."""
    from k2calc.recipes import remove_recipe

    typer.echo(f"removed recipe '{remove_recipe(name).name}'")


@recipe_app.command("export")
@user_errors
def export() -> None:
    """Write your recipes and saved meals as JSON, for recipe import elsewhere.

    \b
    Examples:
      k2calc recipe export > my-recipes.json
    """
    from k2calc.recipes import read_book

    typer.echo(json.dumps(read_book().as_dict(), indent=2, ensure_ascii=False))


@recipe_app.command("import")
@user_errors
def import_(
    file: Annotated[str, typer.Argument(metavar="FILE|-", help="JSON as recipe export writes.")],
    replace: ReplaceOpt = False,
    foods_file: FoodsOpt = None,
) -> None:
    """Add the recipes and saved meals of a file written by recipe export: all or none.

    Every recipe is checked against the food table first; names already taken are refused
    unless --replace.
    """
    from k2calc.bounds import MAX_INPUT_BYTES, read_bounded
    from k2calc.errors import os_reason
    from k2calc.files import open_regular
    from k2calc.recipes import RecipeError, book_from_dict, import_book, read_book, with_recipes

    label = "stdin" if file == "-" else file
    try:
        if file == "-":
            data = read_bounded(sys.stdin.buffer)
        else:
            with open_regular(Path(file)) as handle:
                data = read_bounded(handle)
        if data is None:
            raise K2Error(f"{label}: too big (over {MAX_INPUT_BYTES:,} bytes)")
        parsed = json.loads(data.decode("utf-8-sig"))
    except OSError as exc:
        raise K2Error(f"{label}: cannot read: {os_reason(exc)}") from None
    except UnicodeDecodeError as exc:
        raise K2Error(f"{label}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise RecipeError(f"{label}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    book = book_from_dict(parsed, label)
    with_recipes(food_table(foods_file), book)  # every recipe resolves, or nothing is added
    added = import_book(book, replace)
    kept = read_book()
    typer.echo(
        f"imported {len(added.recipes)} recipe(s) and {len(added.meals)} saved meal(s); "
        f"now {len(kept.recipes)} and {len(kept.meals)}"
    )


@meal_app.command("save", cls=ItemsCommand)
@user_errors
def save(
    name: NameArg,
    items: Annotated[list[str], items_argument("The meal's items: AMOUNT [UNIT] FOOD.")],
    replace: ReplaceOpt = False,
    foods_file: FoodsOpt = None,
) -> None:
    """Save a list of items under a name, to log or total as @NAME.

    \b
    Examples:
      k2calc meal save breakfast "2 eggs" "1 tbsp butter"
      k2calc log add @breakfast --meal breakfast
    """
    from k2calc.recipes import save_meal

    meal = save_meal(name, read_items(items), food_table(foods_file), replace)
    typer.echo(f"saved @{meal.name}: {'; '.join(meal.items)}")


@meal_app.command("list")
@user_errors
def meals(fmt: FormatOpt = Format.table, output: OutputOpt = None) -> None:
    """List your saved meals and their items."""
    from k2calc.recipes import read_book
    from k2calc.views_recipes import meals_view

    emit(meals_view(read_book()), fmt, output)


@meal_app.command("rm")
@user_errors
def meal_rm(name: NameArg) -> None:
    """Remove a saved meal (entries already logged stay)."""
    from k2calc.recipes import remove_meal

    typer.echo(f"removed saved meal '@{remove_meal(name).name}'")


def register(app: typer.Typer) -> None:
    """Add the ``recipe`` and ``meal`` groups to ``app``."""
    app.add_typer(recipe_app)
    app.add_typer(meal_app)
