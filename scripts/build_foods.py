#!/usr/bin/env python3
"""Build ``foods.csv`` and ``sources.csv`` from ``reference/`` and the curation files.

Usage::

    python scripts/build_foods.py           # (re)write foods.csv and sources.csv
    python scripts/build_foods.py --check   # exit 1 if either differs from what would be written

Inputs (a maintainer edits only the ``curation/`` files):

* ``reference/usda/sr28_foods.csv`` and ``sr28_weights.csv``: every USDA SR28 food becomes a
  row, with its MK-4 and K1 records where USDA has them and its household measures.
* ``curation/names.csv``: one line per friendly name: ``name,aliases,ndb_no,category,note``.
* ``curation/foods.toml``: foods whose values come from studies (``reference/k2_food_values*.csv``).
  Each value is found by its source key and the reference row's own food text, never by line
  number, and must equal the ``value`` written beside it, so a moved, edited or ambiguous row
  fails the build instead of silently changing a number.
* ``curation/sources.csv``: the source keys, how their reference rows begin, one-line citations.

The only arithmetic: adding forms that one source measured in one sample, the min/max of cited
values for a band, and grams per one unit from a USDA weight (``3 pieces = 56 g``).
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
from pathlib import Path
from typing import Any

from k2calc.foods import TABLE_COLUMNS, fold_key, normalize, singular, words
from k2calc.units import COUNT_WORDS, CUT_WORDS, SIZES

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "reference"
CURATION = ROOT / "curation"
OUT = ROOT / "foods.csv"
SOURCES_OUT = ROOT / "sources.csv"
VALUE_FILES = ("k2_food_values.csv", "k2_food_values_2.csv")
USDA = "usda-sr28"


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
    food_words = frozenset(words(normalize(name.split(",")[0])))
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
# Study values, found by source key and food text
# --------------------------------------------------------------------------------------------


@dataclass
class StudyValues:
    """The rows of the study value files and the source keys that cite them."""

    rows: list[tuple[str, dict[str, str]]]  # (file name, row)
    sources: dict[str, dict[str, str]]  # key -> row of curation/sources.csv
    household: list[dict[str, str]]

    def value(self, ref: dict[str, Any], where: str) -> Decimal:
        """The cell(s) ``ref`` names, checked against the value written in the curation file."""
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
        columns = ref["columns"] if "columns" in ref else [ref["column"]]
        cells = [found[0][1][c] for c in columns]
        if "" in cells:
            raise BuildError(f"{label} column {'/'.join(columns)} is empty")
        total = sum((Decimal(c) for c in cells), Decimal(0))
        if total != Decimal(str(ref["value"])):
            raise BuildError(
                f"{label} column {'+'.join(columns)} is {total} in {found[0][0]}, "
                f"but the curation says {ref['value']}"
            )
        return total

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


def load_study_values() -> StudyValues:
    rows = [(name, row) for name in VALUE_FILES for row in read_csv(REF / name)]
    sources = {row["key"]: row for row in read_csv(CURATION / "sources.csv")}
    return StudyValues(rows, sources, read_csv(REF / "household_measures.csv"))


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


@dataclass
class Row:
    name: str
    aliases: list[str]
    category: str
    ndb: str = ""
    mk4: str = ""
    mk7: str = ""
    other: str = ""
    total: str = ""
    low: str = ""
    high: str = ""
    k1: str = ""
    measures: str = ""
    sources: list[str] = field(default_factory=list)
    note: str = ""

    def point(self) -> str:
        """The row's total (given), else the sum of the filled form columns ('' if none)."""
        if self.total:
            return self.total
        forms = [Decimal(v) for v in (self.mk4, self.mk7, self.other) if v]
        return text(sum(forms, Decimal(0))) if forms else ""

    def cells(self) -> list[str]:
        return [
            self.name,
            ";".join(self.aliases),
            self.category,
            self.ndb,
            self.mk4,
            self.mk7,
            self.other,
            self.total,
            self.low,
            self.high,
            self.k1,
            self.measures,
            ";".join(self.sources),
            self.note,
        ]


def usda_name(desc: str) -> str:
    """USDA long_desc lower-cased and single-spaced; ';' (the alias separator) becomes ','."""
    return " ".join(desc.lower().replace(";", ",").split())


def usda_note(food: Sr28Food) -> str:
    if not food.mk4:
        return ""
    n = int(food.mk4_n or 0)
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


def sr_range(food: Sr28Food) -> tuple[list[Decimal], list[Decimal]]:
    low = [Decimal(food.mk4_min)] if food.mk4_min else []
    high = [Decimal(food.mk4_max)] if food.mk4_max else []
    return low, high


def usda_row(food: Sr28Food, weights: dict[str, list[tuple[str, str, str]]]) -> Row:
    category = usda_category(food)
    row = Row(
        name=usda_name(food.desc),
        aliases=[],
        category=category,
        ndb=food.ndb,
        mk4=food.mk4,
        k1=food.k1,
        measures=build_measures(weights.get(food.ndb, []), category, food.desc),
        sources=[USDA],
        note=usda_note(food),
    )
    low, high = sr_range(food)
    if low or high:
        row.note += " Band = SR28 min/max."
    set_band(row, low, high)
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
    lows: list[Decimal] = []
    highs: list[Decimal] = []
    ndb = entry.get("ndb", "")
    if ndb:
        if ndb not in sr28:
            raise BuildError(f"{where}: no SR28 food {ndb}")
        row = name_row(
            usda_row(sr28[ndb], weights), sr28[ndb], entry["name"], entry.get("aliases", [])
        )
        lows, highs = sr_range(sr28[ndb])
    else:
        row = Row(name=entry["name"], aliases=list(entry.get("aliases", [])), category="")
    row.category = entry.get("category", row.category)
    for column in ("mk4", "mk7", "other", "total"):
        if column in entry:
            setattr(row, column, text(study.value(entry[column], f"{where} {column}")))
    if "mk4_from_ndb" in entry:
        row.mk4 = sr28[entry["mk4_from_ndb"]].mk4
    if "band_from_ndb" in entry:
        low, high = sr_range(sr28[entry["band_from_ndb"]])
        lows, highs = lows + low, highs + high
    if row.total and (row.mk4 or row.mk7 or row.other):
        raise BuildError(f"{where}: a total is given together with form values")
    for ref in entry.get("band", []):
        value = study.value(ref, f"{where} band")
        column = ref.get("column", "")
        if column != "high":
            lows.append(value)
        if column != "low":
            highs.append(value)
    if "measures" in entry:
        items = [study.measure(m, f"{where} measures") for m in entry["measures"]]
        row.measures = build_measures(items, row.category, row.name)
    row.sources = list(entry["sources"])
    row.note = entry.get("note", "")
    if not row.category:
        raise BuildError(f"{where}: no category")
    set_band(row, lows, highs)
    return row


def read_names() -> list[dict[str, str]]:
    lines = read_csv(CURATION / "names.csv")
    expected = ["name", "aliases", "ndb_no", "category", "note"]
    if lines and list(lines[0]) != expected:
        raise BuildError(f"curation/names.csv: the header must be {','.join(expected)}")
    return lines


def build_rows() -> list[Row]:
    sr28, weights, study = load_sr28(), load_weights(), load_study_values()
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
    rows = curated + [usda_row(sr28[n], weights) for n in sorted(sr28) if n not in claimed]
    validate(rows)
    return rows


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


def outputs() -> dict[Path, str]:
    rows = build_rows()
    sources = read_csv(CURATION / "sources.csv")
    return {
        OUT: render(list(TABLE_COLUMNS), (row.cells() for row in rows)),
        SOURCES_OUT: render(["key", "citation"], ([s["key"], s["citation"]] for s in sources)),
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
        print("foods.csv and sources.csv are up to date")
        return 0
    for path, content in fresh.items():
        path.write_text(content, encoding="utf-8")
    print(f"wrote foods.csv ({content_rows(fresh[OUT])} rows) and sources.csv")
    return 0


def content_rows(content: str) -> int:
    return len(list(csv.reader(io.StringIO(content)))) - 1


if __name__ == "__main__":
    sys.exit(main())
