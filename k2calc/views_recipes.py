"""Views of ``k2calc recipe list`` and ``k2calc meal list``."""

from __future__ import annotations

from k2calc.output import Column, Grid, View
from k2calc.recipes import MEAL_MARK, SERVING, Book, RecipeFood
from k2calc.views import grams_text, total_cell


def recipe_added_view(food: RecipeFood) -> View:
    """``recipe add``: the dish's weight, servings and K2 per serving (or per 100 g)."""
    serving = food.measures.get(SERVING)
    per = "serving" if serving else "100 g"
    amount = food.per_100g.scaled((serving or 100.0) / 100.0)
    servings = (
        f", {food.weight_grams / serving:g} servings of {grams_text(serving)} g" if serving else ""
    )
    k2 = (
        f"K2 per {per}: {total_cell(amount)} mcg"
        if amount.k2_measured
        else "K2 not measured in any of its items"
    )
    line = (
        f"Saved recipe '{food.name}': {grams_text(food.weight_grams)} g"
        + servings
        + f"; {k2} (see k2calc show '{food.name}')"
    )
    record = food.as_dict()
    return View(record, [record], [line])


def recipes_view(book: Book) -> View:
    """Each recipe: its name, servings, cooked weight and items."""
    records = [
        {
            "name": r.name,
            "servings": r.servings,
            "cooked_grams": r.cooked_grams,
            "items": list(r.items),
            "note": r.note,
        }
        for r in book.recipes
    ]
    columns = [
        Column("Recipe", lambda r: r["name"]),
        Column("Servings", lambda r: f"{r['servings']:g}" if r["servings"] else "", numeric=True),
        Column(
            "Cooked g",
            lambda r: f"{r['cooked_grams']:g}" if r["cooked_grams"] else "",
            numeric=True,
        ),
        Column("Items", lambda r: "\n".join(r["items"])),
    ]
    blocks = [Grid(columns, records, "Your recipes")] if records else ["No recipes yet."]
    keys = ["name", "servings", "cooked_grams", "items", "note"]
    return View({"recipes": records}, records, blocks, keys=keys)


def meals_view(book: Book) -> View:
    """Each saved meal: its name (as typed, with @) and items."""
    records = [{"name": m.name, "items": list(m.items)} for m in book.meals]
    columns = [
        Column("Meal", lambda r: MEAL_MARK + r["name"]),
        Column("Items", lambda r: "\n".join(r["items"])),
    ]
    blocks = [Grid(columns, records, "Your saved meals")] if records else ["No saved meals yet."]
    return View({"meals": records}, records, blocks, keys=["name", "items"])
