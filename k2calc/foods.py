"""The food table: load and validate it, find a food by name, search it."""

from __future__ import annotations

import csv
import hashlib
import io
import marshal
import math
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from k2calc import paths
from k2calc.bounds import MAX_INPUT_BYTES, MAX_TABLE_NUMBER, first_unsafe_line, read_bounded
from k2calc.errors import FoodTableError, Hint, os_reason
from k2calc.files import open_regular
from k2calc.sort_keys import FoodSort
from k2calc.vitamin import GRADES, INFERRED, VitaminK

FORM_COLUMNS = ("mk4_mcg_per_100g", "mk7_mcg_per_100g", "other_mk_mcg_per_100g")
NUMBER_COLUMNS = (
    *FORM_COLUMNS,
    "unsplit_mk_mcg_per_100g",
    "low_mcg_per_100g",
    "high_mcg_per_100g",
    "k1_mcg_per_100g",
)
TABLE_COLUMNS = (
    "name",
    "aliases",
    "category",
    "ndb_no",
    *NUMBER_COLUMNS,
    "confidence",
    "measures",
    "sources",
    "note",
    "forms_not_measured",
    "fndds_codes",
    "k2_coverage_pct",
)
REQUIRED_COLUMNS = ("name", *FORM_COLUMNS)
# A user's --foods file written before 0.x may name the unsplit total ``total_mcg_per_100g``.
LEGACY_UNSPLIT_COLUMN = "total_mcg_per_100g"

SUPPLEMENT_CATEGORY = "supplement"


@dataclass(frozen=True)
class Food:
    """One food: K2 by form per 100 g (``None`` = not measured), its band, measures, sources.

    ``unsplit_mk_mcg_per_100g`` is K2 a source gave only as a total, not attributed to forms;
    the K2 total is always mk4 + mk7 + other_mk + unsplit (parts not measured skipped).
    ``confidence`` is the grade (high / medium / low) of the value's primary source.
    ``fndds_codes`` are the USDA FNDDS food codes that name this food: a survey food (a dish)
    has its own, and as its values are computed from its ingredients, ``k2_coverage_pct``, the
    share of its ingredient weight whose K2 is measured in full (under 100 its K2 is a lower
    bound, ``partial``); an SR28 food has those of the FNDDS foods that are it as it is.
    """

    name: str
    aliases: tuple[str, ...] = ()
    category: str = ""
    ndb_no: str = ""
    mk4_mcg_per_100g: float | None = None
    mk7_mcg_per_100g: float | None = None
    other_mk_mcg_per_100g: float | None = None
    unsplit_mk_mcg_per_100g: float | None = None
    band_low_mcg_per_100g: float | None = None
    band_high_mcg_per_100g: float | None = None
    k1_mcg_per_100g: float | None = None
    measures: dict[str, float] = field(default_factory=dict, hash=False)
    sources: tuple[str, ...] = ()
    note: str = ""
    origin: str = "built-in"
    confidence: str | None = None
    forms_not_measured: tuple[str, ...] = ()  # MK-4 … MK-10 the primary source did not analyse
    fndds_codes: tuple[str, ...] = ()
    k2_coverage_pct: float | None = None

    @property
    def forms_mcg_per_100g(self) -> tuple[float | None, float | None, float | None]:
        """MK-4, MK-7 and other menaquinones per 100 g, ``None`` where not measured."""
        return (self.mk4_mcg_per_100g, self.mk7_mcg_per_100g, self.other_mk_mcg_per_100g)

    @cached_property
    def per_100g(self) -> VitaminK:
        """The food's vitamin K per 100 g: K2 by form, its band, K1 beside it."""
        forms = VitaminK(
            self.mk4_mcg_per_100g,
            self.mk7_mcg_per_100g,
            self.other_mk_mcg_per_100g,
            self.unsplit_mk_mcg_per_100g,
            k1_mcg=self.k1_mcg_per_100g,
            confidence=self.confidence,
        )
        total = forms.total_mcg
        partial = (
            self.unsplit_mk_mcg_per_100g is None
            and (None in self.forms_mcg_per_100g or bool(self.forms_not_measured))
        ) or (self.k2_coverage_pct is not None and self.k2_coverage_pct < 100)
        if total is None:
            return replace(forms, partial=partial)
        high = max(self.band_high_mcg_per_100g or total, total)
        low = min(total, high) if self.band_low_mcg_per_100g is None else self.band_low_mcg_per_100g
        return replace(forms, low_mcg=low, high_mcg=high, partial=partial)

    @property
    def k2_measured(self) -> bool:
        """False when no source measured any K2 form of this food (its K2 is unknown)."""
        return self.per_100g.k2_measured

    @property
    def total_mcg_per_100g(self) -> float:
        """The K2 measured per 100 g (0 when none was: check ``k2_measured``)."""
        return self.per_100g.lower_bound_mcg

    @property
    def partial(self) -> bool:
        """True when a form was not measured and no unsplit total covers it (a lower bound).

        An unsplit total is the source's sum of every menaquinone it measured without saying
        which form is which, so it stands for the forms left empty (docs/methodology.md).
        """
        return self.per_100g.partial

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape used by ``foods`` and ``show``.

        A food whose K2 nobody measured has ``null`` totals and band, never ``0``.
        """
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "category": self.category,
            "ndb_no": self.ndb_no or None,
            "fndds_codes": list(self.fndds_codes),
            **self.per_100g.as_dict("_per_100g"),
            "k2_coverage_pct": self.k2_coverage_pct,
            "measures": dict(self.measures),
            "sources": list(self.sources),
            "note": self.note,
            "inferred_zero": self.inferred_zero,
            "forms_not_measured": list(self.forms_not_measured),
        }

    @property
    def inferred_zero(self) -> bool:
        """True when the K2 is zero by a cited rule (non-fermented plant food), not measured."""
        return self.confidence == INFERRED

    def measured_only(self) -> Food:
        """This food with an inferred zero taken back to *not measured* (``--measured-only``)."""
        if not self.inferred_zero:
            return self
        return replace(
            self,
            mk4_mcg_per_100g=None,
            mk7_mcg_per_100g=None,
            other_mk_mcg_per_100g=None,
            confidence=None,
        )

    @property
    def is_supplement(self) -> bool:
        """A supplement's amount is the vitamin itself (``100 mcg mk-7``)."""
        return self.category == SUPPLEMENT_CATEGORY


FOOD_FIELDS = tuple(f.name for f in fields(Food))
FIELD_INDEX = {name: i for i, name in enumerate(FOOD_FIELDS)}

# Pure menaquinone: 100 g of it is 10^8 mcg, so a mass amount *is* the vitamin.
SUPPLEMENTS = (
    Food(
        name="mk-7",
        aliases=("mk7", "menaquinone-7", "k2 mk-7", "vitamin k2 mk-7"),
        category=SUPPLEMENT_CATEGORY,
        mk4_mcg_per_100g=0.0,
        mk7_mcg_per_100g=1e8,
        other_mk_mcg_per_100g=0.0,
        note="Supplement: the amount given is MK-7 itself.",
    ),
    Food(
        name="mk-4",
        aliases=("mk4", "menaquinone-4", "menatetrenone", "k2 mk-4", "vitamin k2 mk-4"),
        category=SUPPLEMENT_CATEGORY,
        mk4_mcg_per_100g=1e8,
        mk7_mcg_per_100g=0.0,
        other_mk_mcg_per_100g=0.0,
        note="Supplement: the amount given is MK-4 itself.",
    ),
    Food(
        name="k2",
        aliases=("vitamin k2", "menaquinone", "k2 form not given"),
        category=SUPPLEMENT_CATEGORY,
        unsplit_mk_mcg_per_100g=1e8,
        note="Supplement: the amount given is vitamin K2 of a form not stated (MK-4, MK-7 or "
        "another menaquinone), counted as K2 unsplit, never guessed as MK-7.",
    ),
    Food(
        name="k1",
        aliases=("vitamin k1", "phylloquinone", "phytonadione", "phytomenadione"),
        category=SUPPLEMENT_CATEGORY,
        mk4_mcg_per_100g=0.0,
        mk7_mcg_per_100g=0.0,
        other_mk_mcg_per_100g=0.0,
        k1_mcg_per_100g=1e8,
        note="Supplement: the amount given is vitamin K1 (phylloquinone) itself; it has no K2.",
    ),
)


def normalize(text: str) -> str:
    """Lower-case, strip accents and fold white space: ``'Pâté  '`` → ``'pate'``."""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


# Nouns ending in -ie, whose plural is not -y + ies (cookies, not cooky).
IE_NOUNS = frozenset(
    [
        "cookie",
        "pie",
        "brownie",
        "smoothie",
        "veggie",
        "hoagie",
        "calorie",
        "prairie",
        "birdie",
        "beanie",
        "sweetie",
    ]
)


def singular(word: str) -> str:
    """A simple English singular of the last word: eggs → egg, cherries → cherry."""
    head, _, last = word.rpartition(" ")
    if last[:-1] in IE_NOUNS:
        last = last[:-1]
    elif len(last) > 3 and last.endswith("ies"):
        last = last[:-3] + "y"
    elif len(last) > 3 and last.endswith(("ches", "shes", "xes", "sses", "oes")):
        last = last[:-2]
    elif len(last) > 2 and last.endswith("s") and not last.endswith(("ss", "us", "is")):
        last = last[:-1]
    return f"{head} {last}" if head else last


def words(text: str) -> list[str]:
    """The words of a normalized name, each singular."""
    return [singular(w) for w in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text)]


def fold_key(label: str) -> str:
    """The lookup key of a name: normalized, punctuation dropped, each word singular."""
    return " ".join(words(normalize(label)))


def food_keys(food: Food) -> Iterator[str]:
    """Every lookup key of a food, once: its name and aliases, folded (see ``fold_key``)."""
    yield from dict.fromkeys(k for k in map(fold_key, (food.name, *food.aliases)) if k)


FoodRow = tuple[Any, ...]  # a Food's fields in declaration order (the cached table's rows)


class FoodTable:
    """Foods indexed by folded name and alias; later foods override earlier ones by name.

    Foods may be given as ``Food`` objects or as rows of their fields (the cached built-in
    table); a row becomes a ``Food`` only when it is looked at.
    """

    def __init__(self, foods: Iterable[Food | FoodRow] = (), index: dict[str, int] | None = None):
        self._entries: list[Food | FoodRow] = list(foods)
        self._dead: set[int] = set()
        # Names the table's content where it is known (the built-in table, unextended): what
        # is derived from it may be cached under this key (the ranked-match word index).
        self.cache_key: str | None = None
        if index is None:
            self._index: dict[str, int] = {}
            entries, self._entries = self._entries, []
            self.extend(entries)
        else:
            self._index = index

    def extend(self, foods: Iterable[Food | FoodRow]) -> None:
        """Add foods; one whose name or alias is taken replaces the food that had it."""
        self.cache_key = None
        self.__dict__.pop("_match_index", None)  # the word index of the foods before
        for food in foods:
            position = len(self._entries)
            self._entries.append(food)
            keys = list(food_keys(self.food(position)))
            replaced = {self._index[k] for k in keys if k in self._index}
            if replaced:
                self._dead |= replaced
                self._index = {k: i for k, i in self._index.items() if i not in replaced}
            for key in keys:
                self._index[key] = position

    def food(self, position: int) -> Food:
        """The food at ``position`` (built from its row the first time)."""
        entry = self._entries[position]
        if isinstance(entry, Food):
            return entry
        food = Food(*entry)
        self._entries[position] = food
        return food

    def positions(self) -> range:
        """Every position, dead ones included (check ``alive``)."""
        return range(len(self._entries))

    def alive(self, position: int) -> bool:
        """False for a food another food replaced."""
        return position not in self._dead

    def _field(self, position: int, name: str) -> Any:
        """One field of the food at ``position``, without building it from its row."""
        entry = self._entries[position]
        return getattr(entry, name) if isinstance(entry, Food) else entry[FIELD_INDEX[name]]

    def labels(self, position: int) -> tuple[str, ...]:
        """Name and aliases of the food at ``position``."""
        return (self._field(position, "name"), *self._field(position, "aliases"))

    def category(self, position: int) -> str:
        """Category of the food at ``position``."""
        return str(self._field(position, "category"))

    def ndb_no(self, position: int) -> str:
        """USDA NDB number of the food at ``position`` ("" if none)."""
        return str(self._field(position, "ndb_no"))

    def fndds_codes(self, position: int) -> tuple[str, ...]:
        """USDA FNDDS food codes of the food at ``position``."""
        return tuple(self._field(position, "fndds_codes"))

    def lookup(self, key: str) -> int | None:
        """Position of the food whose folded name or alias is ``key``."""
        return self._index.get(key)

    @property
    def foods(self) -> list[Food]:
        """Every food once, in table order."""
        return [self.food(i) for i in self.positions() if self.alive(i)]

    def find(self, query: str, strict: bool = False) -> Food:
        """The food a user means by ``query`` (see ``k2calc.match.match_food``)."""
        from k2calc.match import match_food

        return match_food(self, query, strict).food

    def search(self, query: str = "", category: str | None = None) -> list[Food]:
        """Foods whose name, aliases or category contain every word of ``query``.

        Supplements are left out unless their category is asked for.
        """
        needles = normalize(query).split()
        wanted = normalize(category) if category else None
        found = []
        for i, entry in enumerate(self._entries):
            if i in self._dead:
                continue
            if isinstance(entry, Food):
                food_category = normalize(entry.category)
                haystack = normalize(" ".join((entry.name, *entry.aliases, entry.category)))
            else:  # a built-in row: read_foods normalized its names and category already
                food_category = entry[2]
                haystack = " ".join((entry[0], *entry[1], food_category))
            if wanted is None and food_category == SUPPLEMENT_CATEGORY:
                continue
            if wanted is not None and food_category != wanted:
                continue
            if all(n in haystack for n in needles):
                found.append(self.food(i))
        return found

    def labels_starting(self, prefix: str, limit: int = 100) -> list[str]:
        """Names and aliases that start with ``prefix`` (case-insensitive), shortest first:
        what a shell offers when a food name is completed."""
        wanted = prefix.casefold()
        found = {
            label
            for i in self.positions()
            if self.alive(i)
            for label in self.labels(i)
            if label.casefold().startswith(wanted)
        }
        return sorted(found, key=lambda label: (len(label), label))[:limit]

    @property
    def categories(self) -> list[str]:
        """Every category in the table, sorted."""
        return sorted({self.category(i) for i in self.positions() if self.alive(i)} - {""})


def sort_foods(foods: list[Food], key: FoodSort, query: str = "") -> list[Food]:
    """Sort by best match for ``query`` (its words in the name, named foods, shorter names),
    by name, or by a form (or K1) per 100 g from high to low with not measured last."""
    if key is FoodSort.match:
        needles = set(words(normalize(query)))
        return sorted(
            foods,
            key=lambda f: (not needles <= set(words(f.name)), not f.aliases, len(f.name)),
        )
    if key is FoodSort.name:
        return sorted(foods, key=lambda f: f.name)
    index = {FoodSort.mk4: 0, FoodSort.mk7: 1, FoodSort.other: 2}

    def value(food: Food) -> float | None:
        if key is FoodSort.total:
            return food.per_100g.total_mcg
        if key is FoodSort.k1:
            return food.k1_mcg_per_100g
        return food.forms_mcg_per_100g[index[key]]

    return sorted(foods, key=lambda f: (value(f) is None, -(value(f) or 0.0), f.name))


def _number(text: str, where: str, column: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text) if "_" not in text else math.nan  # not 1_000
    except ValueError:
        raise FoodTableError(f"{where}: column {column}: '{text}' is not a number") from None
    if not 0 <= value <= MAX_TABLE_NUMBER:  # also refuses inf and NaN (D3)
        raise FoodTableError(
            f"{where}: column {column}: {text} must be a finite number >= 0, at most "
            f"{MAX_TABLE_NUMBER:g} (leave it empty if not measured)"
        )
    return value + 0.0  # -0 is 0


def _measures(text: str, where: str) -> dict[str, float]:
    measures: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        unit, sep, grams_text = part.partition("=")
        unit = normalize(unit)
        grams = _number(grams_text, where, "measures") if sep else None
        if not unit or grams is None or grams == 0:
            raise FoodTableError(
                f"{where}: column measures: '{part}' should be unit=grams, e.g. 'cup=175'"
            )
        measures.setdefault(unit, grams)
    return measures


def _split_list(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(";") if p.strip())


def _food_from_row(row: dict[str, str], where: str, origin: str) -> Food:
    name = (row["name"] or "").strip()  # None: a row with fewer fields (found by fuzzing)
    if not name:
        raise FoodTableError(f"{where}: column name: empty")
    if name[0].isdigit():
        raise FoodTableError(f"{where}: column name: '{name}' must not start with a digit")
    values = {c: _number(row.get(c) or "", where, c) for c in NUMBER_COLUMNS}
    if LEGACY_UNSPLIT_COLUMN in row:  # read_foods refused a file with both columns
        legacy = row.get(LEGACY_UNSPLIT_COLUMN) or ""
        values["unsplit_mk_mcg_per_100g"] = _number(legacy, where, LEGACY_UNSPLIT_COLUMN)
    confidence = normalize(row.get("confidence") or "") or None
    if confidence is not None and confidence not in GRADES:
        raise FoodTableError(
            f"{where}: column confidence: '{confidence}' should be {', '.join(GRADES)} or empty"
        )
    food = Food(
        name=normalize(name),
        aliases=tuple(normalize(a) for a in _split_list(row.get("aliases") or "")),
        category=normalize(row.get("category") or ""),
        ndb_no=(row.get("ndb_no") or "").strip(),
        mk4_mcg_per_100g=values["mk4_mcg_per_100g"],
        mk7_mcg_per_100g=values["mk7_mcg_per_100g"],
        other_mk_mcg_per_100g=values["other_mk_mcg_per_100g"],
        unsplit_mk_mcg_per_100g=values["unsplit_mk_mcg_per_100g"],
        band_low_mcg_per_100g=values["low_mcg_per_100g"],
        band_high_mcg_per_100g=values["high_mcg_per_100g"],
        k1_mcg_per_100g=values["k1_mcg_per_100g"],
        measures=_measures(row.get("measures") or "", where),
        sources=_split_list(row.get("sources") or ""),
        note=(row.get("note") or "").strip(),
        origin=origin,
        confidence=confidence,
        forms_not_measured=_split_list(row.get("forms_not_measured") or ""),
        fndds_codes=_split_list(row.get("fndds_codes") or ""),
        k2_coverage_pct=_number(row.get("k2_coverage_pct") or "", where, "k2_coverage_pct"),
    )
    low, high = food.band_low_mcg_per_100g, food.band_high_mcg_per_100g
    if low is not None and high is not None and low > high:
        raise FoodTableError(
            f"{where}: low_mcg_per_100g {low:g} is above high_mcg_per_100g {high:g}"
        )
    return food


def read_foods(lines: Iterable[str], label: str, origin: str) -> list[Food]:
    """Parse and validate a food table; errors name ``label``, the line and the column."""
    reader = csv.DictReader(lines)
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in (*TABLE_COLUMNS, LEGACY_UNSPLIT_COLUMN)]
    twice = sorted({c for c in header if header.count(c) > 1})  # name,name (D13)
    both = LEGACY_UNSPLIT_COLUMN in header and "unsplit_mk_mcg_per_100g" in header
    if missing or unknown or twice or both:
        problems = [f"column(s) {', '.join(twice)} appear twice"] if twice else []
        problems += (
            [f"give {LEGACY_UNSPLIT_COLUMN} (the old name) or unsplit_mk_mcg_per_100g, not both"]
            if both
            else []
        )
        problems += [f"missing column(s) {', '.join(missing)}"] if missing else []
        problems += [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        raise FoodTableError(
            f"{label}: {'; '.join(problems)}; a food table needs {', '.join(REQUIRED_COLUMNS)}"
            f" and may have {', '.join(c for c in TABLE_COLUMNS if c not in REQUIRED_COLUMNS)}"
        )
    foods: list[Food] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            where = f"{label}:{reader.line_num}"
            if None in row:
                raise FoodTableError(f"{where}: more fields than the header has")
            food = _food_from_row(row, where, origin)
            for key in food_keys(food):
                if key in seen:
                    raise FoodTableError(
                        f"{where}: '{key}' is already a name or alias on line {seen[key]}"
                    )
                seen[key] = reader.line_num
            foods.append(food)
    except csv.Error as exc:
        raise FoodTableError(f"{label}:{reader.line_num}: {exc}") from None
    return foods


CACHE_FORMAT = 3  # bump when the cached shape changes


@cache
def builtin_table() -> tuple[tuple[FoodRow, ...], dict[str, int]]:
    """The table shipped with k2calc (``foods.csv``) as rows and its index of keys.

    Parsing and validating 13,900 rows costs a large part of a second, so the result is
    cached in the user's cache folder (``K2CALC_CACHE`` overrides it) under the SHA-256 of
    ``foods.csv``: an edited or upgraded table never reads a stale cache. The cache is plain
    ``marshal`` data (tuples, strings, numbers), never pickle.
    """
    data = _builtin_bytes()
    cache_file = cache_path("foods", builtin_digest(), CACHE_FORMAT)
    try:
        rows, index = marshal.loads(cache_file.read_bytes())
        return tuple(rows), dict(index)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    text = data.decode("utf-8")
    foods = read_foods(io.StringIO(text, newline=""), "foods.csv (built-in)", "built-in")
    rows = tuple(tuple(getattr(f, name) for name in FOOD_FIELDS) for f in foods)
    index = FoodTable(rows)._index
    write_atomically(cache_file, marshal.dumps((rows, index)))
    return rows, index


def _builtin_bytes() -> bytes:
    return (resources.files("k2calc") / "data" / "foods.csv").read_bytes()


@cache
def builtin_digest() -> str:
    """The SHA-256 (20 hex digits) of the built-in ``foods.csv``: what its caches are keyed by."""
    return hashlib.sha256(_builtin_bytes()).hexdigest()[:20]


def cache_path(kind: str, key: str, cache_format: int) -> Path:
    """The cache file of ``kind`` for the table content ``key``, in this Python's format."""
    version = f"{sys.version_info[0]}{sys.version_info[1]}"
    return paths.cache_dir() / f"{kind}-{key}-v{cache_format}-py{version}.marshal"


def write_atomically(path: Path, content: bytes) -> None:
    """Write a cache file whole or not at all; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            tmp.write(content)
        os.replace(tmp.name, path)
    except OSError:
        return


def builtin_foods() -> list[Food]:
    """Every food of the built-in table."""
    return [Food(*row) for row in builtin_table()[0]]


@cache
def source_citations() -> dict[str, str]:
    """One-line citation of every source key the built-in table uses (``sources.csv``)."""
    text = (resources.files("k2calc") / "data" / "sources.csv").read_text(encoding="utf-8")
    return {row["key"]: row["citation"] for row in csv.DictReader(io.StringIO(text, newline=""))}


def read_user_foods(path: Path) -> list[Food]:
    """A user's own foods file, validated the same way as the built-in table."""
    try:
        with open_regular(path) as handle:
            data = read_bounded(handle)
        if data is None:
            raise FoodTableError(
                f"{path}: too big for a food table (over {MAX_INPUT_BYTES:,} bytes)"
            )
        text = data.decode("utf-8-sig")
        line = first_unsafe_line(text)
        if line is not None:
            raise FoodTableError(
                f"{path}:{line}: holds control characters (an escape sequence, NUL); a food "
                "table is plain text"
            )
        return read_foods(io.StringIO(text, newline=""), str(path), str(path))
    except FileNotFoundError:
        raise FoodTableError(f"{path}: no such file", hint=Hint.FOODS_FILE) from None
    except OSError as exc:
        raise FoodTableError(f"{path}: cannot read: {os_reason(exc)}") from None
    except UnicodeDecodeError as exc:
        raise FoodTableError(f"{path}: cannot read: {exc}") from None


MEASURED_ONLY_ENV = "K2CALC_MEASURED_ONLY"


_measured_only_choice: list[bool] = []  # set by the command line for one run


def choose_measured_only(value: bool) -> None:
    """The command line's ``--measured-only`` for this run (it reads the variable itself)."""
    _measured_only_choice[:] = [value]


def measured_only_default() -> bool:
    """The command line's choice, else ``K2CALC_MEASURED_ONLY`` set to anything but empty
    or 0: inferred zeros are off."""
    if _measured_only_choice:
        return _measured_only_choice[0]
    return os.environ.get(MEASURED_ONLY_ENV, "").strip() not in ("", "0")


def load_table(user_foods: Path | None = None, measured_only: bool | None = None) -> FoodTable:
    """Built-in foods and supplements, with the user's foods (if any) overriding by name.

    With ``measured_only`` (default: ``K2CALC_MEASURED_ONLY``), inferred zeros are *not
    measured*, as if the rule did not exist."""
    rows, index = builtin_table()
    if measured_only is None:
        measured_only = measured_only_default()
    if measured_only:
        at = FIELD_INDEX["confidence"]
        rows = tuple(
            tuple(getattr(Food(*r).measured_only(), n) for n in FOOD_FIELDS)
            if r[at] == INFERRED
            else r
            for r in rows
        )
    table = FoodTable(rows, dict(index))
    table.extend(SUPPLEMENTS)
    if user_foods is not None:
        extra = read_user_foods(user_foods)
        table.extend([f.measured_only() for f in extra] if measured_only else extra)
    else:  # the supplements are code: their text keys the cache too
        supplements = hashlib.sha256(repr(SUPPLEMENTS).encode()).hexdigest()[:8]
        measured = "-measured-only" if measured_only else ""
        table.cache_key = f"{builtin_digest()}-{supplements}{measured}"
    return table
