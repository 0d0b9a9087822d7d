"""Compare foods for an amount, the amounts that reach the target, and how to close a day's gap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from k2calc.bounds import MAX_ITEM_CHARS, text_problem
from k2calc.errors import CategoryError, ItemParseError, K2Error
from k2calc.foods import Food, FoodTable
from k2calc.intake import Intake, Total, portion_intake
from k2calc.parse import EACH, Portion, grams_per_unit, is_cut_measure, split_amount
from k2calc.sort_keys import CompareSort
from k2calc.target import BELOW, Target
from k2calc.units import find_unit
from k2calc.vitamin import VitaminK

DEFAULT_AMOUNT = "100 g"
DEFAULT_SUGGESTIONS = 5
SERVING = "serving"
NO_SERVING = "no serving size"
TBSP, CUP = "tbsp", "cup"
# Count measures that name a container rather than a piece: used only when nothing better fits.
SUGGESTION_KEYS = (
    "food", "category", "total_mcg_per_100g", "partial",
    "grams_to_min", "grams_to_max", "natural_to_min", "natural_to_max",
)  # fmt: skip
PACKAGING = frozenset({"package", "container", "jar", "can", "bag", "box", "packet"})


def grams_for_mcg(food: Food, mcg: float) -> float | None:
    """Grams of ``food`` that hold ``mcg`` of K2 by its total; ``None`` when it has none."""
    per_100g = food.total_mcg_per_100g
    return None if per_100g == 0 else mcg / per_100g * 100


def _number_text(amount: float) -> str:
    return f"{amount:,.0f}" if amount >= 10 else f"{amount:.2g}"


def _count_measures(food: Food) -> list[str]:
    """The food's count measures, most natural first: pieces, then each, serving, packaging."""
    counts = [key for key in food.measures if find_unit(key) is None and not is_cut_measure(key)]

    def rank(key: str) -> int:
        return {EACH: 1, SERVING: 2}.get(key, 3 if key in PACKAGING else 0)

    return sorted(counts, key=rank)  # stable: table order within a rank


def natural_amount(food: Food, grams: float) -> str | None:
    """``grams`` of ``food`` in its natural unit: ``'8.5 large'``, ``'0.44 tbsp'``, ``'2 cup'``.

    A count measure when the food has one (``each`` reads ``pieces``), packaging only after
    a kitchen volume; ``None`` when the food has neither.
    """
    counts = _count_measures(food)
    if counts and counts[0] not in PACKAGING:
        key = counts[0]
        return f"{_number_text(grams / food.measures[key])} {'pieces' if key == EACH else key}"
    if any(find_unit(key) is not None for key in food.measures):
        unit = CUP if grams >= grams_per_unit(food, CUP)[1] else TBSP
        return f"{_number_text(grams / grams_per_unit(food, unit)[1])} {unit}"
    if counts:
        return f"{_number_text(grams / food.measures[counts[0]])} {counts[0]}"
    return None


@dataclass(frozen=True)
class Reach:
    """How much of a food holds some K2 figure, in grams and in its natural unit."""

    grams: float | None  # None: no amount reaches it (no K2 measured, or a measured zero)
    natural: str | None
    measured: bool = True  # False: nobody measured the food's K2, so nothing can be said

    @classmethod
    def of(cls, food: Food, mcg: float) -> Reach:
        """The amount of ``food`` holding ``mcg``."""
        grams = grams_for_mcg(food, mcg)
        natural = None if grams is None else natural_amount(food, grams)
        return cls(grams, natural, food.k2_measured)


@dataclass(frozen=True)
class CompareRow:
    """One food in a comparison: its K2 for the amount, and the amounts that reach the target.

    ``intake`` is ``None`` (and ``error`` says why) when the amount does not apply to the food,
    e.g. ``--per serving`` for a food without a serving size.
    """

    food: Food
    amount: str
    intake: Intake | None
    error: str | None
    to_min: Reach
    to_max: Reach

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape (``null`` where not measured or not applicable)."""
        intake = self.intake
        return {
            "food": self.food.name,
            "amount": self.amount,
            "grams": None if intake is None else intake.grams,
            **(VitaminK() if intake is None else intake.vitamin_k).as_dict(),
            "partial": self.food.partial,
            "k2_measured": self.food.k2_measured,
            "grams_to_min": self.to_min.grams,
            "grams_to_max": self.to_max.grams,
            "natural_to_min": self.to_min.natural,
            "natural_to_max": self.to_max.natural,
            "error": self.error,
        }


def _row(food: Food, amount: str, per_serving: bool, target: Target) -> CompareRow:
    reach = {"to_min": Reach.of(food, target.min_mcg), "to_max": Reach.of(food, target.max_mcg)}
    if per_serving:
        if SERVING not in food.measures:
            return CompareRow(food, amount, None, NO_SERVING, **reach)
        value, unit, grams = 1.0, SERVING, food.measures[SERVING]
    else:
        value, rest = split_amount(amount)
        try:
            unit, grams_each = grams_per_unit(food, rest or EACH)
        except K2Error as exc:
            return CompareRow(food, amount, None, str(exc), **reach)
        grams = value * grams_each
    intake = portion_intake(Portion(amount, food, value, unit, grams))
    return CompareRow(food, amount, intake, None, **reach)


def _sort_value(row: CompareRow, key: CompareSort) -> float | None:
    intake = row.intake
    if key is CompareSort.to_min:
        return row.to_min.grams
    if intake is None:
        return None
    return {
        CompareSort.grams: intake.grams,
        CompareSort.mk4: intake.vitamin_k.mk4_mcg,
        CompareSort.mk7: intake.vitamin_k.mk7_mcg,
        CompareSort.other: intake.vitamin_k.other_mk_mcg,
        CompareSort.total: intake.vitamin_k.total_mcg,
        CompareSort.k1: intake.vitamin_k.k1_mcg,
    }[key]


def sort_rows(rows: Sequence[CompareRow], key: CompareSort) -> list[CompareRow]:
    """Rows by food name, by a number high to low, or by ``to_min`` low to high; no value last."""
    if key is CompareSort.food:
        return sorted(rows, key=lambda r: r.food.name)
    sign = 1.0 if key is CompareSort.to_min else -1.0

    def order(row: CompareRow) -> tuple[bool, float]:
        value = _sort_value(row, key)
        return (value is None, sign * (value or 0.0))

    return sorted(rows, key=order)


def compare_foods(
    foods: Sequence[Food],
    amount: str | None = None,
    target: Target | None = None,
    per_serving: bool = False,
    sort: CompareSort | None = None,
) -> list[CompareRow]:
    """Each food's K2 for ``amount`` (``'1 cup'``, ``'2'`` = 2 each; 100 g if None) or per serving.

    A food the amount does not fit gets its reason in ``error``; when no food fits, the first
    reason is raised instead.
    """
    target = target or Target()
    label = f"1 {SERVING}" if per_serving else (amount or DEFAULT_AMOUNT).strip()
    if not per_serving:
        if (problem := text_problem(label, "amount", MAX_ITEM_CHARS)) is not None:
            raise ItemParseError(problem)  # a CR would break the CSV's amount cell
        split_amount(label)  # a malformed amount is one error, not one per row
    rows = [_row(food, label, per_serving, target) for food in foods]
    failed = [r for r in rows if r.error is not None]
    if rows and len(failed) == len(rows):
        first = failed[0]
        if per_serving:
            raise K2Error(f"{first.food.name}: {NO_SERVING} in the table; give an amount instead")
        raise K2Error(str(first.error))
    return rows if sort is None else sort_rows(rows, sort)


def compare_names(
    names: Sequence[str],
    table: FoodTable,
    amount: str | None = None,
    target: Target | None = None,
    per_serving: bool = False,
    sort: CompareSort | None = None,
) -> list[CompareRow]:
    """``compare_foods`` for food names as a user types them (``['natto', 'egg yolk']``)."""
    return compare_foods([table.find(n) for n in names], amount, target, per_serving, sort)


@dataclass(frozen=True)
class Suggestion:
    """How much more of one food closes the day's gap, and how much would reach the maximum."""

    food: Food
    to_min: Reach  # closes the gap to the minimum
    to_max: Reach  # brings the day to the maximum: the suggestion never exceeds it

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape of one suggestion."""
        food = self.food
        values = (food.name, food.category, food.total_mcg_per_100g, food.partial)
        reach = (self.to_min.grams, self.to_max.grams, self.to_min.natural, self.to_max.natural)
        return dict(zip(SUGGESTION_KEYS, (*values, *reach), strict=True))


@dataclass(frozen=True)
class Advice:
    """A day's total against the target, and, when below it, foods that would close the gap."""

    total: Total
    suggestions: tuple[Suggestion, ...]

    @property
    def gap_mcg(self) -> float | None:
        """K2 still missing to reach the minimum (0 when there; None: no K2 measured)."""
        return self._beyond(self.total.target.min_mcg, -1.0)

    @property
    def room_mcg(self) -> float | None:
        """K2 that could still be eaten before passing the maximum (0 when past it)."""
        return self._beyond(self.total.target.max_mcg, -1.0)

    @property
    def over_mcg(self) -> float | None:
        """K2 above the maximum (0 when not above)."""
        return self._beyond(self.total.target.max_mcg, 1.0)

    def _beyond(self, end_mcg: float, sign: float) -> float | None:
        """``sign`` × (the day's K2 − ``end_mcg``), at least 0; None when no K2 was measured."""
        total = self.total.vitamin_k.total_mcg
        return None if total is None else max(0.0, sign * (total - end_mcg))

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape of ``k2calc suggest``."""
        return {
            "items": [i.as_dict() for i in self.total.items],
            **self.total.sums(),
            "gap_mcg": self.gap_mcg,
            "room_mcg": self.room_mcg,
            "over_mcg": self.over_mcg,
            "suggestions": [s.as_dict() for s in self.suggestions],
        }


def richest_foods(table: FoodTable, limit: int, category: str | None = None) -> list[Food]:
    """The foods (never supplements) with the most K2 per 100 g, optionally of one category."""
    if category is not None and category.lower() not in table.categories:
        raise CategoryError(category, table.categories)
    foods = [
        f for f in table.search("", category) if not f.is_supplement and f.total_mcg_per_100g > 0
    ]
    return sorted(foods, key=lambda f: (-f.total_mcg_per_100g, f.name))[:limit]


def suggest_for_day(
    day: Total,
    table: FoodTable,
    limit: int = DEFAULT_SUGGESTIONS,
    category: str | None = None,
) -> Advice:
    """Advice for a day's total, however it was made (items typed, or a day of the meal log).

    Below the target: for each of the richest foods, the grams that close the gap to the
    minimum and the grams that would bring the day to the maximum. Within or above: no
    suggestions.
    """
    candidates = richest_foods(table, limit, category)
    if day.status != BELOW:
        return Advice(day, ())
    gap_mcg = day.target.min_mcg - day.vitamin_k.lower_bound_mcg
    room_mcg = day.target.max_mcg - day.vitamin_k.lower_bound_mcg  # >= gap_mcg, as min <= max
    suggestions = tuple(
        Suggestion(food, Reach.of(food, gap_mcg), Reach.of(food, room_mcg)) for food in candidates
    )
    return Advice(day, suggestions)
