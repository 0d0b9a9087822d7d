"""Find the food a user means: an exact name or alias first, then a ranked match.

The ranked match reads a query the way a food diary is written:

* filler is dropped (``of``, ``a``, ``the``, ``glass of``), and so are cut words that do not
  change the food (``chopped``, ``sliced``, ``fresh``);
* preparation words (``raw``, ``cooked``, ``boiled``, ``fried``…) choose the variant that has
  them; with none, the raw row or a curated food is preferred;
* a word that is in no food name is corrected to the one word it is clearly closest to
  (``chese`` → ``cheese``), with rapidfuzz;
* every remaining word must be in the candidate's name, and the candidate's own main noun (the
  first part of a USDA name, ``Babyfood, …`` → ``babyfood``) must be in the query, so
  ``broccoli`` never lands on a baby food or a dish that merely contains it;
* candidates are ranked by the words they add (descriptive words such as ``whole`` or
  ``regular`` cost little), curated foods first, then SR28 rows before FNDDS survey dishes, baby
  foods, restaurant and fast-food rows last.

A clear winner is taken; a near tie is an ``AmbiguousFoodError`` listing the best few, and no
candidate is an ``UnknownFoodError`` with the closest names.
"""

from __future__ import annotations

import contextlib
import marshal
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from k2calc.errors import AmbiguousFoodError, K2Error, UnknownFoodError
from k2calc.foods import Food, FoodTable, cache_path, fold_key, normalize, words, write_atomically

EXACT, ALIAS, RANKED, TYPO, CODE = "exact", "alias", "ranked", "typo", "code"
CODE_PREFIX = "ndb:"  # a food by its USDA NDB number: ndb:01009
FNDDS_PREFIX = "fndds:"  # a food by its USDA FNDDS food code: fndds:58100100
PREPARATIONS = frozenset(
    [
        "raw",
        "cooked",
        "boiled",
        "steamed",
        "fried",
        "pan-fried",
        "deep-fried",
        "stir-fried",
        "roasted",
        "grilled",
        "baked",
        "broiled",
        "pan-broiled",
        "braised",
        "stewed",
        "simmered",
        "poached",
        "scrambled",
        "canned",
        "frozen",
        "dried",
        "smoked",
        "microwaved",
        "toasted",
        "sauteed",
        "blanched",
        "hard-boiled",
        "soft-boiled",
        "dry",
        "uncooked",
        "sashimi",
    ]
)
IGNORED = frozenset(
    [
        "chopped",
        "sliced",
        "diced",
        "shredded",
        "grated",
        "minced",
        "cubed",
        "fresh",
        "plain",
        "organic",
        "homemade",
        "home-made",
        "freshly",
        "shelled",
        "peeled",
        "pitted",
        "mature",  # a cheese's age grade: "mature cheddar" is cheddar
        "natural",  # Cronometer's "Almonds, Natural", British "natural yoghurt"
        "slice",  # "Publix, Sharp Cheddar, Slices": the cheese, however cut
    ]
)
FILLER = frozenset(["of", "a", "an", "the", "some", "my"])
CONTAINERS = frozenset(["glass", "bowl", "plate", "mug", "handful"])
# Words that describe rather than name a food: cheap extras in a candidate's name.
NEUTRAL = frozenset(
    [
        "whole",
        "fresh",
        "regular",
        "plain",
        "enriched",
        "unenriched",
        "mixed",
        "species",
        "all",
        "class",
        "commercial",
        "commercially",
        "prepared",
        "without",
        "with",
        "salt",
        "added",
        "and",
        "or",
        "meat",
        "only",
        "solid",
        "liquid",
        "drained",
        "unsalted",
        "type",
        "variety",
        "ns",
        "as",
        "to",
        "ready-to-eat",
        "ready-to-serve",
        "unprepared",
        "prepared",
        "from",
        "home",
        "recipe",
        "water",
        "tap",
        "bottled",
        "raw",
        "cooked",
        "boiled",
        "chopped",
        "sliced",
        "diced",
        "whole",
        "leaf",
        "lean",
        "fat",
    ]
)
# Words dropped as a last resort when nothing fits the query as typed.
MODIFIERS = frozenset(
    [
        "white",
        "red",
        "yellow",
        "green",
        "black",
        "brown",
        "full",
        "fat",
        "full-fat",
        "low-fat",
        "whole",
        "light",
        "dark",
    ]
)
# USDA names that start with a class: "Fish, herring", "Nuts, almonds", "Game meat, bison".
CLASS_WORDS = frozenset(
    ["fish", "crustacean", "mollusk", "nut", "seed", "spice", "beverage", "cheese", "meat", "candy"]
)
SALTED_COST = 0.5
PLACE_CATEGORIES = {"baby-food": "baby", "restaurant": "restaurant", "fast-food": "fast"}
UNCURATED_COST = 0.5  # a USDA row nobody named, against a curated food
PLACE_COST = 3.0  # a baby food, restaurant or fast-food row the query did not ask for
DISH_COST = 3.0  # a USDA FNDDS survey dish nobody named, against a SR28 food
MISSING_PREPARATION_COST = 3.0
EQUIVALENT_PREPARATION_COST = 0.5
MAX_ALONE_COST = 2.0  # the only candidate may add a little more
MARGIN = 0.5  # the best must be this much cheaper than the runner-up
TYPO_SCORE = 85.0  # rapidfuzz ratio for a word to count as a typo of another
MIN_TYPO_LENGTH = 4
LISTED = 5
SUGGESTION_SPREAD = 5  # "did you mean" lists only names nearly as close as the closest


@dataclass(frozen=True)
class Match:
    """The food chosen for a query, how it was found, and the next best food (if any)."""

    query: str
    food: Food
    how: str  # exact, alias, ranked, typo or code
    runner_up: Food | None = None


@dataclass(frozen=True)
class _Label:
    tokens: frozenset[str]
    heads: frozenset[str]
    described: bool  # a USDA-style "Noun, detail, detail" name, whose details are cheap


class UnknownCodeError(UnknownFoodError):
    """An NDB number no food in the table has."""

    def __init__(self, query: str, code: str, fndds: bool = False) -> None:
        self.query = query
        self.suggestions = []
        what = (
            ("FNDDS food code", "USDA FNDDS 2017-2018 food codes, 8 digits, e.g. fndds:58100100")
            if fndds
            else ("NDB number", "USDA SR28 numbers, 5 digits, e.g. ndb:01009")
        )
        K2Error.__init__(
            self,
            f"unknown {what[0]} '{code}' in '{query}' — no food in the table has it ({what[1]})",
        )


def is_code(query: str) -> bool:
    """True for a food given by its NDB number (``ndb:01009``) or FNDDS code
    (``fndds:58100100``)."""
    return query.strip().lower().startswith((CODE_PREFIX, FNDDS_PREFIX))


def _code_key(code: str) -> str:
    return code.strip().lstrip("0") or "0"


def _codes(table: FoodTable) -> dict[str, int]:
    """Position of each NDB number's food and of each FNDDS code's (``fndds:`` keys); a later
    food, such as a user's own, wins."""
    cached: dict[str, int] | None = getattr(table, "_ndb_index", None)
    if cached is None:
        cached = {}
        for position in table.positions():
            if not table.alive(position):
                continue
            if number := table.ndb_no(position):
                cached[_code_key(number)] = position
            for fndds in table.fndds_codes(position):
                cached[FNDDS_PREFIX + _code_key(fndds)] = position
        table._ndb_index = cached  # type: ignore[attr-defined]
    return cached


def match_code(table: FoodTable, query: str) -> Match:
    """The food of ``ndb:NUMBER`` or ``fndds:CODE``; ``UnknownCodeError`` when no food has it."""
    shown = query.strip()
    fndds = shown.lower().startswith(FNDDS_PREFIX)
    code = shown[len(FNDDS_PREFIX if fndds else CODE_PREFIX) :].strip()
    key = (FNDDS_PREFIX if fndds else "") + _code_key(code)
    position = _codes(table).get(key) if code.isdigit() else None
    if position is None:
        raise UnknownCodeError(shown, code, fndds)
    return Match(shown, table.food(position), CODE)


class _MatchIndex:
    """Every food of a table by the words of its names, built once per table when needed.

    A food's words are those of all its names together: ``collard greens`` (curated) and
    ``collards, raw`` (its USDA name) make one food that is both "greens" and "raw".
    """

    def __init__(self, table: FoodTable) -> None:
        labels_of: dict[int, list[_Label]] = {}
        words_of: dict[int, frozenset[str]] = {}
        postings: dict[str, set[int]] = {}
        self.curated: dict[int, bool] = {}
        self.dish: dict[int, bool] = {}  # an FNDDS survey dish under its USDA name only
        for position in table.positions():
            if not table.alive(position):
                continue
            names = table.labels(position)
            # A USDA row nobody renamed has its long name only; curated foods have aliases
            # (or no USDA number at all: study foods, supplements, a user's own foods).
            coded = table.ndb_no(position) or table.fndds_codes(position)
            self.curated[position] = len(names) > 1 or not coded
            self.dish[position] = len(names) == 1 and not table.ndb_no(position) and bool(coded)
            labels = [_Label(frozenset(words(normalize(n))), _heads(n), "," in n) for n in names]
            labels_of[position] = [label for label in labels if label.tokens]
            words_of[position] = frozenset().union(*(label.tokens for label in labels))
            for token in words_of[position]:
                postings.setdefault(token, set()).add(position)
        self.labels: Mapping[int, list[_Label]] = labels_of
        self.words: Mapping[int, frozenset[str]] = words_of
        self.postings: Mapping[str, Collection[int]] = postings  # tuples when read from cache
        self.vocabulary = sorted(postings)

    def cached(self) -> tuple[Any, ...]:
        """The index as plain ``marshal`` data that loads in a few milliseconds: each food's
        labels as one text, parsed when the food is a candidate (``restored``)."""
        labels = {position: _labels_text(ls) for position, ls in self.labels.items()}
        postings = {token: tuple(sorted(found)) for token, found in self.postings.items()}
        return labels, postings, self.curated, self.vocabulary, self.dish

    @classmethod
    def restored(cls, data: tuple[Any, ...]) -> _MatchIndex:
        """The index ``cached`` wrote."""
        labels, postings, curated, vocabulary, dish = data
        index = cls.__new__(cls)
        index.labels = _Parsed(labels, _labels_of_text)
        index.words = _Parsed(labels, _words_of_text)
        index.postings, index.curated, index.vocabulary = postings, curated, vocabulary
        index.dish = dish
        return index


_LABEL_END, _PART_END = "\x1e", "\x1f"


def _labels_text(labels: list[_Label]) -> str:
    """A food's labels as one text (``_labels_of_text`` reads it back)."""
    return _LABEL_END.join(
        _PART_END.join(
            (" ".join(sorted(lb.tokens)), " ".join(sorted(lb.heads)), "1" * lb.described)
        )
        for lb in labels
    )


def _labels_of_text(text: str) -> list[_Label]:
    labels = []
    for part in text.split(_LABEL_END) if text else ():
        tokens, heads, described = part.split(_PART_END)
        labels.append(_Label(frozenset(tokens.split()), frozenset(heads.split()), bool(described)))
    return labels


def _words_of_text(text: str) -> frozenset[str]:
    return frozenset().union(*(label.tokens for label in _labels_of_text(text)))


class _Parsed(Mapping[int, Any]):
    """A mapping whose values are parsed from texts the first time each is asked for."""

    def __init__(self, texts: dict[int, str], parse: Callable[[str], Any]) -> None:
        self._texts, self._parse = texts, parse
        self._done: dict[int, Any] = {}

    def __getitem__(self, key: int) -> Any:
        if key not in self._done:
            self._done[key] = self._parse(self._texts[key])
        return self._done[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def _heads(name: str) -> frozenset[str]:
    """The main noun: the last word of the first comma-separated part (``Cheese, gouda``),
    and of the second part too where the first names a class (``Fish, herring, raw``)."""
    parts = [words(part) for part in normalize(name).split(",")]
    heads = {parts[0][-1]} if parts[0] else set()
    if heads & CLASS_WORDS and len(parts) > 1 and parts[1]:
        heads.add(parts[1][-1])
    return frozenset(heads)


INDEX_FORMAT = 4  # bump when the cached index's shape changes


def _index(table: FoodTable) -> _MatchIndex:
    cached = getattr(table, "_match_index", None)
    if cached is None:
        cached = _cached_index(table)
        table._match_index = cached  # type: ignore[attr-defined]
    return cached


def _cached_index(table: FoodTable) -> _MatchIndex:
    """The word index of ``table``, read from the user cache folder beside the table's own
    cache where the table's content is known (``FoodTable.cache_key``), else built (and
    written there): a typo'd or ranked name then costs what an exact one does."""
    if table.cache_key is None:
        return _MatchIndex(table)
    path = cache_path("match-index", table.cache_key, INDEX_FORMAT)
    try:
        return _MatchIndex.restored(marshal.loads(path.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError):
        pass
    index = _MatchIndex(table)
    write_atomically(path, marshal.dumps(index.cached()))
    return index


# Phrases food diaries use for what USDA names otherwise (Cronometer's "Kale, Cooked from
# Frozen" is USDA's "Kale, frozen, cooked, boiled"; "No Visible Fat Eaten" its "lean only").
DIARY_PHRASES = {
    "cooked from frozen": "frozen cooked",
    "no visible fat eaten": "lean only",
    "visible fat eaten": "lean and fat",
}
_DIARY_PHRASE = re.compile("|".join(rf"\b{re.escape(p)}\b" for p in DIARY_PHRASES))


def query_words(query: str) -> list[str]:
    """The words of a query without filler (``a glass of milk`` → ``milk``)."""
    text = _DIARY_PHRASE.sub(lambda m: DIARY_PHRASES[m.group(0)], normalize(query))
    tokens = words(text)
    kept: list[str] = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in FILLER or (token in CONTAINERS and following == "of"):
            continue
        kept.append(token)
    return kept


def match_food(table: FoodTable, query: str, strict: bool = False) -> Match:
    """The food ``query`` names; see the module docstring for how.

    With ``strict``, anything short of an exact name or alias is an error.
    """
    shown = query.strip()
    if is_code(shown):
        return match_code(table, shown)
    exact = _exact(table, fold_key(query), shown)
    if exact is not None:
        return exact
    if strict:
        raise UnknownFoodError(shown, [], strict=True)
    tokens = [t for t in query_words(query) if t not in IGNORED] or query_words(query)
    if not tokens:
        raise UnknownFoodError(shown, [])
    found = _exact(table, " ".join(tokens), shown, how=ALIAS)
    if found is not None:
        return found
    index = _index(table)
    corrected = _correct(tokens, index)
    how = TYPO if corrected != tokens else RANKED
    if how == TYPO:
        found = _exact(table, " ".join(corrected), shown, how=TYPO)
        if found is not None:
            return found
    try:
        return _ranked(table, index, corrected, shown, how)
    except UnknownFoodError:
        tries = _without_brand(query, index)
        if not tries:
            raise
    for branded in tries:
        found = _exact(table, " ".join(branded), shown, how=RANKED)
        if found is not None:
            return found
        with contextlib.suppress(UnknownFoodError, AmbiguousFoodError):
            return _ranked(table, index, branded, shown, RANKED)
    raise UnknownFoodError(shown, suggestions(table, index, tokens))


def _names_a_food(word: str, index: _MatchIndex) -> bool:
    """True when ``word`` is in the name of some food other than an FNDDS survey dish."""
    return any(not index.dish[p] for p in index.postings.get(word, ()))


def _without_brand(query: str, index: _MatchIndex) -> list[list[str]]:
    """Readings of a branded diary name without its brand, to try in turn: where the first
    comma-separated part has no word of any food name (``Kerrygold, Pure Irish Butter,
    Salted``), the product's name with ever fewer leading words (``pure irish butter``,
    ``irish butter``, ``butter``; never past a number such as ``2%``), each with the words
    of the parts after it (``salted``)."""
    parts = normalize(query).split(",")
    brand = words(parts[0])
    if len(parts) < 2 or not brand:
        return []
    # "joe's" is "joe" and "s"; a word only survey dishes have ("sloppy joe") is no food's
    if any(_names_a_food(w, index) for w in brand if len(w) > 1):
        return []
    product = [t for t in query_words(parts[1]) if t not in IGNORED]
    details = [t for t in query_words(",".join(parts[2:])) if t not in IGNORED]
    tries = []
    for k in range(len(product)):
        if k and any(c.isdigit() for c in product[k - 1]):
            break  # "2% greek yogurt" is never read as any greek yogurt
        tries.append(product[k:] + details)
    return tries


def _exact(table: FoodTable, key: str, shown: str, how: str = "") -> Match | None:
    position = table.lookup(key)
    if position is None:
        return None
    food = table.food(position)
    return Match(shown, food, how or (EXACT if fold_key(food.name) == key else ALIAS))


def _correct(tokens: list[str], index: _MatchIndex) -> list[str]:
    """Each word in no name replaced by the one vocabulary word it is clearly closest to:
    a rapidfuzz ratio of at least ``TYPO_SCORE``, or one edit away in a word of 5+ letters,
    with the same first letter."""
    corrected = []
    for token in tokens:
        if token in index.postings or len(token) < MIN_TYPO_LENGTH or token.isdigit():
            corrected.append(token)
            continue
        corrected.append(_closest(token, index) or _closest(token + "s", index) or token)
    return corrected


def _closest(token: str, index: _MatchIndex) -> str | None:
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    near = process.extract(token, index.vocabulary, scorer=fuzz.ratio, limit=5, score_cutoff=60)
    # A typo keeps the first letter: "dahi" (Hindi for yogurt) is no "ahi", "zoodles" no
    # "noodles", "oatcakes" no "pancakes".
    near = [n for n in near if n[0][:1] == token[:1]]
    if not near:
        return None
    best_word, best_score, _ = near[0]
    if best_score >= TYPO_SCORE and (len(near) == 1 or near[1][1] < best_score):
        return str(best_word)
    one_edit = [w for w, _s, _i in near if Levenshtein.distance(token, w) == 1]
    if len(token) >= 3 and len(one_edit) == 1:
        return str(one_edit[0])
    return None


# What a preparation word in a query accepts in a food's names ("baked" cod is USDA's
# "cooked, dry heat"; any cooking word is "cooked").
_NOT_COOKING = frozenset(
    {"raw", "frozen", "canned", "dried", "smoked", "dry", "uncooked", "sashimi"}
)
_COOKING = PREPARATIONS - _NOT_COOKING
_DRY_HEAT = frozenset({"heat", "baked", "roasted", "grilled", "broiled", "cooked"})
PREPARATION_MATCHES = {
    **{word: frozenset({"cooked"}) for word in _COOKING},
    **dict.fromkeys(("baked", "roasted", "grilled", "broiled"), _DRY_HEAT),
    "boiled": frozenset({"boiled", "heat", "simmered", "poached", "stewed", "cooked"}),
    "steamed": frozenset({"steamed", "boiled", "heat", "cooked"}),
    "sauteed": frozenset({"fried", "pan-fried", "stir-fried", "cooked"}),
    "cooked": _COOKING,
    **dict.fromkeys(("dry", "uncooked"), frozenset({"dry", "raw", "dried", "uncooked"})),
    "sashimi": frozenset({"raw"}),
}


def _preparation_cost(preparation: str, food_words: frozenset[str]) -> float:
    """0 when the food's names say it, a little for an equivalent, else the full cost."""
    if preparation in food_words:
        return 0.0
    if PREPARATION_MATCHES.get(preparation, frozenset()) & food_words:
        return EQUIVALENT_PREPARATION_COST
    return MISSING_PREPARATION_COST


def _label_cost(label: _Label, asked: set[str], preparations: set[str]) -> tuple[float, int]:
    """Words the name adds to the query: descriptive ones cheap, preparations by the query.

    Returns the cost and how many naming words (neither descriptive nor preparation) it adds.
    """
    extras = label.tokens - asked - PREPARATIONS
    cheap = NEUTRAL | CLASS_WORDS if label.described else frozenset()
    named = len(extras - cheap)
    cost = named + 0.2 * len(extras & cheap)
    if "salt" in label.tokens and "without" not in label.tokens:
        cost += SALTED_COST  # USDA's "with salt" twin of a food: the plain one first
    unasked = (label.tokens & PREPARATIONS) - preparations
    if preparations:
        return cost + 0.3 * len(unasked), named
    return cost + len(unasked - {"raw"}), named


def _food_cost(
    index: _MatchIndex, position: int, asked: set[str], preparations: set[str]
) -> tuple[float, int] | None:
    """What choosing this food costs and the naming words it adds, or None when none of its
    names has a main noun the query asked for."""
    labels = [label for label in index.labels[position] if asked & label.heads]
    if not labels:
        return None
    food_words = index.words[position]
    cost = sum(_preparation_cost(p, food_words) for p in preparations)
    best, named = min(_label_cost(label, asked, preparations) for label in labels)
    return cost + best, named


def _candidates(
    table: FoodTable, index: _MatchIndex, tokens: list[str]
) -> dict[int, tuple[float, int]]:
    asked = set(tokens)
    preparations = asked & PREPARATIONS
    content = [t for t in tokens if t not in PREPARATIONS] or tokens
    postings = [index.postings.get(t, ()) for t in content]  # sets, or tuples when cached
    positions = set(postings[0]).intersection(*postings[1:]) if postings else set()
    costs: dict[int, tuple[float, int]] = {}
    for position in positions:
        found = _food_cost(index, position, asked, preparations)
        if found is None:
            continue
        cost, named = found
        if not index.curated[position]:
            cost += UNCURATED_COST
        if index.dish[position]:
            cost += DISH_COST
        place = PLACE_CATEGORIES.get(table.category(position))
        if place is not None and place not in " ".join(tokens):
            cost += PLACE_COST
        costs[position] = (cost, named)
    return costs


def _ranked(table: FoodTable, index: _MatchIndex, tokens: list[str], shown: str, how: str) -> Match:
    costs = _candidates(table, index, tokens)
    if not costs:
        # "chick peas" -> "chickpeas"; "white miso" -> "miso": words run together, or a
        # colour or fat word dropped, tried only when nothing fits as typed.
        joined = table.lookup(fold_key("".join(tokens)))
        if joined is not None:
            return Match(shown, table.food(joined), how)
        plainer = [t for t in tokens if t not in MODIFIERS]
        if plainer and plainer != tokens:
            costs = _candidates(table, index, plainer)
    ranked = sorted(costs, key=lambda p: (costs[p], len(index.words[p]), table.food(p).name))
    if not ranked:
        raise UnknownFoodError(shown, suggestions(table, index, tokens))
    top = ranked[0]
    top_cost, top_named = costs[top]
    runner_up = table.food(ranked[1]) if len(ranked) > 1 else None
    if len(ranked) == 1:
        chosen = top_cost <= MAX_ALONE_COST
    else:
        margin = costs[ranked[1]][0] - top_cost
        # A best guess that adds a naming word of its own ("chicken" -> "roast chicken") is
        # asked about when other foods fit too: the query honestly covers several foods.
        chosen = top_named == 0 and (margin >= MARGIN or (top_cost == 0 and margin > 0))
    if chosen:
        return Match(shown, table.food(top), how, runner_up)
    names = [table.food(p).name for p in ranked[:LISTED]]
    if len(names) == 1:  # the only food with these words lacks one the query asked for
        raise UnknownFoodError(shown, names)
    raise AmbiguousFoodError(shown, names, len(ranked) - len(names))


def suggestions(table: FoodTable, index: _MatchIndex, tokens: Sequence[str]) -> list[str]:
    """Up to three curated names closest to the query's words, for a 'did you mean'."""
    from rapidfuzz import fuzz, process

    query = " ".join(tokens)
    names = {
        table.labels(position)[0]: position
        for position, curated in index.curated.items()
        if curated
    }
    found = process.extract(query, list(names), scorer=fuzz.WRatio, limit=3, score_cutoff=70)
    best = found[0][1] if found else 0
    return [name for name, score, _ in found if score >= best - SUGGESTION_SPREAD]
