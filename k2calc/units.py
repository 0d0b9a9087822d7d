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
_SPELLINGS = {"fl oz": "fl_oz", "fluid ounce": "fl_oz", "fluid ounces": "fl_oz"}


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


@cache
def find_unit(word: str) -> Unit | None:
    """The mass or volume unit spelled ``word`` (``g``, ``cups``, ``fl oz``), else ``None``."""
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


def multi_word_units() -> tuple[str, ...]:
    """Unit spellings of more than one word, to be tried before single words."""
    return tuple(s for s in _SPELLINGS if " " in s)
