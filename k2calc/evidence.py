"""The story of a value: every source that measured a built-in food, by form, with its grade.

``food_sources.csv`` (built by ``scripts/build_foods.py`` beside ``foods.csv``) holds one line
per source value of a food: each form per 100 g (empty = not measured, ``0`` = measured zero),
a total the source did not split, the grade, and its role: ``primary`` (the value the table
serves), ``band`` (in the low–high band) or ``retired`` (an outlier kept visible, with why).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from k2calc.foods import normalize

# ``outside-band``: a value kept beside the band because it covers K2 less (or more)
# completely than the primary (docs/methodology.md); ``role_because`` says why, and for the
# primary why it won.
ROLES = ("primary", "band", "outside-band", "retired")


@dataclass(frozen=True)
class SourceValue:
    """One source's value for one food, per 100 g; ``None`` = not measured."""

    food: str
    source: str  # a key of sources.csv
    role: str  # primary, band or retired
    grade: str  # high, medium or low
    mk4_mcg_per_100g: float | None
    mk5_mcg_per_100g: float | None
    mk6_mcg_per_100g: float | None
    mk7_mcg_per_100g: float | None
    mk8_mcg_per_100g: float | None
    mk9_mcg_per_100g: float | None
    mk10_mcg_per_100g: float | None
    unsplit_mk_mcg_per_100g: float | None  # a total the source gave without forms
    total_mcg_per_100g: float  # the forms it measured plus its unsplit total
    reference: str  # the reference row it was read from
    retired_because: str = ""
    role_because: str = ""

    @property
    def is_primary(self) -> bool:
        return self.role == "primary"

    @property
    def other_mk_mcg_per_100g(self) -> float | None:
        """MK-5, MK-6, MK-8, MK-9 and MK-10 added, as the food table's ``other_mk``."""
        parts = [
            v
            for v in (
                self.mk5_mcg_per_100g,
                self.mk6_mcg_per_100g,
                self.mk8_mcg_per_100g,
                self.mk9_mcg_per_100g,
                self.mk10_mcg_per_100g,
            )
            if v is not None
        ]
        return sum(parts) if parts else None


def _number(text: str) -> float | None:
    return float(text) if text else None


@cache
def _by_food() -> dict[str, tuple[SourceValue, ...]]:
    data = (resources.files("k2calc") / "data" / "food_sources.csv").read_text(encoding="utf-8")
    found: dict[str, list[SourceValue]] = {}
    for row in csv.DictReader(io.StringIO(data, newline="")):
        value = SourceValue(
            food=row["food"],
            source=row["source"],
            role=row["role"],
            grade=row["grade"],
            mk4_mcg_per_100g=_number(row["mk4_mcg_per_100g"]),
            mk5_mcg_per_100g=_number(row["mk5_mcg_per_100g"]),
            mk6_mcg_per_100g=_number(row["mk6_mcg_per_100g"]),
            mk7_mcg_per_100g=_number(row["mk7_mcg_per_100g"]),
            mk8_mcg_per_100g=_number(row["mk8_mcg_per_100g"]),
            mk9_mcg_per_100g=_number(row["mk9_mcg_per_100g"]),
            mk10_mcg_per_100g=_number(row["mk10_mcg_per_100g"]),
            unsplit_mk_mcg_per_100g=_number(row["unsplit_mk_mcg_per_100g"]),
            total_mcg_per_100g=float(row["total_mcg_per_100g"]),
            reference=row["reference"],
            retired_because=row["retired_because"],
            role_because=row["role_because"],
        )
        found.setdefault(normalize(value.food), []).append(value)
    return {food: tuple(values) for food, values in found.items()}


def value_sources(food_name: str) -> tuple[SourceValue, ...]:
    """Every source value of the built-in food named ``food_name`` (its table name), primary
    first, then the band, then retired ones; ``()`` for a food no source measured (or a user's
    own food)."""
    values = _by_food().get(normalize(food_name), ())
    return tuple(sorted(values, key=lambda v: ROLES.index(v.role)))


@dataclass(frozen=True)
class RecipeIngredient:
    """One SR28 ingredient of a USDA FNDDS survey food and what it brings to 100 g of the
    food as eaten (``fndds_ingredients.csv``); ``None`` = not measured."""

    ingredient: str  # the table's name of the SR28 food (or FNDDS's text of a special code)
    ndb_no: str | None
    grams: float
    mk4_mcg: float | None
    mk7_mcg: float | None
    other_mk_mcg: float | None
    unsplit_mk_mcg: float | None
    k1_mcg: float | None


@cache
def _by_recipe() -> dict[str, tuple[RecipeIngredient, ...]]:
    data = (resources.files("k2calc") / "data" / "fndds_ingredients.csv").read_text(
        encoding="utf-8"
    )
    found: dict[str, list[RecipeIngredient]] = {}
    for row in csv.DictReader(io.StringIO(data, newline="")):
        found.setdefault(row["fndds_code"], []).append(
            RecipeIngredient(
                ingredient=row["ingredient"],
                ndb_no=row["ndb_no"] or None,
                grams=float(row["grams_per_100g"]),
                mk4_mcg=_number(row["mk4_mcg"]),
                mk7_mcg=_number(row["mk7_mcg"]),
                other_mk_mcg=_number(row["other_mk_mcg"]),
                unsplit_mk_mcg=_number(row["unsplit_mk_mcg"]),
                k1_mcg=_number(row["k1_mcg"]),
            )
        )
    return {code: tuple(lines) for code, lines in found.items()}


def recipe_ingredients(fndds_code: str) -> tuple[RecipeIngredient, ...]:
    """The SR28 ingredients a built-in FNDDS food's values were computed from, heaviest first
    (sub-recipes expanded, moisture change applied); ``()`` for any other food."""
    return _by_recipe().get(fndds_code, ())
