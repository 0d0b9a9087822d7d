"""Compute vitamin K intake: per item, and summed against the target range."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from k2calc.errors import ItemParseError
from k2calc.foods import Food, FoodTable
from k2calc.parse import Portion, resolve_all
from k2calc.record import Record
from k2calc.target import Target
from k2calc.vitamin import GRADES, KEYS, Coverage, VitaminK

if TYPE_CHECKING:
    import numpy.typing as npt

# The figures a report sums column by column: the value type's, K2's and K1 beside them
# (``k1_mcg`` is summed on its own, never into any K2 figure).
INTAKE_KEYS = tuple(k for k in KEYS if k.endswith("_mcg"))
NO_GRADE = -1  # ``confidence_rank`` of a food without a grade (GRADES.index otherwise)


@dataclass(frozen=True)
class Intake(Record):
    """Vitamin K in one portion of food."""

    SHOWN = ("input", "food", "grams", "vitamin_k")

    input: str
    food: str
    grams: float
    vitamin_k: VitaminK


def portion_intake(portion: Portion) -> Intake:
    """Vitamin K in a resolved portion: each per-100 g value times grams / 100."""
    scaled = portion.food.per_100g.scaled(portion.grams / 100.0)
    return Intake(portion.text, portion.food.name, portion.grams, scaled)


def per_100g_columns(foods: Sequence[Food]) -> dict[str, npt.NDArray[Any]]:
    """The foods' vitamin K per 100 g as columns keyed like ``INTAKE_KEYS`` (forms and K1 NaN
    where not measured; the K2 total what was measured, as ``Total.status`` reads it), with
    ``partial``, ``k2_measured`` and ``confidence_rank`` (the grade's place in ``GRADES``,
    best first; ``NO_GRADE`` without one, so a sum's grade is the largest rank): the lookup
    table a report broadcasts to its rows."""
    import numpy as np

    def column(values: Iterable[float | None]) -> npt.NDArray[np.float64]:
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    return {
        "mk4_mcg": column(f.mk4_mcg_per_100g for f in foods),
        "mk7_mcg": column(f.mk7_mcg_per_100g for f in foods),
        "other_mk_mcg": column(f.other_mk_mcg_per_100g for f in foods),
        "unsplit_mk_mcg": column(f.unsplit_mk_mcg_per_100g for f in foods),
        "total_mcg": column(f.per_100g.lower_bound_mcg for f in foods),
        "low_mcg": column(f.per_100g.low_mcg or 0.0 for f in foods),
        "high_mcg": column(f.per_100g.high_mcg or 0.0 for f in foods),
        "k1_mcg": column(f.k1_mcg_per_100g for f in foods),
        "partial": np.array([f.partial for f in foods], dtype=bool),
        "k2_measured": np.array([f.k2_measured for f in foods], dtype=bool),
        "confidence_rank": np.array(
            [GRADES.index(f.confidence) if f.confidence in GRADES else NO_GRADE for f in foods],
            dtype=np.int8,
        ),
    }


def intake_columns(
    per_100g: Mapping[str, npt.NDArray[Any]], food: npt.NDArray[Any], grams: npt.NDArray[Any]
) -> dict[str, npt.NDArray[Any]]:
    """``portion_intake`` over columns: row i is ``grams[i]`` of food number ``food[i]`` (an
    index into ``per_100g_columns``); each value per 100 g times grams / 100, exactly as
    ``VitaminK.scaled`` does for one portion (tests/test_intake.py holds them equal); the
    flags and the grade's rank as they are."""
    out = {key: per_100g[key][food] * (grams / 100.0) for key in INTAKE_KEYS}
    for key in ("partial", "k2_measured", "confidence_rank"):
        out[key] = per_100g[key][food]
    return out


@dataclass(frozen=True)
class Total:
    """The sum of several intakes against a target."""

    items: tuple[Intake, ...]
    target: Target

    @cached_property
    def vitamin_k(self) -> VitaminK:
        """The items' vitamin K summed (a lower bound when any item's is)."""
        return VitaminK.sum(i.vitamin_k for i in self.items)

    @cached_property
    def coverage(self) -> Coverage:
        """How many of the items had K2 and K1 measured."""
        return Coverage.of(i.vitamin_k for i in self.items)

    @property
    def grams(self) -> float:
        """The weight of all the items."""
        return sum(i.grams for i in self.items)

    @property
    def status(self) -> str:
        """The K2 total (what was measured) against the target; ``unknown`` when no item's
        K2 was measured."""
        return self.target.status(self.vitamin_k.total_mcg)

    def sums(self) -> dict[str, Any]:
        """The summed values and status, without the items."""
        sums = {**self.vitamin_k.as_dict(), **self.coverage.as_dict()}
        return {**sums, **self.target.as_dict(), "status": self.status}

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape of ``k2calc total``."""
        return {"items": [i.as_dict() for i in self.items], **self.sums()}


def total_of(portions: Sequence[Portion], target: Target | None = None) -> Total:
    """Sum resolved portions against ``target`` (45–200 mcg by default).

    Every item's values and every sum are finite, or ``ItemParseError`` says which is not.
    """
    intakes = tuple(portion_intake(p) for p in portions)
    for intake in intakes:
        if not all(_finite(v) for v in intake.as_dict().values()):
            raise ItemParseError(f"'{intake.input}' comes to more K2 than a number can hold")
    result = Total(intakes, target or Target())
    if not all(_finite(v) for v in result.sums().values()):
        raise ItemParseError("the items add up to more K2 than a number can hold")
    return result


def _finite(value: Any) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def total(
    items: Sequence[str], table: FoodTable, target: Target | None = None, strict: bool = False
) -> Total:
    """The K2 in ``items`` such as ``["30 g natto", "2 eggs"]`` against ``target``.

    With ``strict``, foods must be given by exact names or aliases.
    """
    return total_of(resolve_all(list(items), table, strict), target)
