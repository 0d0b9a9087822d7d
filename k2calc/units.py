"""The one pint registry k2calc uses, built from its own small definitions file."""

from __future__ import annotations

import importlib
import re
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import ModuleType
from typing import TYPE_CHECKING, Any

from k2calc.bounds import MAX_WORD_CHARS

if TYPE_CHECKING:
    import pint

# A unit word is letters only: nothing pint could evaluate as arithmetic ever reaches it.
_UNIT_WORD = re.compile(r"[A-Za-zµμ_]+")
_SPELLINGS = {
    "fl oz": "fl_oz",
    "fluid ounce": "fl_oz",
    "fluid ounces": "fl_oz",
    "us fl oz": "fl_oz",
    "us pint": "pint",
    "us pints": "pint",
    "uk pint": "uk_pint",
    "uk pints": "uk_pint",
    "imperial pint": "uk_pint",
    "imperial pints": "uk_pint",
    "british pint": "uk_pint",
    "british pints": "uk_pint",
    "uk fl oz": "uk_fl_oz",
    "imperial fl oz": "uk_fl_oz",
}

SIZES = ("small", "medium", "large", "jumbo")
# Count words a household measure can be given in (the first word of a USDA measure text).
COUNT_WORDS = frozenset(
    [
        "slice",
        "pat",
        "stick",
        "link",
        "piece",
        "wedge",
        "package",
        "drumstick",
        "thigh",
        "wing",
        "breast",
        "back",
        "fillet",
        "serving",
        "each",
        "frankfurter",
        "patty",
        "liver",
        "container",
        "jar",
        "can",
        "bag",
        "box",
        "packet",
        "bar",
        "bagel",
        "biscuit",
        "cookie",
        "cracker",
        "doughnut",
        "donut",
        "tortilla",
        "pizza",
        "pie",
        "crust",
        "steak",
        "roast",
        "medallion",
        "order",
        "strip",
        "corndog",
        "lobster",
        "pastry",
        "roll",
        "cake",
        "bowl",
        "leaf",
        "shoot",
        "floweret",
        "peanut",
        "chip",
        "wafer",
        "spear",
        "fruit",
        "chop",
        "unit",
        "item",
        "scoop",
        "ear",
        "head",
        "stalk",
        "clove",
        "muffin",
        "pancake",
        "waffle",
        "burger",
        "root",
        "pod",
        "pita",
        "croissant",
        "rib",
        "shank",
        "cube",
        "sausage",
        "bottle",
        "pouch",
        "envelope",
        "block",
        "kernel",
        "fig",
        "plum",
        "apricot",
        "carton",
        "leg",
        "neck",
        "sheet",
        "sprout",
        "glass",
        "nut",
        "berry",
    ]
).union(SIZES)
# How a food was cut for a kitchen measure: USDA weighs "cup, shredded" and "cup, chopped"
# apart, kept in the table as "cup shredded" and chosen when an item says "shredded".
CUT_WORDS = frozenset(
    [
        "shredded",
        "chopped",
        "sliced",
        "diced",
        "grated",
        "mashed",
        "ground",
        "whole",
        "packed",
        "halves",
        "pieces",
        "crumbled",
        "cubed",
        "pureed",
    ]
)
# Words people use for a food's own count measure: two strips of bacon are two slices.
COUNT_SYNONYMS = {
    "strip": "slice",
    "rasher": "slice",
    "filet": "fillet",
    "floret": "floweret",
    "finger": "stick",
    "pack": "package",
    "tin": "can",
    "pc": "piece",
    "pcs": "piece",
    "lrg": "large",
    "lg": "large",
    "med": "medium",
    "md": "medium",
    "sm": "small",
}
# Kitchen abbreviations, read before the unit table: "T" is a tablespoon and "t" a teaspoon
# (the only case that matters), "c." a cup; a trailing full stop never does.
ABBREVIATIONS = {"T": "tbsp", "t": "tsp", "c": "cup", "C": "cup", "Tb": "tbsp", "Tbs": "tbsp"}


def spelled_unit(word: str) -> str:
    """The unit word an abbreviation stands for (``T.`` → ``tbsp``, ``tsp.`` → ``tsp``)."""
    bare = word[:-1] if word.endswith(".") and len(word) > 1 else word
    return ABBREVIATIONS.get(bare, bare)


@dataclass(frozen=True)
class Unit:
    """A mass or volume unit: its pint name and its size in grams or millilitres."""

    name: str
    kind: str  # "mass" or "volume"
    size: float  # grams (mass) or millilitres (volume) in one unit


@cache
def _pint() -> ModuleType:
    """pint, imported without its optional numpy support unless numpy is loaded already.

    k2calc converts single floats, never arrays, and importing numpy costs about 55 ms of
    every command's start (measured in benchmarks/bench_startup.py). Should a pint release
    need numpy, the import is retried the ordinary way.
    """
    if "numpy" in sys.modules:
        return importlib.import_module("pint")
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail fast
    try:
        return importlib.import_module("pint")
    except ImportError:
        for name in [m for m in sys.modules if m == "pint" or m.startswith("pint.")]:
            del sys.modules[name]
    finally:
        del sys.modules["numpy"]
    return importlib.import_module("pint")


@cache
def registry() -> pint.UnitRegistry[Any]:
    """The shared registry (mass and kitchen volume units only)."""
    definitions = resources.files("k2calc") / "data" / "units.txt"
    with resources.as_file(definitions) as path:
        ureg: pint.UnitRegistry[Any] = _pint().UnitRegistry(str(path), case_sensitive=False)
        return ureg


def pint_unit(word: str) -> Unit | None:
    """What pint itself makes of ``word``: the authority ``data/units.csv`` is built from."""
    spelled = _SPELLINGS.get(" ".join(word.lower().split()), word.strip())
    # pint's parsing is quadratic in the word's length: no unit is longer than 64 letters.
    if len(spelled) > MAX_WORD_CHARS or not _UNIT_WORD.fullmatch(spelled):
        return None
    ureg = registry()
    try:
        unit = ureg.parse_units(spelled)
    except (_pint().errors.PintError, AttributeError, ValueError, AssertionError):
        return None
    quantity = ureg.Quantity(1, unit)
    if quantity.check("[mass]"):
        return Unit(str(unit), "mass", float(quantity.to("gram").magnitude))
    if quantity.check("[volume]"):
        return Unit(str(unit), "volume", float(quantity.to("milliliter").magnitude))
    return None


def unit_spellings() -> list[str]:
    """Every spelling ``data/units.txt`` defines, with plural forms, lower-cased."""
    definitions = (resources.files("k2calc") / "data" / "units.txt").read_text(encoding="utf-8")
    names: dict[str, None] = dict.fromkeys(_SPELLINGS)
    for line in definitions.splitlines():
        line = line.split("#")[0].strip()
        if "=" not in line:
            continue
        for part in line.split("=")[:1] + line.split("=")[2:]:
            word = part.strip().lower()
            if word and _UNIT_WORD.fullmatch(word):
                plurals = () if word.endswith("s") else (word + "s", word + "es")
                names.update(dict.fromkeys((word, *plurals)))
    return sorted(names)


def build_unit_table() -> str:
    """``data/units.csv``: each spelling pint accepts, its unit, kind and size (CSV text)."""
    lines = ["spelling,name,kind,size"]
    for spelling in unit_spellings():
        unit = pint_unit(spelling)
        if unit is not None:
            lines.append(f"{spelling},{unit.name},{unit.kind},{unit.size!r}")
    return "\n".join(lines) + "\n"


@cache
def _unit_table() -> dict[str, Unit]:
    text = (resources.files("k2calc") / "data" / "units.csv").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines()[1:]:
        spelling, name, kind, size = line.split(",")
        table[spelling] = Unit(name, kind, float(size))
    return table


@cache
def find_unit(word: str) -> Unit | None:
    """The mass or volume unit spelled ``word`` (``g``, ``cups``, ``fl oz``), else ``None``.

    Read from ``data/units.csv``, which ``scripts/build_units.py`` generates from pint and a
    test keeps equal to pint: the same answers without importing pint at every start.
    """
    key = " ".join(word.lower().split())
    return _unit_table().get(key)


def multi_word_units() -> tuple[str, ...]:
    """Unit spellings of more than one word, to be tried before single words."""
    return tuple(s for s in _SPELLINGS if " " in s)
