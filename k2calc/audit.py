"""A matching audit: every distinct food string of a diary once, and the food it was taken as.

For a researcher who must see, before trusting a number, how each string of a cohort file was
matched: the food chosen, how (``exact``, ``alias``, ``code``, ``typo``, ``ranked``), the
runner-up the ranking passed over, and how many rows use the string. A string that fits no
single food is listed too (``unknown``, ``ambiguous``) with the reason. Strings to review come
first: unknown, ambiguous, typo, ranked, then code, alias and exact, most used first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from k2calc import diary
from k2calc.csvcells import restore
from k2calc.diary import Plan
from k2calc.errors import AmbiguousFoodError, K2Error
from k2calc.foods import FoodTable
from k2calc.match import ALIAS, CODE, EXACT, RANKED, TYPO, match_food
from k2calc.report import ReportFileError, csv_chunks, open_diary
from k2calc.wording import dose_of

UNKNOWN, AMBIGUOUS = "unknown", "ambiguous"
# A Cronometer row that is no food (a Quick Add entry, a supplement without vitamin K), and a
# supplement read from its name and dose (``NOW Foods, MK-7 Vitamin K-2, 100 mcg``).
LEFT_OUT, SUPPLEMENT = "left out", "supplement"
REVIEW_ORDER = (UNKNOWN, AMBIGUOUS, TYPO, RANKED, SUPPLEMENT, LEFT_OUT, CODE, ALIAS, EXACT)
SURE = frozenset({EXACT, ALIAS, CODE})  # what --strict accepts
KEYS = ("input", "rows", "food", "ndb_no", "how", "runner_up", "problem")
CHUNK_ROWS = 200_000


@dataclass(frozen=True)
class AuditRow:
    """One distinct food string: how many rows use it, and what it was matched to."""

    input: str
    rows: int
    food: str | None
    ndb_no: str | None
    how: str
    runner_up: str | None
    problem: str | None

    def as_dict(self) -> dict[str, Any]:
        """The JSON and CSV shape (``KEYS``)."""
        return {key: getattr(self, key) for key in KEYS}

    @property
    def sure(self) -> bool:
        """True for an exact name, an alias or an NDB code."""
        return self.how in SURE


def audit_strings(
    counts: Mapping[str, int], table: FoodTable, cronometer: bool = False
) -> list[AuditRow]:
    """Each string of ``counts`` (string → rows) matched once, in review order; in a
    Cronometer export (``cronometer``) a name of no food is ``left out``, as ``report`` does."""
    rows = [_audit_one(text, n, table, cronometer) for text, n in counts.items()]
    return sorted(rows, key=lambda r: (REVIEW_ORDER.index(r.how), -r.rows, r.input))


def _audit_one(text: str, rows: int, table: FoodTable, cronometer: bool = False) -> AuditRow:
    if not text:
        return AuditRow(text, rows, None, None, UNKNOWN, None, "empty food")
    if cronometer and (reason := diary.food_left_out(text)) is not None:
        return AuditRow(text, rows, None, None, LEFT_OUT, None, reason)
    try:
        found = match_food(table, text)
    except AmbiguousFoodError as exc:
        return AuditRow(text, rows, None, None, AMBIGUOUS, None, str(exc))
    except K2Error as exc:
        dose = dose_of(text)
        if dose is None:
            return AuditRow(text, rows, None, None, UNKNOWN, None, str(exc))
        mcg, form = dose
        return AuditRow(text, rows, f"{form}, {mcg:g} mcg a unit", None, SUPPLEMENT, None, None)
    runner_up = found.runner_up.name if found.runner_up is not None else None
    ndb = found.food.ndb_no or None
    return AuditRow(text, rows, found.food.name, ndb, found.how, runner_up, None)


def count_foods(
    source: Path | IO[str],
    mapping: Mapping[str, str] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> Counter[str]:
    """The distinct food strings of a diary file (``ndb:NUMBER`` where an ndb column gives
    one) and the rows using each (blank lines are not rows; an empty food cell is ``''``)."""
    label = str(source) if isinstance(source, Path) else "stdin"
    mapping = dict(mapping or {})
    mapping.setdefault("subject", diary.NO_COLUMN)  # whose rows they are does not matter here
    counts: Counter[str] = Counter()
    plan: Plan | None = None
    recall, reading, overrides = open_diary(source, label, {})
    if recall is not None:  # NHANES, ASA24: foods by their FNDDS codes
        return Counter(recall.rows["food"].tolist())
    # blank lines are not rows here; every cell read as text
    chunks = csv_chunks(reading, label, CHUNK_ROWS, dtype=str, skip_blank_lines=True, **overrides)
    for frame, _ in chunks:
        if plan is None:
            plan = diary.plan([str(c) for c in frame.columns], mapping, label)
            if on_plan is not None:
                on_plan(plan)
        kinds = [c for c in ("food", "ndb", "fndds") if plan.source(c)]
        pairs = frame[[plan.source(c) for c in kinds]].value_counts(sort=False)
        for key, n in pairs.items():
            cells = key if isinstance(key, tuple) else (key,)
            names = {k: restore(str(v)) for k, v in zip(kinds, cells, strict=True)}
            text = diary.fndds_text(
                diary.food_text(names.get("food", ""), names.get("ndb", "")),
                names.get("fndds", ""),
            )
            counts[text] += int(n)
    if plan is None:
        raise ReportFileError(f"{label}: empty; {diary.COLUMNS_HINT}")
    return counts


def how_counts(rows: list[AuditRow]) -> dict[str, int]:
    """Distinct strings per way of matching, in review order (zeros included, but for
    ``left out`` and ``supplement``, which only a Cronometer export or a supplement has)."""
    found = Counter(r.how for r in rows)
    return {
        how: found.get(how, 0)
        for how in reversed(REVIEW_ORDER)
        if found.get(how) or how not in (LEFT_OUT, SUPPLEMENT)  # these two only where found
    }
