#!/usr/bin/env python3
"""Build the food table and its evidence from ``reference/`` and the curation files.

Usage::

    python scripts/build_foods.py           # (re)write the four outputs below
    python scripts/build_foods.py --check   # exit 1 if any differs from what would be written

Outputs: ``foods.csv`` (one row per food), ``sources.csv`` (citations), ``food_sources.csv``
(every source value of every food, by form, graded, with its role: the story ``show`` tells)
and ``docs/data-sources.md`` (counts and lists, from ``curation/data-sources.md.in``).

Inputs (a maintainer edits only the ``curation/`` files):

* ``reference/usda/sr28_foods.csv`` and ``sr28_weights.csv``: every USDA SR28 food becomes a
  row, with its MK-4 and K1 records where USDA has them and its household measures.
* ``reference/k2viewer/k2_database.csv`` and ``reference/k2_food_values*.csv``: study values.
* ``curation/names.csv``: one line per friendly name: ``name,aliases,ndb_no,category,note``.
* ``curation/aliases.csv``: everyday and regional names (``name,aliases,note``) added to a food
  named in ``names.csv`` or ``foods.toml`` (``rajma`` for kidney beans), with why.
* ``curation/foods.toml``: foods whose values come from studies. Each value is found by its
  source key and the reference row's own text, never by line number, and the forms read must
  add up to the ``total`` written beside it, so a moved, edited or ambiguous row fails the build
  instead of silently changing a number.
* ``curation/sources.csv``: the source keys, how their reference rows begin, one-line citations.

Sections: readers (SR28, K2viewer, the value files), selectors (the primary value, the band),
rows, validation, writers. The only arithmetic: adding the forms one source gave for one food,
the min/max of cited values for a band, and grams per one unit from a USDA weight.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from textwrap import shorten
from typing import Any

from k2calc.foods import TABLE_COLUMNS, fold_key, normalize, singular, words
from k2calc.units import COUNT_WORDS, CUT_WORDS, SIZES

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "reference"
CURATION = ROOT / "curation"
OUT = ROOT / "foods.csv"
SOURCES_OUT = ROOT / "sources.csv"
EVIDENCE_OUT = ROOT / "food_sources.csv"
RECIPES_OUT = ROOT / "fndds_ingredients.csv"
DOC_OUT = ROOT / "docs" / "data-sources.md"
VALUE_FILES = ("k2_food_values.csv", "k2_food_values_2.csv")
USDA = "usda-sr28"
with (CURATION / "rules.toml").open("rb") as _handle:
    RULES: dict[str, Any] = tomllib.load(_handle)
GRADING, STATES, INFERRED = RULES["grades"], RULES["states"], RULES["inferred_zero"]


class BuildError(SystemExit):
    """A curation file points at something missing, ambiguous or changed."""

    def __init__(self, message: str) -> None:
        super().__init__(f"build_foods: {message}")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------------------------
# USDA SR28
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sr28Food:
    """One SR28 food with its MK-4 and K1 records (empty text = no record)."""

    ndb: str
    group: str
    desc: str
    mk4: str
    mk4_n: str
    mk4_min: str
    mk4_max: str
    mk4_deriv: str
    k1: str


def load_sr28() -> dict[str, Sr28Food]:
    foods = {}
    for row in read_csv(REF / "usda" / "sr28_foods.csv"):
        foods[row["ndb_no"]] = Sr28Food(
            ndb=row["ndb_no"],
            group=row["food_group"],
            desc=row["long_desc"],
            mk4=row["mk4_mcg_per_100g"],
            mk4_n=row["mk4_n_data_points"],
            mk4_min=row["mk4_min"],
            mk4_max=row["mk4_max"],
            mk4_deriv=row["mk4_deriv_cd"],
            k1=row["k1_mcg_per_100g"],
        )
    return foods


def load_weights() -> dict[str, list[tuple[str, str, str]]]:
    """SR28 household measures by NDB number: (amount, measure text, grams), in USDA order."""
    weights: dict[str, list[tuple[str, str, str]]] = {}
    for row in read_csv(REF / "usda" / "sr28_weights.csv"):
        weights.setdefault(row["ndb_no"], []).append((row["amount"], row["measure"], row["grams"]))
    return weights


# Household units SR28 often lacks that USDA's survey database (FNDDS 2017-2018, "Portions and
# Weights") weighs for the same food: a glass of wine, a scoop of ice cream, a can of cola, a
# bottle of beer, a nut, a floweret. Taken only from an FNDDS food made of that one SR28 food
# (its "FNDDS Ingredients" list has the one SR code and nothing else), only for a unit SR28
# itself has no weight for, and said in the food's note.
FNDDS_UNITS = (
    *("glass", "scoop", "can", "bottle", "pouch", "container", "packet", "package"),
    *("nut", "berry", "floweret"),
)


@dataclass(frozen=True)
class FnddsPortion:
    """One FNDDS portion of a survey food made of one SR28 food alone."""

    fndds_code: str
    food: str
    text: str  # the portion's description without its leading "1 "
    grams: str


@cache
def load_fndds_portions() -> dict[str, list[FnddsPortion]]:
    """FNDDS 2017-2018 portions of the survey foods made of one SR28 food, by that NDB number."""
    ingredients: dict[str, list[dict[str, str]]] = {}
    for row in read_csv(REF / "fndds" / "fndds_2017_2018_ingredients.csv"):
        ingredients.setdefault(row["fndds_code"], []).append(row)
    alone = {
        code: rows[0]["sr_code"]
        for code, rows in ingredients.items()
        if len(rows) == 1 and rows[0]["ingredient_type"] == "sr"
    }
    portions: dict[str, list[FnddsPortion]] = {}
    for row in read_csv(REF / "fndds" / "fndds_2017_2018_portions.csv"):
        ndb = alone.get(row["fndds_code"])
        text = row["portion_desc"]
        if ndb is None or not text.startswith("1 ") or Decimal(row["portion_weight_g"]) <= 0:
            continue
        portion = FnddsPortion(
            row["fndds_code"], row["main_food_desc"], text[2:], row["portion_weight_g"]
        )
        portions.setdefault(ndb, []).append(portion)
    return portions


def add_fndds_measures(row: Row, portions: list[FnddsPortion]) -> None:
    """The FNDDS units of ``FNDDS_UNITS`` the row has no SR28 weight for, where FNDDS gives
    the unit one weight (several sizes of a bottle name none); the note names every one taken."""
    have = dict(part.split("=", 1) for part in row.measures.split(";") if part)
    by_unit: dict[str, list[FnddsPortion]] = {}
    for portion in sorted(portions, key=lambda p: p.fndds_code):
        named = re.match(r"(\w+) or (\w+)\b", portion.text)  # "can or bottle (12 fl oz)"
        for key in named.groups() if named else (measure_key(portion.text),):
            if key in FNDDS_UNITS and key not in have:
                by_unit.setdefault(key, []).append(portion)
    taken = []
    for key, found in by_unit.items():
        if len({Decimal(p.grams) for p in found}) > 1:
            continue  # a bottle of 12 or of 40 fl oz: the bare word names no one weight
        portion = found[0]
        have[key] = portion.grams
        source = f"{portion.fndds_code} {portion.food}: 1 {portion.text}"
        taken.append(f"{key} = {portion.grams} g ({source})")
    if not taken:
        return
    if key_each := next((k for k in ("nut", "berry") if k in have), None):
        have.setdefault("each", have[key_each])
    row.measures = ";".join(f"{k}={v}" for k, v in have.items())
    row.note = " ".join(
        x for x in (row.note, f"Measures from USDA FNDDS 2017-2018: {'; '.join(taken)}.") if x
    )


# --------------------------------------------------------------------------------------------
# Measures: how a USDA measure text becomes a unit word the parser knows
# --------------------------------------------------------------------------------------------

VOLUME = {
    **dict.fromkeys(("cup", "cups"), "cup"),
    **dict.fromkeys(("tbsp", "tablespoon", "tablespoons"), "tbsp"),
    **dict.fromkeys(("tsp", "teaspoon", "teaspoons"), "tsp"),
    "quart": "quart",
    "pint": "pint",
    "ml": "ml",
}
COUNT = {
    **{w: w for w in COUNT_WORDS},
    **{w + "s": w for w in COUNT_WORDS},
    "leaves": "leaf",
    "patties": "patty",
    "filet": "fillet",
}
# One whole food counted with no unit ("2 eggs", "1 apple"): the first of these keys it has,
# else a count word that is the food's own noun ("1 pancake": pancake = 38 g).
EACH_FROM = [
    "each",
    "medium",
    "large",
    "fruit",
    "piece",
    "unit",
    "item",
    "link",
    "frankfurter",
    "patty",
    "drumstick",
    "thigh",
    "wing",
    "breast",
    "fillet",
    "steak",
    "chop",
    "medallion",
    "liver",
    "corndog",
    "bagel",
    "biscuit",
    "muffin",
    "doughnut",
    "donut",
    "cookie",
    "cracker",
    "tortilla",
    "pita",
    "croissant",
    "bar",
    "pastry",
    "roll",
    "lobster",
    "strip",
    "ear",
    "head",
    "stalk",
    "spear",
    "sheet",
    "clove",
    "kernel",
    "small",
]
# Eggs are sold and counted as large ones in US recipes and in USDA's own egg measures.
EACH_FIRST_BY_CATEGORY = {"egg": "large"}
# A measure described this way is not the food as eaten; another of the same unit is preferred.
SECOND_CHOICE = ("whipped", "with hulls", "in shell", "unpacked")


def measure_key(text: str, food_words: frozenset[str] = frozenset()) -> str | None:
    """Unit word for a USDA measure text, or None to skip it (mass units, unnamed measures).

    A measure named by the food's own noun ("1 avocado", "1 cucumber (8-1/4")") is one whole.
    """
    t = text.strip().lower()
    if t.startswith(("fl oz", "fl. oz")):
        return "fl oz"
    if re.match(r"^(oz|lb)\b", t) or t.startswith(("cubic inch", "nlea")):
        return None
    found: list[str] = re.findall(r"[a-z]+", t)
    if not found:
        return None
    first = found[0]
    if first == "extra" and len(found) > 1 and found[1] in SIZES:
        return f"extra {found[1]}"
    if first in VOLUME:
        return VOLUME[first]
    if first in COUNT:
        return COUNT[first]
    if len(found) > 1 and found[1] in SIZES:  # "potato medium (2-1/4" to 3-1/4" dia)"
        return found[1]
    if singular(first) in food_words:
        return "each"
    return None


def _plain(text: str) -> str:
    """A measure text without its parenthesised remarks ("cup, fluid (yields 2 cups whipped)")."""
    return re.sub(r"\(.*?\)", "", text.lower())


def plain_decimal(value: Decimal) -> str:
    """At most 3 decimals, no trailing zeros (grams per one unit)."""
    text = format(value.quantize(Decimal("0.001")), "f").rstrip("0").rstrip(".")
    return text or "0"


def build_measures(items: Iterable[tuple[str, str, str]], category: str, name: str = "") -> str:
    """``unit=grams;…`` from (amount, measure text, grams); the first of each unit wins."""
    # the food's own nouns: "Nuts, almonds" counts by "1 almond" (1.2 g), "Fish, fish sticks"
    # by "1 stick" where the item names it
    food_words = frozenset(words(normalize(",".join(name.split(",")[:2]))))
    ordered = sorted(items, key=lambda item: any(w in _plain(item[1]) for w in SECOND_CHOICE))
    out: dict[str, str] = {}
    for amount, text, grams in ordered:
        key = measure_key(text, food_words)
        if key is None or Decimal(grams) <= 0:
            continue
        count = Decimal(amount)
        weight = grams if count == 1 else plain_decimal(Decimal(grams) / count)
        out.setdefault(key, weight)
        if key in VOLUME.values():
            # "cup, shredded" is also kept as "cup shredded", for an item that says so
            for cut in sorted(set(re.findall(r"[a-z]+", _plain(text))) & CUT_WORDS):
                out.setdefault(f"{key} {cut}", weight)
    first = EACH_FIRST_BY_CATEGORY.get(category)
    own = [key for key in out if key in food_words]
    for key in ((first,) if first else ()) + tuple(EACH_FROM) + tuple(own):
        if key in out and "each" not in out:
            out["each"] = out[key]
            break
    return ";".join(f"{k}={v}" for k, v in out.items())


# --------------------------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------------------------

GROUP_CATEGORY = {
    "Spices and Herbs": "spice",
    "Baby Foods": "baby-food",
    "Fats and Oils": "fat",
    "Poultry Products": "poultry",
    "Soups, Sauces, and Gravies": "soup",
    "Sausages and Luncheon Meats": "processed-meat",
    "Breakfast Cereals": "grain",
    "Fruits and Fruit Juices": "fruit",
    "Pork Products": "pork",
    "Vegetables and Vegetable Products": "vegetable",
    "Nut and Seed Products": "nut",
    "Beef Products": "beef",
    "Beverages": "beverage",
    "Finfish and Shellfish Products": "fish",
    "Legumes and Legume Products": "legume",
    "Baked Products": "baked",
    "Sweets": "sweet",
    "Cereal Grains and Pasta": "grain",
    "Fast Foods": "fast-food",
    "Meals, Entrees, and Side Dishes": "meal",
    "Snacks": "snack",
    "Restaurant Foods": "restaurant",
    "Lamb, Veal, and Game Products": "lamb-veal-game",
    "American Indian/Alaska Native Foods": "native-foods",
}


def usda_category(food: Sr28Food) -> str:
    if food.group == "Dairy and Egg Products":
        desc = food.desc.lower()
        for prefix, category in (("cheese", "cheese"), ("egg", "egg"), ("butter", "fat")):
            if desc.startswith(prefix):
                return category
        return "dairy"
    return GROUP_CATEGORY[food.group]


# --------------------------------------------------------------------------------------------
# Readers: one source's measurement of one food, by form
# --------------------------------------------------------------------------------------------

FORMS = ("mk4", "mk5", "mk6", "mk7", "mk8", "mk9", "mk10")
OTHER_FORMS = ("mk5", "mk6", "mk8", "mk9", "mk10")
GRADES = ("high", "medium", "low")
K2VIEWER = "k2viewer"
# README rule 11 (codes 3 and 11 decided in curation/rules.toml): a K2viewer row is medium
# when it cites one of these studies alone and its forms add up to its own "Summe K2".
K2VIEWER_MEDIUM_CODES = frozenset(GRADING["k2viewer_medium_codes"])
ADDS_UP = Decimal(GRADING["k2viewer_adds_up"])


@dataclass(frozen=True)
class Measured:
    """One source's value for one food: each form per 100 g (None = not measured, 0 = a
    measured zero), or ``unsplit`` when the source gave only a total; its grade; and the
    reference row it was read from. ``retired`` says why it is listed but not used."""

    source: str
    reference: str
    forms: dict[str, Decimal | None]
    unsplit: Decimal | None
    grade: str
    low: Decimal | None = None  # the source's own range of samples (SR28 min/max)
    high: Decimal | None = None
    retired: str = ""
    mk4_text: str = ""  # SR28's MK-4 as written ("0.0", "28.0"), kept in foods.csv

    @property
    def complete(self) -> bool:
        """Every form MK-4 … MK-10 analysed (a value or not detectable), or a total the
        source gave for all its menaquinones without splitting them."""
        return self.unsplit is not None or None not in self.forms.values()

    @property
    def not_measured(self) -> list[str]:
        """The forms this source did not analyse ([] when its unsplit total covers them)."""
        return [] if self.unsplit is not None else [f for f in FORMS if self.forms[f] is None]

    @property
    def n_forms(self) -> int:
        """How many numbers the source gave: each form measured, and an unsplit total as one."""
        return sum(v is not None for v in self.forms.values()) + (self.unsplit is not None)

    def form(self, name: str) -> Decimal | None:
        return self.forms[name]

    @property
    def other(self) -> Decimal | None:
        """MK-5, MK-6, MK-8, MK-9 and MK-10 added (the measured ones); None if none was."""
        found = [v for f in OTHER_FORMS if (v := self.forms[f]) is not None]
        return sum(found, Decimal(0)) if found else None

    @property
    def total(self) -> Decimal:
        parts = [v for v in self.forms.values() if v is not None]
        return sum(parts, self.unsplit or Decimal(0))


def sr28_measured(food: Sr28Food, retired: str = "") -> Measured | None:
    """A SR28 MK-4 record (notes.md: analytical with n >= 2 is high, else medium). A 0.0
    with fewer data points than rule 10 asks is listed retired: it is not a measurement."""
    if not food.mk4:
        return None
    n = int(food.mk4_n or 0)
    high = food.mk4_deriv == GRADING["sr28_high_derivation"] and n >= GRADING["sr28_high_min_n"]
    grade = "high" if high else "medium"
    if Decimal(food.mk4) == 0 and n < STATES["sr28_measured_zero_min_n"]:
        retired = retired or STATES["sr28_imputed_zero_because"]
    return Measured(
        source=USDA,
        reference=(
            f"SR28 {food.ndb} '{food.desc}': MK-4 {food.mk4}, n={n}, derivation {food.mk4_deriv}"
        ),
        forms={f: (Decimal(food.mk4) if f == "mk4" else None) for f in FORMS},
        unsplit=None,
        grade=grade,
        low=Decimal(food.mk4_min) if food.mk4_min else None,
        high=Decimal(food.mk4_max) if food.mk4_max else None,
        retired=retired,
        mk4_text=food.mk4,
    )


def k2viewer_cell(text: str) -> Decimal | None:
    """README rule 10: ND is a measured zero; NA or an empty cell is not measured."""
    text = text.strip()
    if text == "ND":
        return Decimal(0)
    return None if text in ("NA", "") else Decimal(text)


def k2viewer_measured(row: dict[str, str]) -> Measured:
    """A row of reference/k2viewer/k2_database.csv, graded by README rule 11."""
    forms = {f: k2viewer_cell(row[f.upper()]) for f in FORMS}
    codes = set(re.findall(r"\d+", row["References"]))
    given = sum((v for v in forms.values() if v is not None), Decimal(0))
    adds_up = abs(given - Decimal(row["Summe K2"])) <= ADDS_UP
    single = len(codes) == 1 and codes <= K2VIEWER_MEDIUM_CODES
    cells = " ".join(f"{f.upper()} {row[f.upper()]}" for f in FORMS)
    return Measured(
        source=K2VIEWER,
        reference=(
            f"K2viewer '{row['Food items']}': {cells}; Summe K2 {row['Summe K2']}; "
            f"references {row['References']}"
        ),
        forms=forms,
        unsplit=None,
        grade="medium" if single and adds_up else "low",
    )


def file_measured(row: dict[str, str], key: str, file: str) -> Measured:
    """A row of reference/k2_food_values*.csv: its form columns, else its total_k2 as an
    unsplit total; graded by the row's own confidence column."""
    forms = {f: (Decimal(row[f]) if row[f] else None) for f in FORMS}
    given = any(v is not None for v in forms.values())
    total = row["total_k2"]
    return Measured(
        source=key,
        reference=f"{file} '{row['food']}': {shorten(row['source'], 120, placeholder=' …')}",
        forms=forms,
        unsplit=Decimal(total) if total and not given else None,
        grade=file_grade(row),
    )


def file_grade(row: dict[str, str]) -> str:
    """The row's own confidence, except that high read from an abstract is medium (notes.md:
    peer-reviewed work read via abstract or summary is medium; curation/rules.toml)."""
    said = f"{row['source']} {row['note']}".lower()
    if row["confidence"] == "high" and GRADING["abstract_word"] in said:
        return str(GRADING["abstract_grade"])
    return row["confidence"]


# --------------------------------------------------------------------------------------------
# Study values, found by source key and food text
# --------------------------------------------------------------------------------------------


@dataclass
class StudyValues:
    """The rows of the study value files and the source keys that cite them."""

    rows: list[tuple[str, dict[str, str]]]  # (file name, row)
    sources: dict[str, dict[str, str]]  # key -> row of curation/sources.csv
    household: list[dict[str, str]]
    k2viewer: dict[str, dict[str, str]]  # trimmed food name -> trimmed row
    sr28: dict[str, Sr28Food]

    def row(self, ref: dict[str, Any], where: str) -> tuple[str, dict[str, str]]:
        """The one reference row ``ref`` names by source key, food text and source_text."""
        key = ref.get("source", "")
        if key not in self.sources:
            raise BuildError(
                f"{where}: unknown source key {key!r} (add it to curation/sources.csv)"
            )
        starts = self.sources[key]["reference_match"]
        text = ref.get("source_text", "")
        found = [
            (name, row)
            for name, row in self.rows
            if row["food"] == ref["food"]
            and starts
            and row["source"].startswith(starts)
            and text in row["source"]
        ]
        label = f"{where}: {key} row {ref['food']!r}"
        if not found:
            raise BuildError(f"{label} is not in reference/{' or '.join(VALUE_FILES)}")
        if len(found) > 1:
            raise BuildError(
                f"{label} matches {len(found)} rows; add source_text to tell them apart"
            )
        return found[0]

    def value(self, ref: dict[str, Any], where: str) -> Decimal:
        """The cell(s) ``ref`` names (a band's low or high), checked against ``value``."""
        name, row = self.row(ref, where)
        columns = ref["columns"] if "columns" in ref else [ref["column"]]
        cells = [row[c] for c in columns]
        label = f"{where}: {ref['source']} row {ref['food']!r}"
        if "" in cells:
            raise BuildError(f"{label} column {'/'.join(columns)} is empty")
        total = sum((Decimal(c) for c in cells), Decimal(0))
        if total != Decimal(str(ref["value"])):
            raise BuildError(
                f"{label} column {'+'.join(columns)} is {total} in {name}, "
                f"but the curation says {ref['value']}"
            )
        return total

    def measured(self, ref: dict[str, Any], where: str) -> Measured:
        """A source's whole measurement of a food, checked against the curation's ``total``."""
        key = ref.get("source", "")
        retired = ref.get("retired", "")
        found: Measured | None
        if key == K2VIEWER:
            if ref["food"] not in self.k2viewer:
                raise BuildError(f"{where}: no K2viewer row {ref['food']!r}")
            found = k2viewer_measured(self.k2viewer[ref["food"]])
        elif key == USDA:
            if ref.get("ndb") not in self.sr28:
                raise BuildError(f"{where}: no SR28 food {ref.get('ndb')!r}")
            found = sr28_measured(self.sr28[ref["ndb"]])
            if found is None:
                raise BuildError(f"{where}: SR28 {ref['ndb']} has no MK-4 record")
        else:
            file, row = self.row(ref, where)
            if row["unit_note"].startswith("NOT PURE K2"):
                raise BuildError(f"{where}: {key} row {ref['food']!r} is not K2 (rule 12)")
            found = file_measured(row, key, file)
            if found.n_forms == 0 and found.unsplit is None:
                raise BuildError(f"{where}: {key} row {ref['food']!r} has no value; use band")
        if found.total != Decimal(str(ref["total"])):
            raise BuildError(
                f"{where}: {key} {ref.get('food') or ref.get('ndb')!r} adds up to "
                f"{found.total}, but the curation says {ref['total']}"
            )
        if found.grade not in GRADES:
            raise BuildError(f"{where}: {key} row has no grade ({found.grade!r})")
        if retired:
            found = Measured(**{**found.__dict__, "retired": retired})
        return found

    def measure(self, ref: dict[str, Any], where: str) -> tuple[str, str, str]:
        """A household measure as (amount, measure text, grams), checked against ``grams``."""
        found = [
            r for r in self.household if r["food"] == ref["food"] and r["measure"] == ref["measure"]
        ]
        if len(found) != 1:
            raise BuildError(
                f"{where}: household measure {ref['food']!r} {ref['measure']!r} matches "
                f"{len(found)} rows of reference/household_measures.csv"
            )
        row = found[0]
        if Decimal(row["grams"]) != Decimal(str(ref["grams"])):
            raise BuildError(f"{where}: {ref['measure']!r} is {row['grams']} g, not {ref['grams']}")
        amount, _, text = row["measure"].partition(" ")
        return amount, text, row["grams"]


def load_k2viewer() -> dict[str, dict[str, str]]:
    """K2viewer rows by trimmed food name; headers and cells trimmed as its web page does."""
    path = REF / "k2viewer" / "k2_database.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter=";")
        return {
            row["Food items"].strip(): {k.strip(): (v or "").strip() for k, v in row.items()}
            for row in rows
        }


def load_study_values(sr28: dict[str, Sr28Food]) -> StudyValues:
    rows = [(name, row) for name in VALUE_FILES for row in read_csv(REF / name)]
    sources = {row["key"]: row for row in read_csv(CURATION / "sources.csv")}
    household = read_csv(REF / "household_measures.csv")
    return StudyValues(rows, sources, household, load_k2viewer(), sr28)


# --------------------------------------------------------------------------------------------
# Selectors: the primary value and the band
# --------------------------------------------------------------------------------------------

GRADE_RANK = {"high": 3, "medium": 2, "low": 1}
ACCEPTABLE = ("high", "medium")


def forms_text(value: Measured) -> str:
    """How much of K2 a value covers, in words: 'all forms', 'an unsplit total', 'MK-4 only'."""
    if value.unsplit is not None:
        return "an unsplit total of all menaquinones"
    measured = [f for f in FORMS if value.forms[f] is not None]
    if len(measured) == len(FORMS):
        return "all forms MK-4 to MK-10"
    names = ", ".join(f.upper().replace("MK", "MK-") for f in measured)
    return f"{names} only" if len(measured) < 3 else f"{len(measured)} of 7 forms ({names})"


def primary_of(
    values: list[Measured], chosen: dict[str, Any] | None = None
) -> tuple[Measured | None, str]:
    """The value the table serves and why (docs/methodology.md, "Which value is shown").

    The curation may name it, with its reason (``primary``); else, among the values graded
    high or medium (low ones only when there is none), the one that analysed the most forms
    one by one (not detectable counts; an unsplit total counts as one), then the better
    grade, then the first listed. Retired values never qualify."""
    usable = [v for v in values if not v.retired]
    if not usable:
        return None, ""
    if chosen is not None:
        found = [
            v
            for v in usable
            if v.source == chosen["source"] and f"'{chosen.get('food', '')}" in v.reference
        ]
        if len(found) != 1:
            raise BuildError(f"primary {chosen} matches {len(found)} values")
        return found[0], f"chosen in the curation: {chosen['because']}"
    if len(usable) == 1:
        return usable[0], f"the only value ({forms_text(usable[0])})"
    acceptable = [v for v in usable if v.grade in ACCEPTABLE]
    pool = acceptable or usable
    best = max(pool, key=lambda v: (v.n_forms, GRADE_RANK[v.grade]))
    among = "high- and medium-grade values" if acceptable else "values (all graded low)"
    return best, f"the most complete of the {among}: {forms_text(best)}, graded {best.grade}"


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def cell(value: Decimal | None) -> str:
    return "" if value is None else text(value)


@dataclass
class Row:
    name: str
    aliases: list[str]
    category: str
    ndb: str = ""
    mk4: str = ""
    mk7: str = ""
    other: str = ""
    unsplit: str = ""
    low: str = ""
    high: str = ""
    k1: str = ""
    confidence: str = ""
    measures: str = ""
    sources: list[str] = field(default_factory=list)
    note: str = ""
    values: list[Measured] = field(default_factory=list)
    primary: Measured | None = None
    primary_because: str = ""
    outside: dict[int, str] = field(default_factory=dict)  # id(value) -> why not in band
    forms_not_measured: str = ""
    curated: bool = False  # an entry of curation/foods.toml
    range_sources: list[str] = field(default_factory=list)  # keys of its range-only bounds
    fndds_codes: list[str] = field(default_factory=list)
    coverage: str = ""  # an FNDDS food's K2 coverage by ingredient weight, in percent

    def point(self) -> str:
        """The row's K2 total: the measured forms plus the unsplit total ('' if none)."""
        parts = [Decimal(v) for v in (self.mk4, self.mk7, self.other, self.unsplit) if v]
        return text(sum(parts, Decimal(0))) if parts else ""

    def cells(self) -> list[str]:
        return [
            self.name,
            ";".join(self.aliases),
            self.category,
            self.ndb,
            self.mk4,
            self.mk7,
            self.other,
            self.unsplit,
            self.low,
            self.high,
            self.k1,
            self.confidence,
            self.measures,
            ";".join(self.sources),
            self.note,
            self.forms_not_measured,
            ";".join(self.fndds_codes),
            self.coverage,
        ]

    def use(
        self,
        values: list[Measured],
        lows: list[Decimal],
        highs: list[Decimal],
        chosen: dict[str, Any] | None = None,
    ) -> None:
        """Take the primary value's forms and grade; the band spans the values not retired
        that cover K2 as completely as the primary (all forms, or not), each one's own range,
        and the cited range-only bounds (``lows``/``highs``)."""
        self.values = values
        self.primary, self.primary_because = primary_of(values, chosen)
        primary = self.primary
        self.mk4 = self.mk7 = self.other = self.unsplit = self.confidence = ""
        self.forms_not_measured = self.low = self.high = ""
        self.outside = {}
        if primary is None:
            return
        self.mk4 = primary.mk4_text or cell(primary.form("mk4"))
        self.mk7 = cell(primary.form("mk7"))
        self.other = cell(primary.other)
        self.unsplit = cell(primary.unsplit)
        self.confidence = primary.grade
        self.forms_not_measured = ";".join(primary.not_measured)
        used = []
        for value in values:
            if value.retired:
                continue
            if value.complete == primary.complete:
                used.append(value)
            else:
                kind = "all-form totals" if primary.complete else "values of some forms"
                self.outside[id(value)] = (
                    f"{forms_text(value)}: not in the band, which holds {kind} like the primary"
                )
        lows = lows + [v.low for v in used if v.low is not None]
        highs = highs + [v.high for v in used if v.high is not None]
        if len(used) > 1 or lows or highs:
            totals = [v.total for v in used]
            set_band(self, lows + totals, highs + totals)


def usda_name(desc: str) -> str:
    """USDA long_desc lower-cased and single-spaced; ';' (the alias separator) becomes ','."""
    return " ".join(desc.lower().replace(";", ",").split())


def usda_note(food: Sr28Food) -> str:
    if not food.mk4:
        return ""
    n = int(food.mk4_n or 0)
    if Decimal(food.mk4) == 0 and n < STATES["sr28_measured_zero_min_n"]:
        return (
            f"USDA SR28 {food.ndb}: MK-4 0.0 (derivation {food.mk4_deriv}, n={n}) is not used: "
            f"{STATES['sr28_imputed_zero_because']}."
        )
    if food.mk4_deriv == "A":
        how = f"analytical, n={n}" + (" (single sample)" if n == 1 else "")
    else:
        how = f"calculated/imputed (derivation {food.mk4_deriv}), n={n}"
    return f"USDA SR28 {food.ndb}: MK-4 only (USDA measured no other forms); {how}."


def set_band(row: Row, lows: list[Decimal], highs: list[Decimal]) -> None:
    """low = min, high = max of the cited values, widened to take in the row's own point."""
    point = row.point()
    if not (lows or highs) or not point:
        return
    value = Decimal(point)
    if lows:
        row.low = text(min([*lows, value]))
    if highs:
        row.high = text(max([*highs, value]))
    if (lows and value < min(lows)) or (highs and value > max(highs)):
        row.note = f"{row.note} Band extended to this row's own value.".strip()


def usda_row(food: Sr28Food, weights: dict[str, list[tuple[str, str, str]]]) -> Row:
    category = usda_category(food)
    row = Row(
        name=usda_name(food.desc),
        aliases=[],
        category=category,
        ndb=food.ndb,
        k1=food.k1,
        measures=build_measures(weights.get(food.ndb, []), category, food.desc),
        sources=[USDA],
        note=usda_note(food),
    )
    measured = sr28_measured(food)
    if measured is not None and (measured.low is not None or measured.high is not None):
        row.note += " Band = SR28 min/max."
    add_fndds_measures(row, load_fndds_portions().get(food.ndb, []))
    row.use([measured] if measured else [], [], [])
    return row


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def name_row(base: Row, food: Sr28Food, name: str, aliases: list[str]) -> Row:
    """A USDA row under its friendly name (the USDA name stays as an alias)."""
    long_name = usda_name(food.desc)
    if long_name != name and long_name not in aliases:
        aliases = [*aliases, long_name]
    base.name, base.aliases = name, aliases
    return base


def study_row(
    entry: dict[str, Any],
    study: StudyValues,
    sr28: dict[str, Sr28Food],
    weights: dict[str, list[tuple[str, str, str]]],
) -> Row:
    """A food from curation/foods.toml, on its SR28 row when it names one."""
    where = f"curation/foods.toml [{entry['name']}]"
    unknown = set(entry) - CURATION_KEYS
    if unknown:
        raise BuildError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    values: list[Measured] = []
    ndb = entry.get("ndb", "")
    if ndb:
        if ndb not in sr28:
            raise BuildError(f"{where}: no SR28 food {ndb}")
        row = name_row(
            usda_row(sr28[ndb], weights), sr28[ndb], entry["name"], entry.get("aliases", [])
        )
        own = sr28_measured(sr28[ndb], entry.get("retire_sr28", ""))
        values += [own] if own else []
    else:
        row = Row(name=entry["name"], aliases=list(entry.get("aliases", [])), category="")
    row.category = entry.get("category", row.category)
    values += [study.measured(ref, f"{where} values") for ref in entry.get("values", [])]
    lows: list[Decimal] = []
    highs: list[Decimal] = []
    for ref in entry.get("band", []):
        row.range_sources.append(ref["source"])
        column = ref.get("column", "")
        if column not in ("low", "high", ""):
            raise BuildError(
                f"{where} band: {ref['source']} column {column!r} is one form, not a total: "
                "a band never mixes a single form with totals"
            )
        value = study.value(ref, f"{where} band")
        if column != "high":
            lows.append(value)
        if column != "low":
            highs.append(value)
    if "measures" in entry:
        items = [study.measure(m, f"{where} measures") for m in entry["measures"]]
        row.measures = build_measures(items, row.category, row.name)
    usda = [USDA] if ndb else []  # K1 and household measures come from the SR28 row
    keys = [*(v.source for v in values), *row.range_sources, *entry.get("sources", []), *usda]
    row.sources = list(dict.fromkeys(keys))
    row.note = entry.get("note", "")
    row.curated = True
    if not row.category:
        raise BuildError(f"{where}: no category")
    row.use(values, lows, highs, entry.get("primary"))
    return row


CURATION_KEYS = frozenset(
    {"name", "aliases", "ndb", "category", "values", "band", "measures", "sources", "note"}
    | {"retire_sr28", "primary"}
)


def read_names() -> list[dict[str, str]]:
    lines = read_csv(CURATION / "names.csv")
    expected = ["name", "aliases", "ndb_no", "category", "note"]
    if lines and list(lines[0]) != expected:
        raise BuildError(f"curation/names.csv: the header must be {','.join(expected)}")
    return lines


# --------------------------------------------------------------------------------------------
# USDA FNDDS 2017-2018: survey foods (dishes) computed from their SR28 ingredients
# --------------------------------------------------------------------------------------------

FNDDS = "usda-fndds-2017-2018"
FNDDS_REF = REF / "fndds"
# The FNDDS codes that are neither an SR28 food nor an FNDDS food (reference/fndds/README.md):
# their K2 and K1 are not known, so they count as ingredients without a value.
FNDDS_SPECIAL = "fndds_special"
FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class Ingredient:
    """One line of an FNDDS recipe: an SR28 food, another FNDDS food or a special code."""

    kind: str  # sr, fndds_food or fndds_special
    code: str  # the SR28 NDB number (5 digits) or the FNDDS code
    desc: str
    grams: Decimal  # grams in the recipe as written


@dataclass(frozen=True)
class Recipe:
    code: str
    desc: str
    category: str
    moisture_change_pct: Decimal
    ingredients: tuple[Ingredient, ...]


def load_fndds_recipes(sr28: dict[str, Sr28Food]) -> dict[str, Recipe]:
    """Every FNDDS food's recipe, checked: each ingredient code exists, each weight is
    positive, one moisture change per food, no food is its own ingredient (however deep)."""
    lines: dict[str, list[dict[str, str]]] = {}
    for row in read_csv(FNDDS_REF / "fndds_2017_2018_ingredients.csv"):
        lines.setdefault(row["fndds_code"], []).append(row)
    problems: list[str] = []
    recipes: dict[str, Recipe] = {}
    for code, rows in lines.items():
        changes = {r["moisture_change_pct"] for r in rows}
        if len(changes) != 1:
            problems.append(f"FNDDS {code}: moisture change differs between its lines {changes}")
        ingredients = []
        for r in rows:
            kind, grams = r["ingredient_type"], Decimal(r["ingredient_weight_g"])
            ingredient_code = r["sr_code"] if kind == "sr" else r["ingredient_code"]
            where = f"FNDDS {code} line {r['seq']}"
            if grams <= 0:
                problems.append(f"{where}: ingredient weight {grams} g is not positive")
            if kind == "sr" and ingredient_code not in sr28:
                problems.append(f"{where}: SR28 food {ingredient_code!r} does not exist")
            elif kind == "fndds_food" and ingredient_code not in lines:
                problems.append(f"{where}: FNDDS food {ingredient_code!r} does not exist")
            elif kind not in ("sr", "fndds_food", FNDDS_SPECIAL):
                problems.append(f"{where}: unknown ingredient type {kind!r}")
            ingredients.append(Ingredient(kind, ingredient_code, r["ingredient_desc"], grams))
        first = rows[0]
        recipes[code] = Recipe(
            code=code,
            desc=first["fndds_desc"],
            category=first["wweia_category_desc"],
            # One food (27118140) leaves the column empty: no change stated.
            moisture_change_pct=Decimal(first["moisture_change_pct"] or "0"),
            ingredients=tuple(ingredients),
        )
    problems += fndds_cycles(recipes)
    if problems:
        raise BuildError("\n  ".join([f"reference/fndds: {len(problems)} problem(s):", *problems]))
    return recipes


def fndds_cycles(recipes: dict[str, Recipe]) -> list[str]:
    """A line for each FNDDS food that is, through its sub-recipes, its own ingredient."""
    state: dict[str, int] = {}  # 1 = being expanded, 2 = done
    found: list[str] = []

    def visit(code: str, path: tuple[str, ...]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            found.append(f"FNDDS {code}: a cycle of sub-recipes {' -> '.join((*path, code))}")
            return
        state[code] = 1
        for ingredient in recipes[code].ingredients:
            if ingredient.kind == "fndds_food" and ingredient.code in recipes:
                visit(ingredient.code, (*path, code))
        state[code] = 2

    for code in recipes:
        visit(code, ())
    return found


def expand(
    recipes: dict[str, Recipe], code: str, memo: dict[str, dict[tuple[str, str], Decimal]]
) -> dict[tuple[str, str], Decimal]:
    """Grams of each SR28 food (or special code) in 1 g of FNDDS food ``code`` as eaten.

    Sub-recipes are expanded recursively. USDA's moisture change is a percent of the recipe's
    total weight (water lost in cooking when negative, gained when positive): the food as
    eaten weighs total x (1 + change / 100), and every ingredient's nutrients are spread over
    that weight (docs/research.md says where this is documented and how it was checked).
    """
    if code in memo:
        return memo[code]
    recipe = recipes[code]
    total = sum((i.grams for i in recipe.ingredients), Decimal(0))
    eaten = total * (1 + recipe.moisture_change_pct / 100)
    shares: dict[tuple[str, str], Decimal] = {}
    for ingredient in recipe.ingredients:
        if ingredient.kind == "fndds_food":
            for key, share in expand(recipes, ingredient.code, memo).items():
                shares[key] = shares.get(key, Decimal(0)) + ingredient.grams * share / eaten
        else:
            key = (ingredient.kind, ingredient.code)
            shares[key] = shares.get(key, Decimal(0)) + ingredient.grams / eaten
    memo[code] = shares
    return shares


def rounded(value: Decimal) -> str:
    """At most 4 decimals, no trailing zeros (a value computed from ingredients)."""
    text = format(value.quantize(FOUR), "f").rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class RecipeLine:
    """One SR28 ingredient of an FNDDS food, per 100 g of the food as eaten (``show``)."""

    fndds_code: str
    ingredient: str  # the table's name of the SR28 food, or the FNDDS text of a special code
    ndb: str
    grams: Decimal
    row: Row | None  # the SR28 food's row in the table (None for a special code)


def fndds_rows(rows: list[Row], sr28: dict[str, Sr28Food]) -> tuple[list[Row], list[RecipeLine]]:
    """A row for every FNDDS 2017-2018 food, its values computed from the SR28 rows already
    built (so curated study values of an ingredient, such as a cheese's MK-8/MK-9, count)."""
    recipes = load_fndds_recipes(sr28)
    by_ndb = {row.ndb: row for row in rows if row.ndb}
    portions: dict[str, list[tuple[str, str, str]]] = {}
    for p in read_csv(FNDDS_REF / "fndds_2017_2018_portions.csv"):
        if p["subcode"]:  # a candy's own portion weights (one brand), not the food's
            continue
        found = re.match(r"(\d+(?:\.\d+)?|\d+/\d+)\s+(.+)", p["portion_desc"])
        if found:
            amount = found.group(1)
            if "/" in amount:
                top, bottom = amount.split("/")
                amount = str(Decimal(top) / Decimal(bottom))
            portions.setdefault(p["fndds_code"], []).append(
                (amount, found.group(2), p["portion_weight_g"])
            )
    taken = {fold_key(label) for row in rows for label in (row.name, *row.aliases)}
    friendly: dict[str, list[str]] = {}
    for number, line in enumerate(read_csv(CURATION / "fndds_names.csv"), 2):
        if line["fndds_code"] not in recipes:
            raise BuildError(
                f"curation/fndds_names.csv:{number}: no FNDDS food {line['fndds_code']!r}"
            )
        friendly.setdefault(line["fndds_code"], []).append(normalize(line["name"]))
    memo: dict[str, dict[tuple[str, str], Decimal]] = {}
    out: list[Row] = []
    lines: list[RecipeLine] = []
    for code, recipe in recipes.items():
        shares = expand(recipes, code, memo)
        items = [
            RecipeLine(
                code,
                by_ndb[c].name if kind == "sr" else desc_of(recipes, c),
                c if kind == "sr" else "",
                share * 100,
                by_ndb.get(c) if kind == "sr" else None,
            )
            for (kind, c), share in sorted(shares.items(), key=lambda kv: -kv[1])
        ]
        (kind, only), *more = shares
        if not more and kind == "sr" and recipe.moisture_change_pct == 0:
            # A plain food: one SR28 food as it is ("Egg, whole, raw" = SR28 01123, 100 g).
            # It is that SR28 row, which its code now names too (no second row to compete
            # with the curated name in search and suggestions).
            by_ndb[only].fndds_codes.append(code)
            continue
        lines += items
        name = usda_name(recipe.desc)
        if name[0].isdigit():  # "100 grand bar" would read as 100 of "grand bar"
            name = f"{usda_name(recipe.category)}, {name}"
        if fold_key(name) in taken:
            name = f"{name} (fndds {code})"
        taken.add(fold_key(name))
        aliases = []
        for alias in friendly.get(code, []):
            if fold_key(alias) in taken:
                raise BuildError(f"curation/fndds_names.csv: {alias!r} is already a food's name")
            aliases.append(alias)
            taken.add(fold_key(alias))
        category = re.sub(r"[^a-z0-9]+", "-", recipe.category.lower()).strip("-")
        row = Row(name=name, aliases=aliases, category=category, fndds_codes=[code])
        recipe_values(row, items)
        keys = [FNDDS, *(k for item in items if item.row for k in item.row.sources)]
        row.sources = list(dict.fromkeys(keys))
        row.measures = fndds_measures(portions.get(code, []), category, recipe.desc)
        out.append(row)
    return out, lines


def fndds_measures(items: list[tuple[str, str, str]], category: str, desc: str) -> str:
    """``build_measures`` of FNDDS portions, with a portion named by the food's own noun kept
    under that noun too (``1 sandwich`` of a turkey sandwich: ``sandwich`` as well as each)."""
    measures = build_measures(items, category, desc)
    food_words = frozenset(words(normalize(desc.split(",")[0])))
    keys = {part.partition("=")[0] for part in measures.split(";") if part}
    extra = []
    for amount, text, grams in items:
        noun = (
            singular(re.findall(r"[a-z]+", text.lower())[0])
            if re.search("[a-z]", text.lower())
            else ""
        )
        if Decimal(amount) == 1 and noun in food_words and noun not in keys and Decimal(grams) > 0:
            extra.append(f"{noun}={grams}")
            keys.add(noun)
    return ";".join(filter(None, [measures, *extra]))


def desc_of(recipes: dict[str, Recipe], code: str) -> str:
    """The FNDDS text of a special ingredient code (``Vitamin D as ingredient``)."""
    for recipe in recipes.values():
        for ingredient in recipe.ingredients:
            if ingredient.code == code:
                return ingredient.desc
    return code


def recipe_values(row: Row, items: list[RecipeLine]) -> None:
    """Each form, K1 and the band as the weighted sum of the ingredients that have them; the
    grade is the weakest measured ingredient's (a dish whose only K2 values are inferred zeros
    has K2 not measured); coverage is the share of the ingredient weight whose K2
    is measured in full (every form, or an unsplit total)."""
    weight = sum((i.grams for i in items), Decimal(0))
    sums: dict[str, Decimal] = {}
    measured = complete = Decimal(0)
    grades: set[str] = set()
    low = high = Decimal(0)
    banded = False
    for item in items:
        ing = item.row
        if ing is None:
            continue
        for form in ("mk4", "mk7", "other", "unsplit", "k1"):
            value = getattr(ing, form)
            if value:
                sums[form] = sums.get(form, Decimal(0)) + item.grams * Decimal(value) / 100
        point = ing.point()
        if not point:
            continue
        measured += item.grams
        if ing.unsplit or (ing.mk4 and ing.mk7 and ing.other and not ing.forms_not_measured):
            complete += item.grams
        if ing.confidence != INFERRED["grade"]:  # an inferred zero is a state, not a grade
            grades.add(ing.confidence)
        banded = banded or bool(ing.low or ing.high)
        low += item.grams * Decimal(ing.low or point) / 100
        high += item.grams * Decimal(ing.high or point) / 100
    row.mk4, row.mk7, row.other, row.unsplit, row.k1 = (
        rounded(sums[f]) if f in sums else "" for f in ("mk4", "mk7", "other", "unsplit", "k1")
    )
    if row.point() and not grades:
        # only inferred zeros: the rule is for plant foods, not for a dish, whose other
        # ingredients nobody measured; its K2 stays not measured, never a zero by rule
        row.mk4 = row.mk7 = row.other = row.unsplit = ""
    if row.point():
        row.confidence = min(grades, key=lambda g: GRADE_RANK.get(g, 0))  # the weakest
        row.coverage = rounded(complete / weight * 100)
        total = Decimal(row.point())
        if banded:
            row.low = text(min(Decimal(rounded(low)), total))
            row.high = text(max(Decimal(rounded(high)), total))
    share = rounded(measured / weight * 100) if weight else "0"
    row.note = f"K2 measured for {share}% of the ingredient weight."


def add_aliases(rows: list[Row]) -> None:
    """The everyday and regional names of ``curation/aliases.csv``, each on the food it names."""
    by_name = {row.name: row for row in rows}
    for number, line in enumerate(read_csv(CURATION / "aliases.csv"), 2):
        row = by_name.get(line["name"].strip())
        if row is None:
            raise BuildError(f"curation/aliases.csv:{number}: no curated food {line['name']!r}")
        if not line["note"].strip():
            raise BuildError(f"curation/aliases.csv:{number}: say where the names come from")
        row.aliases = [*row.aliases, *split_list(line["aliases"])]


def build_rows() -> list[Row]:
    sr28, weights = load_sr28(), load_weights()
    study = load_study_values(sr28)
    with (CURATION / "foods.toml").open("rb") as handle:
        entries = tomllib.load(handle)["food"]
    curated: list[Row] = []
    claimed: dict[str, str] = {}

    def claim(ndb: str, by: str) -> None:
        if ndb in claimed:
            raise BuildError(f"SR28 food {ndb} is claimed by both {claimed[ndb]} and {by}")
        claimed[ndb] = by

    for entry in entries:
        if entry.get("ndb"):
            claim(entry["ndb"], f"curation/foods.toml [{entry['name']}]")
        curated.append(study_row(entry, study, sr28, weights))
    for number, line in enumerate(read_names(), 2):
        ndb = line["ndb_no"].strip()
        if ndb not in sr28:
            raise BuildError(f"curation/names.csv:{number}: no SR28 food {ndb!r}")
        claim(ndb, f"curation/names.csv:{number}")
        row = name_row(
            usda_row(sr28[ndb], weights),
            sr28[ndb],
            line["name"].strip(),
            split_list(line["aliases"]),
        )
        row.category = line["category"].strip() or row.category
        row.note = " ".join(x for x in (line["note"].strip(), row.note) if x)
        curated.append(row)
    add_aliases(curated)
    rows = curated + [usda_row(sr28[n], weights) for n in sorted(sr28) if n not in claimed]
    add_sr28_values(rows, study)
    for row in rows:
        if row.ndb and row.primary is None and inferred_zero(sr28[row.ndb], row):
            infer_zero(row)
    validate(rows)
    return rows


def build_all() -> tuple[list[Row], list[RecipeLine]]:
    """The SR28 and study rows, then the FNDDS foods computed from them."""
    rows = build_rows()
    dishes, lines = fndds_rows(rows, load_sr28())
    rows += dishes
    validate(rows)
    return rows, lines


def add_sr28_values(rows: list[Row], study: StudyValues) -> None:
    """curation/sr28_values.toml: study values for SR28 foods under whatever name they have."""
    with (CURATION / "sr28_values.toml").open("rb") as handle:
        entries = tomllib.load(handle)["food"]
    by_ndb = {row.ndb: row for row in rows if row.ndb}
    for entry in entries:
        where = f"curation/sr28_values.toml [{entry['ndb']}]"
        row = by_ndb.get(entry["ndb"])
        if row is None or row.curated:
            raise BuildError(f"{where}: no SR28 row of that number outside curation/foods.toml")
        values = [study.measured(ref, f"{where} values") for ref in entry["values"]]
        row.sources = list(dict.fromkeys([*(v.source for v in values), *row.sources]))
        row.note = " ".join(x for x in (row.note, entry["note"]) if x)
        row.use([*row.values, *values], [], [], entry.get("primary"))


def description_words(desc: str) -> str:
    """An SR28 description as single-spaced lower-case words, padded for whole-word search."""
    return f" {' '.join(re.findall(r'[a-z]+', desc.lower()))} "


def inferred_zero(food: Sr28Food, row: Row) -> bool:
    """curation/rules.toml [inferred_zero]: a food of a non-fermented plant group whose
    description, name and aliases name no fermented or animal ingredient."""
    said = description_words(" ".join([food.desc, row.name, *row.aliases]))
    return food.group in INFERRED["sr28_groups"] and not any(
        f" {word} " in said for word in INFERRED["exclude_words"]
    )


def infer_zero(row: Row) -> None:
    """A food no source measured, given zero K2 by the cited rule, graded ``inferred``."""
    row.mk4 = row.mk7 = row.other = "0"
    row.confidence = INFERRED["grade"]
    row.note = " ".join(x for x in (row.note, f"K2 0: {INFERRED['because']}.") if x)


def validate(rows: list[Row]) -> None:
    """Names unique after folding; a point value inside its band."""
    seen: dict[str, int] = {}
    problems = []
    for number, row in enumerate(rows):
        if not row.name or row.name[0].isdigit() or ";" in row.name:
            problems.append(f"bad name {row.name!r}")
        for label in dict.fromkeys([row.name, *row.aliases]):
            key = fold_key(label)
            if key in seen and seen[key] != number:
                problems.append(f"{label!r} names both {rows[seen[key]].name!r} and {row.name!r}")
            seen[key] = number
        point = row.point()
        if row.confidence == INFERRED["grade"]:
            if point != "0" or row.primary is not None:
                problems.append(f"{row.name}: an inferred zero is zero and has no primary")
            continue
        if bool(point) != bool(row.confidence):
            problems.append(f"{row.name}: a grade goes with a K2 value, and only with one")
        if row.primary is not None and Decimal(point) != row.primary.total:
            problems.append(f"{row.name}: the forms do not add up to the primary value")
        if point and row.low and Decimal(point) < Decimal(row.low):
            problems.append(f"{row.name}: point below band")
        if point and row.high and Decimal(point) > Decimal(row.high):
            problems.append(f"{row.name}: point above band")
    if problems:
        raise BuildError("\n  ".join([f"{len(problems)} problem(s):", *problems]))


def render(header: list[str], rows: Iterable[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


EVIDENCE_COLUMNS = (
    "food",
    "source",
    "role",
    "grade",
    *(f"{f}_mcg_per_100g" for f in FORMS),
    "unsplit_mk_mcg_per_100g",
    "total_mcg_per_100g",
    "reference",
    "retired_because",
    "role_because",
)


def evidence(rows: list[Row]) -> Iterable[list[str]]:
    """One line per source that measured a food: its forms, grade and role (the story of a
    value, read by k2calc.evidence)."""
    for row in rows:
        for value in row.values:
            role = (
                "primary"
                if value is row.primary
                else "retired"
                if value.retired
                else "outside-band"
                if id(value) in row.outside
                else "band"
            )
            because = row.primary_because if role == "primary" else row.outside.get(id(value), "")
            yield [
                row.name,
                value.source,
                role,
                value.grade,
                *(cell(value.form(f)) for f in FORMS),
                cell(value.unsplit),
                text(value.total),
                value.reference,
                value.retired,
                because,
            ]


def data_sources_doc(rows: list[Row], sources: list[dict[str, str]]) -> str:
    """docs/data-sources.md: the prose of curation/data-sources.md.in with its counts, the
    curated foods and the source list filled in from the table just built."""
    curated = [r for r in rows if r.curated]
    measured = [r for r in rows if r.confidence in GRADES]
    inferred = sum(r.confidence == INFERRED["grade"] for r in rows)
    grades = {g: sum(r.confidence == g for r in measured) for g in GRADES}
    counts = "\n".join(
        [
            f"- rows: **{len(rows):,}**, of which **{len(measured):,}** have a measured K2 value"
            f" ({', '.join(f'{n:,} {g}' for g, n in grades.items())}),"
            f" **{inferred:,}** an inferred zero (non-fermented plant foods, graded `inferred`)"
            f" and {len(rows) - len(measured) - inferred:,} have K2 *not measured*;",
            f"- foods curated in `curation/foods.toml`: **{len(curated)}**"
            f" ({sum(not r.confidence for r in curated)} of them with K2 not measured);",
            f"- source values listed in `food_sources.csv`: "
            f"**{sum(len(r.values) for r in rows):,}**.",
        ]
    )
    lines = [
        "| food | primary source | grade | MK-4 | MK-7 | other MK | unsplit | band | sources |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in sorted(curated, key=lambda r: r.name):
        band = f"{row.low}–{row.high}" if row.low or row.high else ""
        primary = row.primary.source if row.primary else "*not measured*"
        cells = [row.mk4, row.mk7, row.other, row.unsplit]
        lines.append(
            f"| {row.name} | {primary} | {row.confidence or '—'} | "
            + " | ".join(c or "—" for c in cells)
            + f" | {band or '—'} | {len(row.values)} |"
        )

    def use(key: str) -> str:
        primary = sum(r.primary is not None and r.primary.source == key for r in rows)
        listed = sum(any(v.source == key for v in r.values) for r in rows)
        bounds = sum(key in r.range_sources for r in rows)
        return f"primary for {primary:,} foods, a value of {listed:,}, a range bound of {bounds:,}"

    listing = "\n".join(
        f"- `{s['key']}` ({use(s['key'])}): {s['citation']}"
        for s in sorted(sources, key=lambda s: s["key"])
    )
    template = (CURATION / "data-sources.md.in").read_text(encoding="utf-8")
    return (
        template.replace("{{counts}}", counts)
        .replace("{{curated}}", "\n".join(lines))
        .replace("{{sources}}", listing)
    )


RECIPE_COLUMNS = (
    "fndds_code",
    "ingredient",
    "ndb_no",
    "grams_per_100g",
    "mk4_mcg",
    "mk7_mcg",
    "other_mk_mcg",
    "unsplit_mk_mcg",
    "k1_mcg",
)


def recipe_cells(lines: list[RecipeLine]) -> Iterable[list[str]]:
    """One line per SR28 ingredient of an FNDDS food: its grams and what it brings, per 100 g
    of the food as eaten (empty = not measured); read by ``show``."""
    for line in lines:
        row = line.row
        values = [getattr(row, f) if row else "" for f in ("mk4", "mk7", "other", "unsplit", "k1")]
        yield [
            line.fndds_code,
            line.ingredient,
            line.ndb,
            rounded(line.grams),
            *(rounded(line.grams * Decimal(v) / 100) if v else "" for v in values),
        ]


def outputs() -> dict[Path, str]:
    rows, lines = build_all()
    sources = read_csv(CURATION / "sources.csv")
    return {
        OUT: render(list(TABLE_COLUMNS), (row.cells() for row in rows)),
        SOURCES_OUT: render(["key", "citation"], ([s["key"], s["citation"]] for s in sources)),
        EVIDENCE_OUT: render(list(EVIDENCE_COLUMNS), evidence(rows)),
        RECIPES_OUT: render(list(RECIPE_COLUMNS), recipe_cells(lines)),
        DOC_OUT: data_sources_doc(rows, sources),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the outputs are stale")
    args = parser.parse_args(argv)
    fresh = outputs()
    if args.check:
        stale = [
            path.name
            for path, content in fresh.items()
            if (path.read_text(encoding="utf-8") if path.exists() else "") != content
        ]
        if stale:
            print(
                f"{', '.join(stale)} out of date: run python scripts/build_foods.py",
                file=sys.stderr,
            )
            return 1
        print(f"{', '.join(p.name for p in fresh)} are up to date")
        return 0
    for path, content in fresh.items():
        path.write_text(content, encoding="utf-8")
    print(
        f"wrote foods.csv ({content_rows(fresh[OUT])} rows), sources.csv, food_sources.csv "
        "and docs/data-sources.md"
    )
    return 0


def content_rows(content: str) -> int:
    return len(list(csv.reader(io.StringIO(content)))) - 1


if __name__ == "__main__":
    sys.exit(main())
