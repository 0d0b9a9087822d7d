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
  ``regular`` cost little), curated foods first, baby foods, restaurant and fast-food rows last.

A clear winner is taken; a near tie is an ``AmbiguousFoodError`` listing the best few, and no
candidate is an ``UnknownFoodError`` with the closest names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from k2calc.errors import AmbiguousFoodError, UnknownFoodError
from k2calc.foods import Food, FoodTable, fold_key, normalize, words

EXACT, ALIAS, RANKED, TYPO = "exact", "alias", "ranked", "typo"
PREPARATIONS = frozenset(
    "raw cooked boiled steamed fried pan-fried deep-fried stir-fried roasted grilled baked "
    "broiled pan-broiled braised stewed simmered poached scrambled canned frozen dried smoked "
    "microwaved toasted sauteed blanched hard-boiled soft-boiled dry uncooked".split()
)
IGNORED = frozenset(
    "chopped sliced diced shredded grated minced cubed fresh plain organic homemade "
    "home-made freshly".split()
)
FILLER = frozenset("of a an the some my".split())
CONTAINERS = frozenset("glass bowl plate mug handful".split())
# Words that describe rather than name a food: cheap extras in a candidate's name.
NEUTRAL = frozenset(
    "whole fresh regular plain enriched unenriched mixed species all class commercial "
    "commercially prepared without with salt added and or meat only solid liquid drained "
    "unsalted type variety ns as to ready-to-eat ready-to-serve unprepared prepared "
    "from home recipe water tap bottled raw cooked boiled".split()
)
# Words dropped as a last resort when nothing fits the query as typed.
MODIFIERS = frozenset(
    "white red yellow green black brown full fat full-fat low-fat whole light dark".split()
)
PLACE_CATEGORIES = {"baby-food": "baby", "restaurant": "restaurant", "fast-food": "fast"}
UNCURATED_COST = 0.5  # a USDA row nobody named, against a curated food
PLACE_COST = 3.0  # a baby food, restaurant or fast-food row the query did not ask for
MISSING_PREPARATION_COST = 2.0
EQUIVALENT_PREPARATION_COST = 0.5
MAX_CHOSEN_COST = 1.0  # a best guess among several must add less than one naming word
MAX_ALONE_COST = 2.0  # the only candidate may add a little more
MARGIN = 0.5  # the best must be this much cheaper than the runner-up
TYPO_SCORE = 85.0  # rapidfuzz ratio for a word to count as a typo of another
MIN_TYPO_LENGTH = 4
LISTED = 5


@dataclass(frozen=True)
class Match:
    """The food chosen for a query, how it was found, and the next best food (if any)."""

    query: str
    food: Food
    how: str  # exact, alias, ranked or typo
    runner_up: Food | None = None


@dataclass(frozen=True)
class _Label:
    tokens: frozenset[str]
    head: str
    described: bool  # a USDA-style "Noun, detail, detail" name, whose details are cheap


class _MatchIndex:
    """Every food of a table by the words of its names, built once per table when needed.

    A food's words are those of all its names together: ``collard greens`` (curated) and
    ``collards, raw`` (its USDA name) make one food that is both "greens" and "raw".
    """

    def __init__(self, table: FoodTable) -> None:
        self.labels: dict[int, list[_Label]] = {}
        self.words: dict[int, frozenset[str]] = {}
        self.postings: dict[str, set[int]] = {}
        self.curated: dict[int, bool] = {}
        for position in table.positions():
            if not table.alive(position):
                continue
            names = table.labels(position)
            # A USDA row nobody renamed has its long name only; curated foods have aliases
            # (or no USDA number at all: study foods, supplements, a user's own foods).
            self.curated[position] = len(names) > 1 or not table.ndb_no(position)
            labels = [_Label(frozenset(words(normalize(n))), _head(n), "," in n) for n in names]
            self.labels[position] = [label for label in labels if label.tokens]
            self.words[position] = frozenset().union(*(label.tokens for label in labels))
            for token in self.words[position]:
                self.postings.setdefault(token, set()).add(position)
        self.vocabulary = sorted(self.postings)


def _head(name: str) -> str:
    """The main noun: the last word of the first comma-separated part (``Cheese, gouda``)."""
    first = normalize(name).split(",")[0]
    found = words(first)
    return found[-1] if found else ""


def _index(table: FoodTable) -> _MatchIndex:
    cached = getattr(table, "_match_index", None)
    if cached is None:
        cached = _MatchIndex(table)
        table._match_index = cached  # type: ignore[attr-defined]
    return cached


def query_words(query: str) -> list[str]:
    """The words of a query without filler (``a glass of milk`` → ``milk``)."""
    tokens = words(normalize(query))
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
    return _ranked(table, index, corrected, shown, how)


def _exact(table: FoodTable, key: str, shown: str, how: str = "") -> Match | None:
    position = table.lookup(key)
    if position is None:
        return None
    food = table.food(position)
    return Match(shown, food, how or (EXACT if fold_key(food.name) == key else ALIAS))


def _correct(tokens: list[str], index: _MatchIndex) -> list[str]:
    """Each word in no name replaced by the one vocabulary word it is clearly closest to."""
    corrected = []
    for token in tokens:
        if token in index.postings or len(token) < MIN_TYPO_LENGTH or token.isdigit():
            corrected.append(token)
            continue
        from rapidfuzz import fuzz, process

        best = process.extract(token, index.vocabulary, scorer=fuzz.ratio, limit=2)
        clear = best and best[0][1] >= TYPO_SCORE
        if clear and len(best) > 1 and best[1][1] == best[0][1]:
            clear = False
        corrected.append(best[0][0] if clear else token)
    return corrected


# What a preparation word in a query accepts in a food's names ("baked" cod is USDA's
# "cooked, dry heat"; any cooking word is "cooked").
_DRY_HEAT = frozenset({"heat", "baked", "roasted", "grilled", "broiled"})
PREPARATION_MATCHES = {
    **{word: _DRY_HEAT for word in ("baked", "roasted", "grilled", "broiled")},
    "boiled": frozenset({"boiled", "heat", "simmered", "poached", "stewed"}),
    "steamed": frozenset({"steamed", "boiled", "heat"}),
    "cooked": PREPARATIONS - {"raw", "frozen", "canned", "dried", "smoked", "dry", "uncooked"},
    **dict.fromkeys(("dry", "uncooked"), frozenset({"dry", "raw", "dried", "uncooked"})),
}


def _preparation_cost(preparation: str, food_words: frozenset[str]) -> float:
    """0 when the food's names say it, a little for an equivalent, else the full cost."""
    if preparation in food_words:
        return 0.0
    if PREPARATION_MATCHES.get(preparation, frozenset()) & food_words:
        return EQUIVALENT_PREPARATION_COST
    return MISSING_PREPARATION_COST


def _label_cost(label: _Label, asked: set[str], preparations: set[str]) -> float:
    """Words the name adds to the query: descriptive ones cheap, preparations by the query."""
    extras = label.tokens - asked
    cheap = NEUTRAL if label.described else frozenset()
    cost = sum(0.2 if w in cheap else 1.0 for w in extras - PREPARATIONS)
    unasked = (label.tokens & PREPARATIONS) - preparations
    if preparations:
        return cost + 0.3 * len(unasked)
    return cost + len(unasked - {"raw"})


def _food_cost(
    index: _MatchIndex, position: int, asked: set[str], preparations: set[str]
) -> float | None:
    """What choosing this food costs, or None when none of its names has a main noun asked."""
    labels = [label for label in index.labels[position] if label.head in asked]
    if not labels:
        return None
    food_words = index.words[position]
    cost = sum(_preparation_cost(p, food_words) for p in preparations)
    return cost + min(_label_cost(label, asked, preparations) for label in labels)


def _candidates(table: FoodTable, index: _MatchIndex, tokens: list[str]) -> dict[int, float]:
    asked = set(tokens)
    preparations = asked & PREPARATIONS
    content = [t for t in tokens if t not in PREPARATIONS] or tokens
    postings = [index.postings.get(t, set()) for t in content]
    positions = set.intersection(*postings) if postings else set()
    costs: dict[int, float] = {}
    for position in positions:
        cost = _food_cost(index, position, asked, preparations)
        if cost is None:
            continue
        if not index.curated[position]:
            cost += UNCURATED_COST
        place = PLACE_CATEGORIES.get(table.category(position))
        if place is not None and place not in " ".join(tokens):
            cost += PLACE_COST
        costs[position] = cost
    return costs


def _ranked(
    table: FoodTable, index: _MatchIndex, tokens: list[str], shown: str, how: str
) -> Match:
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
    top_cost = costs[top]
    runner_up = table.food(ranked[1]) if len(ranked) > 1 else None
    alone = len(ranked) == 1
    clear = alone or costs[ranked[1]] - top_cost >= MARGIN
    # A best guess that adds a word of its own ("chicken" -> "roast chicken") is asked about
    # when other foods fit too: the query honestly covers several foods.
    weak = top_cost > MAX_ALONE_COST if alone else top_cost >= MAX_CHOSEN_COST
    if clear and not weak:
        return Match(shown, table.food(top), how, runner_up)
    names = [table.food(p).name for p in ranked[:LISTED]]
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
    return [name for name, _score, _ in found]
