"""The Python API: what the commands do, callable with plain values (docs/api.md).

Each function takes the foods as ``foods``: ``None`` for the built-in table, a path to a
user's foods CSV (merged over the built-in table, as ``--foods`` is), or a ``FoodTable``
already loaded (faster when calling many times). Errors are ``k2calc.errors.K2Error``
subclasses whose message is the one line the CLI prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from k2calc.compare import DEFAULT_SUGGESTIONS, Advice, CompareRow
from k2calc.errors import K2Error
from k2calc.foods import Food, FoodTable, load_table
from k2calc.intake import Total
from k2calc.sort_keys import CompareSort
from k2calc.target import Target

__all__ = [
    "Advice",
    "CompareRow",
    "CompareSort",
    "Food",
    "FoodTable",
    "Foods",
    "K2Error",
    "Target",
    "Total",
    "compare",
    "load_table",
    "search",
    "show",
    "suggest",
    "table_of",
    "total",
]

Foods = FoodTable | Path | str | None


def table_of(foods: Foods = None) -> FoodTable:
    """The food table ``foods`` stands for (see the module docstring)."""
    if isinstance(foods, FoodTable):
        return foods
    return load_table(Path(foods) if foods is not None else None)


def total(
    items: Sequence[str],
    *,
    foods: Foods = None,
    target: Target | None = None,
    strict: bool = False,
) -> Total:
    """The K2 in ``items`` (``["30 g natto", "2 eggs"]``) by item and summed, against
    ``target`` (45–200 mcg by default): ``k2calc total``."""
    from k2calc.intake import total as total_items

    return total_items(items, table_of(foods), target, strict)


def show(name: str, *, foods: Foods = None) -> Food:
    """The food a name means, as ``k2calc show`` finds it."""
    return table_of(foods).find(name)


def search(query: str = "", *, category: str | None = None, foods: Foods = None) -> list[Food]:
    """Foods whose names, aliases or category hold every word of ``query``: ``k2calc foods``."""
    return table_of(foods).search(query, category)


def compare(
    names: Sequence[str],
    *,
    amount: str | None = None,
    per_serving: bool = False,
    sort: CompareSort | None = None,
    foods: Foods = None,
    target: Target | None = None,
) -> list[CompareRow]:
    """Foods side by side for ``amount`` (100 g by default) or one serving of each, and
    the grams of each that reach the target: ``k2calc compare``."""
    from k2calc.compare import compare_names

    return compare_names(names, table_of(foods), amount, target, per_serving, sort)


def suggest(
    items: Sequence[str],
    *,
    limit: int = DEFAULT_SUGGESTIONS,
    category: str | None = None,
    foods: Foods = None,
    target: Target | None = None,
) -> Advice:
    """The day of ``items`` against the target and, below it, how much of each of the
    richest foods would close the gap: ``k2calc suggest``."""
    from k2calc.compare import suggest_for_day

    table = table_of(foods)
    return suggest_for_day(total(items, foods=table, target=target), table, limit, category)
