"""Read an item such as ``"1 1/2 cups whole milk"`` into a food and its weight in grams."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from k2calc.bounds import item_problem, shown
from k2calc.errors import ItemParseError, K2Error, UnitError, UnknownFoodError
from k2calc.foods import Food, FoodTable, fold_key, normalize, singular
from k2calc.match import CONTAINERS
from k2calc.units import (
    COUNT_SYNONYMS,
    COUNT_WORDS,
    CUT_WORDS,
    Unit,
    find_unit,
    multi_word_units,
    spelled_unit,
)
from k2calc.wording import reword

MAX_AMOUNT = 1_000_000.0
EACH = "each"
GRAM = "gram"
EXAMPLE = "an item is AMOUNT [UNIT] FOOD, e.g. '30 g natto', '2 eggs', '1/2 cup sauerkraut'"

_UNICODE_FRACTIONS = {
    "½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3), "¼": Fraction(1, 4),
    "¾": Fraction(3, 4), "⅕": Fraction(1, 5), "⅖": Fraction(2, 5), "⅗": Fraction(3, 5),
    "⅘": Fraction(4, 5), "⅙": Fraction(1, 6), "⅚": Fraction(5, 6), "⅛": Fraction(1, 8),
    "⅜": Fraction(3, 8), "⅝": Fraction(5, 8), "⅞": Fraction(7, 8),
}  # fmt: skip
_VULGAR = "[" + "".join(_UNICODE_FRACTIONS) + "]"
_AMOUNT = re.compile(
    rf"""\s*(?P<amount>
        (?P<whole>\d+)\s*(?P<vulgar_after>{_VULGAR})       # 1½, 1 ½
      | (?P<mixed>\d+)\s+(?P<mnum>\d+)/(?P<mden>\d+)       # 1 1/2
      | (?P<num>\d+)/(?P<den>\d+)                          # 1/2
      | (?P<vulgar>{_VULGAR})                              # ½
      | (?P<decimal>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)  # 30, 1.5, .5, 1e3
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Portion:
    """An item resolved against the table: what was typed, the food, and its weight."""

    text: str
    food: Food
    amount: float
    unit: str  # the unit word as understood ("gram", "cup", "slice", "each")
    grams: float


def split_amount(text: str) -> tuple[float, str]:
    """The amount at the start of an item, and the rest of it (unit and food)."""
    stripped = text.strip()
    if not stripped:
        raise ItemParseError(f"empty item; {EXAMPLE}")
    first = stripped.split()[0]
    match = _AMOUNT.match(stripped)
    if match is None:
        if first[0] in "+-" and _AMOUNT.match(first[1:]):
            raise ItemParseError(
                f"amount '{shown(first)}' in '{shown(stripped)}' must be more than 0"
            )
        raise ItemParseError(f"'{shown(first)}' in '{shown(stripped)}' is not an amount; {EXAMPLE}")
    rest = stripped[match.end() :]
    if rest and not (rest[0].isspace() or rest[0].isalpha()):
        raise ItemParseError(
            f"'{shown(first)}' in '{shown(stripped)}' is not a plain amount; use digits, a "
            "decimal point or a fraction such as 1/2"
        )
    amount_text = match.group("amount")
    amount = _amount_value(match)
    if amount is None or not math.isfinite(amount) or amount > MAX_AMOUNT:
        raise ItemParseError(
            f"amount '{shown(amount_text)}' in '{shown(stripped)}' is out of range "
            f"(at most {MAX_AMOUNT:,.0f})"
        )
    if amount <= 0:
        raise ItemParseError(
            f"amount '{shown(amount_text)}' in '{shown(stripped)}' must be more than 0"
        )
    return amount, rest.strip()


def _amount_value(match: re.Match[str]) -> float | None:
    groups = match.groupdict()
    try:
        if groups["whole"] is not None:
            return float(int(groups["whole"]) + _UNICODE_FRACTIONS[groups["vulgar_after"]])
        if groups["mixed"] is not None:
            return float(int(groups["mixed"]) + Fraction(int(groups["mnum"]), int(groups["mden"])))
        if groups["num"] is not None:
            return float(Fraction(int(groups["num"]), int(groups["den"])))
        if groups["vulgar"] is not None:
            return float(_UNICODE_FRACTIONS[groups["vulgar"]])
        return float(groups["decimal"])
    except (ZeroDivisionError, OverflowError, ValueError):
        return None


def volume_measures(food: Food) -> list[tuple[Unit, float]]:
    """The food's measures that are kitchen volumes, as (unit, grams), in table order."""
    return [(m, g) for m, g in ((find_unit(k), g) for k, g in food.measures.items()) if m]


def _cut_measure(key: str) -> tuple[Unit, str] | None:
    """The volume and cut of a measure weighed for one cut of the food (``cup shredded``)."""
    first, _, cut = key.partition(" ")
    unit = find_unit(first) if cut in CUT_WORDS else None
    return (unit, cut) if unit is not None and unit.kind == "volume" else None


def is_cut_measure(key: str) -> bool:
    """A volume weighed for one cut of the food (``cup shredded``), not a unit of its own."""
    return _cut_measure(key) is not None


def cut_words(text: str) -> frozenset[str]:
    """The cut words an item or food name says (``1 cup cabbage, shredded`` → shredded)."""
    return frozenset(re.findall(r"[a-z]+", normalize(text))) & CUT_WORDS


def _cut_volume(food: Food, unit: Unit, cuts: frozenset[str]) -> tuple[str, float] | None:
    """The cut and grams in one ``unit`` of the food cut as the item says, where USDA weighed
    that cut."""
    for key, grams in food.measures.items():
        found = _cut_measure(key)
        if found is not None and found[1] in cuts:
            return found[1], grams * unit.size / found[0].size
    return None


def grams_per_unit(
    food: Food, unit_word: str, cuts: frozenset[str] = frozenset()
) -> tuple[str, float]:
    """Grams of ``food`` in one ``unit_word`` (mass, volume or the food's own count measure).

    Returns the unit's name as understood and the grams; raises ``UnitError`` when the
    food has no measure that converts.
    """
    unit = find_unit(unit_word)
    if unit is not None and unit.kind == "mass":
        return unit.name, unit.size
    if unit is not None:
        cut = _cut_volume(food, unit, cuts) if cuts else None
        if cut is not None:
            return f"{unit.name} {cut[0]}", cut[1]
        volumes = volume_measures(food)
        # The food's own weight for this very unit wins; else convert from its first volume.
        volumes.sort(key=lambda pair: pair[0].name != unit.name)
        if volumes:
            measure, grams = volumes[0]
            return unit.name, grams * unit.size / measure.size
        raise UnitError(
            f"'{shown(unit_word)}' needs a density for {food.name}; {_known_units(food)}", food.name
        )
    word = _measure_key(food, unit_word)
    if word in food.measures:
        return word, food.measures[word]
    if word == EACH:
        raise UnitError(
            f"{food.name} has no weight per piece, so it cannot be counted; {_known_units(food)}",
            food.name,
        )
    raise UnitError(
        f"unknown unit '{shown(unit_word)}' for {food.name}; {_known_units(food)}", food.name
    )


def _known_units(food: Food) -> str:
    counts = [
        f"{k} ({g:g} g)"
        for k, g in food.measures.items()
        if find_unit(k) is None and not is_cut_measure(k)
    ]
    options = ["a mass (g, oz, lb…)"]
    if volume_measures(food):
        options.append("a volume (cup, tbsp, tsp, ml…)")
    options.extend(counts)
    if food.is_supplement:
        return "give the amount in mcg or mg, e.g. '100 mcg mk-7'"
    return "give " + ", ".join(options[:-1]) + (" or " if len(options) > 1 else "") + options[-1]


def _amount_first(text: str) -> str | None:
    """``natto 40g`` → ``40g natto``: an amount (and a unit word) at the end moved first."""
    tokens = text.split()
    for start in range(len(tokens) - 1, 0, -1):
        tail = " ".join(tokens[start:])
        match = _AMOUNT.match(tail)
        if match is None:
            continue
        unit = tail[match.end() :].strip()
        if len(tokens) - start <= 3 and (not unit or unit[0].isalpha()) and len(unit.split()) <= 2:
            return f"{tail} {' '.join(tokens[:start])}"
        return None
    return None


def resolve(text: str, table: FoodTable, strict: bool = False) -> Portion:
    """Read one item against ``table``: its food and grams, or a ``K2Error`` saying why not.

    With ``strict``, the food must be given by an exact name or alias.
    """
    if (problem := item_problem(text)) is not None:
        raise ItemParseError(problem)
    try:
        return _resolve_written(text, text, table, strict)
    except K2Error:
        # what people write otherwise (a supplement's dose, an app's line, "half a"), read
        # only where the item does not read as written: "100 microgram mk-7" stays as it is
        written = reword(text)
        if written == text:
            raise
    return _resolve_written(text, written, table, strict)


def _resolve_written(text: str, written: str, table: FoodTable, strict: bool) -> Portion:
    """``resolve`` of ``written``, the item ``text`` in the plain form."""
    try:
        amount, rest = split_amount(written)
    except ItemParseError:
        moved = _amount_first(written.strip())
        if moved is None:
            raise
        amount, rest = split_amount(moved)
    tokens = rest.split()
    if tokens and tokens[0].lower() == "of":
        tokens = tokens[1:]
    if tokens:
        tokens[0] = spelled_unit(tokens[0])
    if not tokens:
        raise ItemParseError(f"no food in '{shown(text.strip())}'; {EXAMPLE}")
    for spelling in multi_word_units():
        size = len(spelling.split())
        if " ".join(t.lower() for t in tokens[:size]) == spelling:
            return _portion(text, table, amount, " ".join(tokens[:size]), tokens[size:], strict)
    if find_unit(tokens[0]) is not None:
        return _portion(text, table, amount, tokens[0], tokens[1:], strict)
    # A first word may be a count measure of the food named after it ("1 stick butter",
    # "2 slices of bread"), or a size ("1 medium apple").
    tail: Food | None = None
    tail_error: K2Error | None = None
    if len(tokens) >= 2:
        try:
            tail = table.find(_food_words(tokens[1:]), strict)
        except K2Error as exc:
            tail_error = exc
    if tail is not None and (is_count_word(tokens[0]) or _has_measure(tail, tokens[0])):
        try:
            return _with_unit(text, tail, amount, tokens[0])
        except UnitError:
            # the whole rest may be a food's exact name that starts with a count word
            # ("pie crust, cookie-type"): then it is counted whole
            whole = table.lookup(fold_key(" ".join(tokens)))
            if whole is None:
                raise
            return _with_unit(text, table.food(whole), amount, EACH)
    # ... or come after it ("6 asparagus spears").
    if len(tokens) >= 2 and is_count_word(tokens[-1]):
        try:
            before = table.find(" ".join(tokens[:-1]), strict)
        except K2Error:
            before = None
        if before is not None and _has_measure(before, tokens[-1]):
            return _with_unit(text, before, amount, tokens[-1])
    try:
        food = table.find(" ".join(tokens), strict)
    except UnknownFoodError:
        if tail_error is not None:
            raise tail_error from None
        if tail is None:
            raise
        return _with_unit(text, tail, amount, tokens[0])
    if singular(tokens[0].lower()) in CONTAINERS:
        # "a handful of almonds" is no one almond: the container's own measure, or refused
        return _with_unit(text, food, amount, tokens[0])
    return _with_unit(text, food, amount, _piece_named(food, tokens[-1]))


def _piece_named(food: Food, last_word: str) -> str:
    """The measure a count names by the food's last word: ``3 fish sticks`` are sticks (28 g),
    ``5 broccoli florets`` florets (refused where none is weighed), else one whole."""
    if len(last_word) > 1 and is_count_word(last_word):
        return last_word if last_word != EACH else EACH
    return EACH


def is_count_word(word: str) -> bool:
    """A word that counts pieces of a food (``slice``, ``strip``, ``medium``)."""
    key = singular(normalize(word))
    return key in COUNT_WORDS or key in COUNT_SYNONYMS


def _measure_key(food: Food, word: str) -> str:
    """The food's own measure a count word means ("strip" of bacon is its "slice")."""
    key = singular(normalize(word))
    if key not in food.measures and COUNT_SYNONYMS.get(key) in food.measures:
        return COUNT_SYNONYMS[key]
    return key


def _has_measure(food: Food, word: str) -> bool:
    return _measure_key(food, word) in food.measures


def _food_words(tokens: list[str]) -> str:
    """The food part of an item, without a leading 'of' (``2 slices of bread``)."""
    if tokens and tokens[0].lower() == "of":
        tokens = tokens[1:]
    return " ".join(tokens)


def _portion(
    text: str,
    table: FoodTable,
    amount: float,
    unit_word: str,
    food_tokens: list[str],
    strict: bool,
) -> Portion:
    name = _food_words(food_tokens)
    if not name:
        raise ItemParseError(f"no food after '{shown(text.strip())}'; {EXAMPLE}")
    try:
        food = table.find(name, strict)
    except K2Error as first_error:
        # "1 cup whole cashews": the cut word belongs to the measure when the rest is the food
        words_after = name.split()
        if len(words_after) < 2 or words_after[0].lower() not in CUT_WORDS:
            raise
        try:
            food = table.find(" ".join(words_after[1:]), strict)
        except K2Error:
            raise first_error from None
    return _with_unit(text, food, amount, unit_word)


def _with_unit(text: str, food: Food, amount: float, unit_word: str) -> Portion:
    unit_name, grams = grams_per_unit(food, unit_word, cut_words(text))
    if not 0 < amount * grams < math.inf:  # e.g. 1e-320 mcg underflows to 0 g
        raise ItemParseError(
            f"'{shown(text.strip())}' comes to {amount * grams:g} g; give a real amount"
        )
    if unit_name.rpartition(" ")[2] in CUT_WORDS:
        # a cut's own cup ("1 cup cabbage, shredded"): kept as grams, so that the amount
        # logged and exported reads back to the same weight whatever the food's name says
        return Portion(text.strip(), food, amount * grams, GRAM, amount * grams)
    return Portion(text.strip(), food, amount, unit_name, amount * grams)


def resolve_all(texts: list[str], table: FoodTable, strict: bool = False) -> list[Portion]:
    """Resolve every item; the first bad one raises, naming its position when there are several."""
    portions = []
    for position, text in enumerate(texts, 1):
        try:
            portions.append(resolve(text, table, strict))
        except K2Error as exc:
            if len(texts) > 1:
                exc.args = (f"item {position}: {exc}",)
            raise
    return portions


def resolve_usable(
    texts: list[str], table: FoodTable, strict: bool = False
) -> tuple[list[Portion], list[str]]:
    """The items that can be read, and ``item N: 'text': why`` for each that cannot."""
    portions, problems = [], []
    for position, text in enumerate(texts, 1):
        try:
            portions.append(resolve(text, table, strict))
        except K2Error as exc:
            problems.append(f"item {position}: '{shown(text.strip())}': {exc}")
    return portions, problems
