"""Compute K2 intake: per item, per day, against the target range."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from k2calc.errors import ItemParseError
from k2calc.foods import Food, FoodTable
from k2calc.parse import Portion, resolve_all
from k2calc.target import ABOVE, BELOW, DEFAULT_MAX_MCG, DEFAULT_MIN_MCG, WITHIN, Target

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = [
    "ABOVE",
    "BELOW",
    "DEFAULT_MAX_MCG",
    "DEFAULT_MIN_MCG",
    "WITHIN",
    "Intake",
    "Target",
    "Total",
    "intake_columns",
    "per_100g_columns",
    "per_portion",
    "portion_intake",
    "total",
    "total_of",
]


@dataclass(frozen=True)
class Intake:
    """K2 in one portion of food, by form (``None`` = not measured), with its band."""

    input: str
    food: str
    grams: float
    mk4_mcg: float | None
    mk7_mcg: float | None
    other_mk_mcg: float | None
    total_mcg: float
    low_mcg: float
    high_mcg: float
    partial: bool
    k1_mcg: float | None = None  # phylloquinone: shown beside K2, never added into it

    @property
    def k2_measured(self) -> bool:
        """False when no K2 form of the food was measured: its K2 is unknown, not zero."""
        return not self.partial or any(
            v is not None for v in (self.mk4_mcg, self.mk7_mcg, self.other_mk_mcg)
        )

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape (keys end in their unit; ``null`` = not measured)."""
        measured = self.k2_measured
        return {
            "input": self.input,
            "food": self.food,
            "grams": self.grams,
            "mk4_mcg": self.mk4_mcg,
            "mk7_mcg": self.mk7_mcg,
            "other_mk_mcg": self.other_mk_mcg,
            "total_mcg": self.total_mcg if measured else None,
            "low_mcg": self.low_mcg if measured else None,
            "high_mcg": self.high_mcg if measured else None,
            "partial": self.partial,
        }


INTAKE_KEYS = ("mk4_mcg", "mk7_mcg", "other_mk_mcg", "total_mcg", "low_mcg", "high_mcg")


def per_portion(value_per_100g: Any, grams: Any) -> Any:
    """The one intake arithmetic: a per-100 g value times grams / 100 (numbers or arrays)."""
    return value_per_100g * (grams / 100.0)


def per_100g_columns(foods: Sequence[Food]) -> dict[str, npt.NDArray[Any]]:
    """The foods' values per 100 g as columns keyed like ``INTAKE_KEYS`` (NaN = not
    measured), and ``partial`` (bool): the lookup table a report broadcasts to its rows."""
    import numpy as np

    def column(values: Iterable[float | None]) -> npt.NDArray[np.float64]:
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    return {
        "mk4_mcg": column(f.mk4_mcg_per_100g for f in foods),
        "mk7_mcg": column(f.mk7_mcg_per_100g for f in foods),
        "other_mk_mcg": column(f.other_mk_mcg_per_100g for f in foods),
        "total_mcg": column(f.total_mcg_per_100g for f in foods),
        "low_mcg": column(f.low_mcg_per_100g for f in foods),
        "high_mcg": column(f.high_mcg_per_100g for f in foods),
        "partial": np.array([f.partial for f in foods], dtype=bool),
    }


def intake_columns(
    per_100g: Mapping[str, npt.NDArray[Any]], food: npt.NDArray[Any], grams: npt.NDArray[Any]
) -> dict[str, npt.NDArray[Any]]:
    """``portion_intake`` over columns: row i is ``grams[i]`` of food number ``food[i]`` (an
    index into ``per_100g_columns``); NaN where a form was not measured."""
    out = {key: per_portion(per_100g[key][food], grams) for key in INTAKE_KEYS}
    out["partial"] = per_100g["partial"][food]
    return out


def portion_intake(portion: Portion) -> Intake:
    """K2 in a resolved portion: each per-100 g value times grams / 100."""
    food, grams = portion.food, portion.grams
    mk4, mk7, other = (
        None if v is None else per_portion(v, grams) for v in food.forms_mcg_per_100g
    )
    return Intake(
        input=portion.text,
        food=food.name,
        grams=grams,
        mk4_mcg=mk4,
        mk7_mcg=mk7,
        other_mk_mcg=other,
        total_mcg=per_portion(food.total_mcg_per_100g, grams),
        low_mcg=per_portion(food.low_mcg_per_100g, grams),
        high_mcg=per_portion(food.high_mcg_per_100g, grams),
        partial=food.partial,
        k1_mcg=None if food.k1_mcg_per_100g is None else per_portion(food.k1_mcg_per_100g, grams),
    )


def _measured_sum(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@dataclass(frozen=True)
class Total:
    """The sum of several intakes against a target."""

    items: tuple[Intake, ...]
    target: Target

    @property
    def mk4_mcg(self) -> float | None:
        """MK-4 summed over the items that measured it (``None`` if none did)."""
        return _measured_sum(i.mk4_mcg for i in self.items)

    @property
    def mk7_mcg(self) -> float | None:
        """MK-7 summed over the items that measured it."""
        return _measured_sum(i.mk7_mcg for i in self.items)

    @property
    def other_mk_mcg(self) -> float | None:
        """Other menaquinones summed over the items that measured them."""
        return _measured_sum(i.other_mk_mcg for i in self.items)

    @property
    def total_mcg(self) -> float:
        """All K2, summed (a lower bound when ``partial``)."""
        return sum(i.total_mcg for i in self.items)

    @property
    def low_mcg(self) -> float:
        """The low end of the band: every item at its low end."""
        return sum(i.low_mcg for i in self.items)

    @property
    def high_mcg(self) -> float:
        """The high end of the band: every item at its high end."""
        return sum(i.high_mcg for i in self.items)

    @property
    def partial(self) -> bool:
        """True when any item rests on forms not measured."""
        return any(i.partial for i in self.items)

    @property
    def status(self) -> str:
        """The total against the target."""
        return self.target.status(self.total_mcg)

    def sums(self) -> dict[str, Any]:
        """The summed values and status, without the items."""
        return {
            "mk4_mcg": self.mk4_mcg,
            "mk7_mcg": self.mk7_mcg,
            "other_mk_mcg": self.other_mk_mcg,
            "total_mcg": self.total_mcg,
            "low_mcg": self.low_mcg,
            "high_mcg": self.high_mcg,
            "partial": self.partial,
            "target_min_mcg": self.target.min_mcg,
            "target_max_mcg": self.target.max_mcg,
            "status": self.status,
        }

    @property
    def k1_mcg(self) -> float | None:
        """K1 (phylloquinone) summed over the items that measured it: never part of K2."""
        return _measured_sum(i.k1_mcg for i in self.items)

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape of ``k2calc total``, K1 beside K2 on every item."""
        items = [{**i.as_dict(), "k1_mcg": i.k1_mcg} for i in self.items]
        return {"items": items, **self.sums(), "k1_mcg": self.k1_mcg}


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
