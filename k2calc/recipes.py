"""A user's own dishes (recipes) and saved meals, kept in ``recipes.json`` in the data folder.

A **recipe** is a dish made of items and cut into servings (or weighed when cooked): it
becomes a food of the table like any other, its K2 per 100 g computed from its items (their
forms, bands, grades and lower-bound marks carried through), so ``1 serving lasagna`` works in
every command. A **saved meal** is a named list of items, logged or totalled as ``@name``.

The file is JSON, written whole to a temporary file beside it and renamed, under a lock, so a
crash or a second writer never leaves it half-written or loses a change; a name already taken
is never overwritten unless asked.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from k2calc.errors import K2Error, os_reason
from k2calc.files import open_regular
from k2calc.foods import Food, FoodTable, fold_key
from k2calc.paths import data_dir
from k2calc.vitamin import VitaminK

RECIPES_FILE_NAME = "recipes.json"
RECIPES_ENV = "K2CALC_RECIPES"
FILE_VERSION = 1
RECIPE_CATEGORY = "recipe"
SERVING = "serving"
MEAL_MARK = "@"  # an item "@breakfast" stands for the saved meal's items
_MEAL_NAME = re.compile(r"[a-z0-9][a-z0-9 _-]{0,39}")


class RecipeError(K2Error):
    """A recipe or saved meal that cannot be made, found or stored."""


@dataclass(frozen=True)
class Recipe:
    """A dish: its items, and the servings it is cut into or its weight once cooked."""

    name: str
    items: tuple[str, ...]
    servings: float | None = None
    cooked_grams: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Meal:
    """A saved meal: a named list of items, logged as they are."""

    name: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Book:
    """Everything in the recipes file."""

    recipes: tuple[Recipe, ...] = ()
    meals: tuple[Meal, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The file's JSON shape (also what ``recipe export`` writes)."""
        return {
            "version": FILE_VERSION,
            "recipes": [asdict(r) | {"items": list(r.items)} for r in self.recipes],
            "meals": [asdict(m) | {"items": list(m.items)} for m in self.meals],
        }


@dataclass(frozen=True)
class RecipeFood(Food):
    """A recipe as a food: per 100 g, the sum of its items' vitamin K over its weight."""

    ingredients: tuple[tuple[str, float], ...] = field(default=(), hash=False)  # item, grams
    summed: VitaminK = field(default_factory=VitaminK, hash=False)  # the items' vitamin K
    weight_grams: float = 0.0

    @cached_property
    def per_100g(self) -> VitaminK:
        """The items' vitamin K scaled to 100 g of the dish (lower-bound marks kept)."""
        return self.summed.scaled(100.0 / self.weight_grams)


def recipes_path() -> Path:
    """``$K2CALC_RECIPES`` if set, else ``recipes.json`` in the user data folder."""
    named = os.environ.get(RECIPES_ENV)
    return Path(named) if named else data_dir() / RECIPES_FILE_NAME


def _number(value: Any, what: str, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1e7:
        raise RecipeError(f"{where}: {what} {value!r} is not a positive number")
    return float(value)


def _items(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(i, str) for i in value):
        raise RecipeError(f"{where}: items must be a list of items such as '30 g natto'")
    return tuple(value)


def book_from_dict(data: Any, where: str) -> Book:
    """A ``Book`` from the file's JSON shape, checked."""
    if not isinstance(data, dict) or data.get("version") != FILE_VERSION:
        raise RecipeError(f"{where}: not a k2calc recipes file (version {FILE_VERSION})")
    recipes, meals = [], []
    for entry in data.get("recipes", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise RecipeError(f"{where}: a recipe without a name")
        at = f"{where}: recipe '{entry['name']}'"
        recipes.append(
            Recipe(
                entry["name"],
                _items(entry.get("items"), at),
                _number(entry.get("servings"), "servings", at),
                _number(entry.get("cooked_grams"), "cooked_grams", at),
                str(entry.get("note") or ""),
            )
        )
    for entry in data.get("meals", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise RecipeError(f"{where}: a saved meal without a name")
        meals.append(Meal(entry["name"], _items(entry.get("items"), f"{where}: meal")))
    return Book(tuple(recipes), tuple(meals))


def read_book(path: Path | None = None) -> Book:
    """The recipes file's contents (an empty book if there is none)."""
    path = path or recipes_path()
    try:
        with open_regular(path) as handle:
            text = handle.read().decode("utf-8")
    except FileNotFoundError:
        return Book()
    except OSError as exc:
        raise RecipeError(f"{path}: cannot read: {os_reason(exc)}") from None
    except UnicodeDecodeError as exc:
        raise RecipeError(f"{path}: cannot read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecipeError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    return book_from_dict(data, str(path))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s lock file while a change is read and written."""
    import fcntl

    if not path.parent.is_dir():
        path.parent.mkdir(parents=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _write(path: Path, book: Book) -> None:
    """Write ``book`` whole to a temporary file beside ``path``, then rename it over."""
    text = json.dumps(book.as_dict(), indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def recipe_food(recipe: Recipe, table: FoodTable) -> RecipeFood:
    """``recipe`` as a food, its items read against ``table``."""
    from k2calc.parse import resolve_all

    try:
        portions = resolve_all(list(recipe.items), table)
    except K2Error as exc:
        raise RecipeError(f"recipe '{recipe.name}': {exc}") from None
    raw_grams = sum(p.grams for p in portions)
    weight = recipe.cooked_grams or raw_grams
    summed = VitaminK.sum(p.food.per_100g.scaled(p.grams / 100.0) for p in portions)
    measures = {"whole": weight}
    if recipe.servings:
        measures[SERVING] = measures["each"] = weight / recipe.servings
    servings = (
        f", {recipe.servings:g} servings of {weight / recipe.servings:.0f} g"
        if (recipe.servings)
        else ""
    )
    weighed = "cooked weight" if recipe.cooked_grams else "weight of the items"
    note = f"Your recipe: {'; '.join(recipe.items)}. {weight:.0f} g ({weighed}){servings}." + (
        f" {recipe.note}" if recipe.note else ""
    )
    sources = tuple(dict.fromkeys(s for p in portions for s in p.food.sources))
    per_100g = summed.scaled(100.0 / weight)
    return RecipeFood(
        name=recipe.name,
        category=RECIPE_CATEGORY,
        mk4_mcg_per_100g=per_100g.mk4_mcg,
        mk7_mcg_per_100g=per_100g.mk7_mcg,
        other_mk_mcg_per_100g=per_100g.other_mk_mcg,
        unsplit_mk_mcg_per_100g=per_100g.unsplit_mk_mcg,
        band_low_mcg_per_100g=per_100g.low_mcg,
        band_high_mcg_per_100g=per_100g.high_mcg,
        k1_mcg_per_100g=per_100g.k1_mcg,
        measures=measures,
        sources=sources,
        note=note,
        origin="recipe",
        confidence=per_100g.confidence,
        ingredients=tuple((p.text, p.grams) for p in portions),
        summed=summed,
        weight_grams=weight,
    )


def with_recipes(table: FoodTable, book: Book) -> FoodTable:
    """``table`` with the book's recipes added as foods, each read against the ones before."""
    for recipe in book.recipes:
        table.extend([recipe_food(recipe, table)])
    return table


def add_recipe(recipe: Recipe, table: FoodTable, replace_old: bool = False) -> RecipeFood:
    """Store ``recipe`` (its items must resolve against ``table``); a name taken is refused
    unless ``replace_old``. Returns the recipe as a food."""
    food = recipe_food(recipe, table)
    path = recipes_path()
    with _locked(path):
        book = read_book(path)
        taken = [r for r in book.recipes if fold_key(r.name) == fold_key(recipe.name)]
        if taken and not replace_old:
            raise RecipeError(
                f"a recipe '{taken[0].name}' exists already; give --replace to replace it, "
                "or another name"
            )
        kept = tuple(r for r in book.recipes if r not in taken)
        _write(path, replace(book, recipes=(*kept, recipe)))
    return food


def remove_recipe(name: str) -> Recipe:
    """Remove the recipe ``name``; returns it."""
    path = recipes_path()
    with _locked(path):
        book = read_book(path)
        found = [r for r in book.recipes if fold_key(r.name) == fold_key(name)]
        if not found:
            raise RecipeError(f"no recipe named '{name}' (see k2calc recipe list)")
        _write(path, replace(book, recipes=tuple(r for r in book.recipes if r is not found[0])))
    return found[0]


def remove_meal(name: str) -> Meal:
    """Remove the saved meal ``name``; returns it."""
    path = recipes_path()
    wanted = meal_name(name)
    with _locked(path):
        book = read_book(path)
        found = [m for m in book.meals if m.name == wanted]
        if not found:
            raise RecipeError(f"no saved meal named '{wanted}' (see k2calc meal list)")
        _write(path, replace(book, meals=tuple(m for m in book.meals if m is not found[0])))
    return found[0]


def meal_name(text: str) -> str:
    """A saved meal's name as stored: lower-case words, digits, '-' and '_' (``@`` dropped)."""
    name = " ".join(text.removeprefix(MEAL_MARK).lower().split())
    if not _MEAL_NAME.fullmatch(name):
        raise RecipeError(
            f"'{text}' is not a meal name: letters, digits, spaces, '-' and '_', up to 40"
        )
    return name


def save_meal(name: str, items: Sequence[str], table: FoodTable, replace_old: bool) -> Meal:
    """Store a saved meal; its items must resolve against ``table``."""
    from k2calc.parse import resolve_all

    meal = Meal(meal_name(name), tuple(items))
    try:
        resolve_all(list(items), table)
    except K2Error as exc:
        raise RecipeError(f"meal '{meal.name}': {exc}") from None
    path = recipes_path()
    with _locked(path):
        book = read_book(path)
        if any(m.name == meal.name for m in book.meals) and not replace_old:
            raise RecipeError(
                f"a saved meal '{meal.name}' exists already; give --replace to replace it"
            )
        kept = tuple(m for m in book.meals if m.name != meal.name)
        _write(path, replace(book, meals=(*kept, meal)))
    return meal


def expand_meals(items: Sequence[str], book: Book | None = None) -> list[str]:
    """``items`` with each ``@name`` replaced by that saved meal's items."""
    if not any(i.strip().startswith(MEAL_MARK) for i in items):
        return list(items)
    meals = {m.name: m for m in (book or read_book()).meals}
    expanded: list[str] = []
    for item in items:
        if not item.strip().startswith(MEAL_MARK):
            expanded.append(item)
            continue
        name = meal_name(item.strip())
        if name not in meals:
            known = ", ".join(MEAL_MARK + n for n in meals) or "none yet (k2calc meal save)"
            raise RecipeError(f"no saved meal '{item.strip()}'; saved meals: {known}")
        expanded.extend(meals[name].items)
    return expanded


def import_book(book: Book, replace_old: bool) -> Book:
    """Add the recipes and meals of ``book`` (``recipe import``); names taken are refused,
    all or none, unless ``replace_old``. Returns what was added."""
    path = recipes_path()
    with _locked(path):
        current = read_book(path)
        names = {fold_key(r.name) for r in current.recipes}
        meal_names = {m.name for m in current.meals}
        taken = [r.name for r in book.recipes if fold_key(r.name) in names]
        taken += [MEAL_MARK + m.name for m in book.meals if m.name in meal_names]
        if taken and not replace_old:
            raise RecipeError(
                f"already there: {', '.join(taken)}; nothing was imported "
                "(give --replace to replace them)"
            )
        new_names = {fold_key(r.name) for r in book.recipes}
        new_meals = {m.name for m in book.meals}
        recipes = (
            *(r for r in current.recipes if fold_key(r.name) not in new_names),
            *book.recipes,
        )
        meals = (*(m for m in current.meals if m.name not in new_meals), *book.meals)
        _write(path, Book(recipes, meals))
    return book
