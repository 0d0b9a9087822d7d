"""Read a food diary's header: which column is the date, the person, the food, the amount.

A diary file may name its columns as k2calc does (``date, subject, meal, food, amount``), be a
Cronometer servings export (``Day, Time, Group, Food Name, Amount, …``), or use names of its
own given by a mapping (``{"subject": "Client"}``). ``plan`` turns a header into a ``Plan``: the
source column behind each canonical column and the columns ignored, or raises a
``ColumnError`` with one line saying what is wrong. A file without a subject column but with a
column that looks like it names people is refused: read as one person, its people would merge.

This module is pure Python (no pandas) and never names command-line flags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from k2calc.bounds import shown
from k2calc.errors import K2Error

# The columns k2calc reads, in the order they are described.
CANONICAL = (
    "date", "subject", "meal", "food", "ndb", "fndds", "amount", "quantity", "unit", "grams"
)  # fmt: skip
MAPPABLE = ("date", "subject", "meal", "food", "amount", "ndb", "fndds", "grams")
COLUMNS_HINT = (
    "a diary needs the columns date, food (or ndb, or fndds) and amount (or quantity and unit, or "
    "grams), and optionally subject and meal"
)
# Header names (folded: lower case, runs of space, _ and - as one space) that name people.
PERSON_NAMES = frozenset(
    [
        "client",
        "person",
        "participant",
        "patient",
        "user",
        "id",
        "name",
        "seqn",
        "respondent",
        "member",
        "individual",
        "pid",
        "ppt",
        "uid",
        "customer",
        "resident",
        "athlete",
        "child",
        "student",
        "pupil",
        "volunteer",
        "household",
    ]
)
PERSON_SUFFIXES = ("id", "no", "number", "code", "name")
CRONOMETER_REQUIRED = ("day", "food name", "amount")
CRONOMETER_COLUMNS = {"day": "date", "group": "meal", "food name": "food", "amount": "amount"}
NO_COLUMN = ""  # a mapping to this says the file has no such column (``subject``: one person)
_DUPLICATE = re.compile(r"(?P<base>.+)\.(?P<number>\d+)")  # pandas' name for a second 'date'
_ORDER = {name: i for i, name in enumerate(CANONICAL)}  # the order columns are described in
_PLAIN_NUMBER = re.compile(r"[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DECIMAL_COMMA = re.compile(r"^(\s*\d+),(?=\d{1,2}(?!\d))")
_CRONOMETER_AMOUNT = re.compile(r"\s*(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[^,(]*)")


class ColumnError(K2Error):
    """A diary's header cannot be read: a missing, repeated or ambiguous column."""


class PersonColumnError(ColumnError):
    """No subject column, but a column that looks like it names people (``column``)."""

    def __init__(self, label: str, column: str) -> None:
        self.column = column
        self.base = (
            f"{label}: no subject column, but column '{shown(column)}' looks like it names people "
            "(read as one person, their days would merge)"
        )
        super().__init__(f"{self.base}; map it to subject, or say the file has none")


class MappingConflictError(ColumnError):
    """One column mapped to two canonical columns (a usage error: exit 2)."""


class MappingError(ColumnError):
    """A mapping names a column the file does not have."""

    def __init__(self, label: str, canonical: str, column: str, header: Sequence[str]) -> None:
        self.canonical = canonical
        self.column = column
        listed = ", ".join(f"'{shown(h)}'" for h in header[:12]) + (
            " …" if len(header) > 12 else ""
        )
        super().__init__(
            f"{label}: no column '{shown(column)}' (given for {canonical}); "
            f"its columns are {listed}"
        )


def fold(name: str) -> str:
    """A header name as compared: stripped, no byte-order mark, lower case, one space."""
    return " ".join(re.split(r"[\s_\-]+", str(name).strip().lstrip("\ufeff").lower())).strip()


def names_people(name: str) -> bool:
    """True for header names such as ``Client``, ``participant_id``, ``SEQN``, ``user name``."""
    folded = fold(name)
    if folded in PERSON_NAMES:
        return True
    parts = folded.replace("#", " ").split()
    if len(parts) == 2 and parts[1] in PERSON_SUFFIXES and parts[0] in PERSON_NAMES | {"subject"}:
        return True
    compact = folded.replace(" ", "")
    return any(compact == f"{p}{s}" for p in PERSON_NAMES | {"subject"} for s in ("id", "no"))


@dataclass(frozen=True)
class Plan:
    """How a diary's columns are read: ``columns`` maps each source header (as in the
    file) to its canonical name; ``ignored`` are the other headers, in file order."""

    columns: dict[str, str]
    ignored: tuple[str, ...] = ()
    cronometer: bool = False

    def source(self, canonical: str) -> str | None:
        """The header read as ``canonical``, or ``None``."""
        for source, name in self.columns.items():
            if name == canonical:
                return source
        return None

    @property
    def has(self) -> frozenset[str]:
        """The canonical columns present."""
        return frozenset(self.columns.values())

    @property
    def plain(self) -> bool:
        """True when every column is used under its own name and nothing is ignored."""
        return not self.ignored and all(fold(s) == c for s, c in self.columns.items())

    def describe(self, label: str) -> str:
        """One line for stderr: the columns read, as what, and the columns ignored."""
        used = ", ".join(
            shown(s) if fold(s) == c else f"{shown(s)} as {c}"
            for s, c in sorted(self.columns.items(), key=lambda p: _ORDER.get(p[1], len(_ORDER)))
        )
        kind = "a Cronometer servings export; " if self.cronometer else ""
        text = f"{label}: {kind}read {used}"
        if self.ignored:
            listed = ", ".join(map(shown, self.ignored[:8])) + (
                " …" if len(self.ignored) > 8 else ""
            )
            text += (
                f"; ignored {len(self.ignored)} column{'s' * (len(self.ignored) != 1)}: {listed}"
            )
        return text


def is_cronometer(header: Sequence[str]) -> bool:
    """True for a Cronometer servings export: Day, Food Name and Amount, no date or food."""
    folded = {fold(h) for h in header}
    return all(c in folded for c in CRONOMETER_REQUIRED) and not folded & {"date", "food"}


def plan(
    header: Sequence[str],
    mapping: Mapping[str, str] | None = None,
    label: str = "input",
    extra: Sequence[str] = (),
) -> Plan:
    """The plan for a file with ``header``; ``mapping`` gives canonical → source header
    (``NO_COLUMN`` for none); ``extra`` names more columns the caller reads as they are
    (``note``). Raises ``ColumnError`` saying what is wrong."""
    header = [str(h) for h in header]
    folded = [fold(h) for h in header]
    known = (*CANONICAL, *extra)
    _check_twice(header, folded, known, label)
    mapping = dict(mapping or {})
    for canonical in mapping:
        if canonical not in MAPPABLE:
            raise ColumnError(
                f"cannot map a column to '{shown(canonical)}'; map {', '.join(MAPPABLE)}"
            )
    columns: dict[str, str] = {}
    cronometer = is_cronometer(header)
    by_fold = dict(zip(folded, header, strict=True))
    for canonical, source in mapping.items():
        if source == NO_COLUMN:
            continue
        if fold(source) not in by_fold:
            raise MappingError(label, canonical, source, header)
        actual = by_fold[fold(source)]
        if actual in columns:
            raise MappingConflictError(
                f"{label}: column '{shown(actual)}' is given for both {columns[actual]} "
                f"and {canonical}"
            )
        columns[actual] = canonical
    defaults = dict(CRONOMETER_COLUMNS) if cronometer else {}
    for name, source in zip(folded, header, strict=True):
        read_as = defaults.get(name, name if name in known else None)
        if read_as is None or source in columns or read_as in mapping:
            continue
        columns[source] = read_as
    ignored = tuple(h for h in header if h not in columns)
    found = set(columns.values())
    _check_required(found, label)
    if "subject" not in found and "subject" not in mapping:
        people = [h for h in ignored if names_people(h)]
        if people:
            raise PersonColumnError(label, people[0])
    return Plan(columns, ignored, cronometer)


def _check_twice(header: list[str], folded: list[str], known: Sequence[str], label: str) -> None:
    for name in folded:  # pandas renames a second 'date' to 'date.1' (D13)
        twin = _DUPLICATE.fullmatch(name)
        if twin and twin["base"] in known and twin["base"] in folded:
            raise ColumnError(f"{label}: column '{twin['base']}' appears twice")
    for name in known:
        if folded.count(name) > 1:
            raise ColumnError(f"{label}: column '{name}' appears twice")


def _check_required(found: set[str], label: str) -> None:
    if "date" not in found:
        raise ColumnError(f"{label}: missing column 'date'; {COLUMNS_HINT}")
    if not found & {"food", "ndb", "fndds"}:
        raise ColumnError(f"{label}: missing column 'food'; {COLUMNS_HINT}")
    if "amount" in found and found & {"quantity", "unit"}:
        raise ColumnError(f"{label}: give either 'amount' or 'quantity' and 'unit', not both")
    if "amount" in found or "grams" in found:
        if "grams" in found and len(found & {"quantity", "unit"}) == 1:
            lacking = ({"quantity", "unit"} - found).pop()
            raise ColumnError(f"{label}: missing column '{lacking}' (give quantity and unit)")
        return
    missing = [c for c in ("quantity", "unit") if c not in found]
    if len(missing) == 2:
        raise ColumnError(f"{label}: missing column 'amount'; {COLUMNS_HINT}")
    if missing:
        raise ColumnError(
            f"{label}: missing column '{missing[0]}' (give amount, or quantity and unit)"
        )


def cronometer_amount(cell: str) -> str:
    """A Cronometer Amount cell as an item's amount: ``1.00 medium`` → ``1 medium``,
    ``150.00 g`` → ``150 g``, ``1.00 cup, chopped`` → ``1 cup``, ``1,250.00 g`` → ``1250 g``,
    ``2.00 each - pitted`` → ``2 each``;
    a cell it cannot read is returned as it is (the item parser then says why)."""
    cell = _THOUSANDS.sub("", cell)  # 1,250.00 g
    cell = _DECIMAL_COMMA.sub(r"\1.", cell)  # 150,00 g (a comma-decimal locale)
    match = _CRONOMETER_AMOUNT.match(cell)
    if match is None:
        return cell.strip()
    number = float(match["number"])
    # "1.00 whole - 3 1/2" diameter", "2.00 each - pitted": Cronometer's measure description
    # after a dash says what the unit is, never how much
    unit = match["unit"].split(" - ")[0].strip()
    if not unit and cell[match.end() :].strip():
        return cell.strip()  # "1, cup": not a shape it knows; never a unit dropped
    return f"{number:g} {unit}".strip()


# Rows of a food diary that are no food eaten: left out of the sums and listed as such, never
# an error (docs/cronometer.md). Each reason starts with one of these.
NOT_EATEN = "not eaten"
NOT_A_FOOD = "not a food"
LEFT_OUT = (NOT_EATEN, NOT_A_FOOD)
# Cronometer's entries that carry macros or a note only ("Quick Add, Carbs", "Quick Add, Fat")
_NO_FOOD_NAME = re.compile(r"^\s*quick add\b", re.IGNORECASE)
# A supplement named without any vitamin K: a dose unit or dosage form in the name
_SUPPLEMENT_WORDS = re.compile(
    r"\b(\d+(\.\d+)?\s*(mcg|µg|ug|mg|iu)\b|capsules?|softgels?|tablets?|multivitamin|"
    r"supplement)",
    re.IGNORECASE,
)


def left_out_reason(food: str, amount: str) -> str | None:
    """Why a diary row is no food eaten, or ``None`` (see ``amount_left_out`` and
    ``food_left_out``)."""
    return amount_left_out(amount) or food_left_out(food)


def amount_left_out(amount: str) -> str | None:
    """``not eaten`` for a zero amount (``0.00 g``: planned, not eaten), else ``None``."""
    number = _CRONOMETER_AMOUNT.match(amount)
    if number is not None and float(number["number"]) == 0:
        return f"{NOT_EATEN} (amount {amount.strip()})"
    return None


def food_left_out(food: str) -> str | None:
    """``not a food`` for a Quick Add entry (macros only) or a supplement or drug that names
    no K vitamin (``Magnesium Glycinate, 200 mg``), else ``None``: a supplement that names one
    is read, as is every other name."""
    from k2calc.wording import names_vitamin_k

    if _NO_FOOD_NAME.match(food):
        return f"{NOT_A_FOOD}: a Quick Add entry (macros only)"
    if _SUPPLEMENT_WORDS.search(food) and not names_vitamin_k(food):
        return f"{NOT_A_FOOD}: a supplement or drug without vitamin K"
    return None


def is_left_out(reason: str) -> bool:
    """True for a reason ``left_out_reason`` gives: the row is listed, never an error."""
    return reason.startswith(LEFT_OUT)


def food_text(food: str, ndb: str) -> str:
    """The food string of a row: ``ndb:NUMBER`` where an NDB number is given, else the name."""
    code = ndb.strip()
    return f"ndb:{code}" if code else food.strip()


def fndds_text(food: str, code: str) -> str:
    """The food string of a row: ``fndds:CODE`` where an FNDDS food code is given, else the
    name."""
    given = code.strip()
    return f"fndds:{given}" if given else food.strip()


def is_bare_number(text: str) -> bool:
    """True for an amount that is a number alone (``60``, ``60.0``): a count, not a weight."""
    return bool(_PLAIN_NUMBER.fullmatch(text.strip()))


def amount_text(amount: str, grams: str) -> str:
    """The amount of a row: ``N g`` where a grams value is given, else the amount. A grams
    cell that is not a plain number (``30g``) is passed on as it is, for the item parser."""
    weight = grams.strip()
    if not weight:
        return amount.strip()
    return f"{weight} g" if _PLAIN_NUMBER.fullmatch(weight) else weight


def cronometer_items(lines: Sequence[str]) -> CronometerItems | None:
    """The items of a Cronometer servings export given as lines (``1 medium Apple, Raw``),
    the days it covers and the rows left out; ``None`` when the lines are not such an export."""
    import csv

    if not lines:
        return None
    try:
        header = next(csv.reader(lines[:1]))
    except csv.Error:  # a line over the csv field limit (131,072 characters) is not a header
        return None
    if not is_cronometer(header):
        return None
    reader = csv.reader(lines[1:])
    rows = [header]
    try:
        rows.extend(reader)
    except csv.Error as exc:
        raise K2Error(f"stdin: line {reader.line_num + 1} of a Cronometer export: {exc}") from None
    where = {fold(h): i for i, h in enumerate(header)}
    day, food, amount = (where[c] for c in CRONOMETER_REQUIRED)
    export = CronometerItems([], [], [])
    for number, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        reason = left_out_reason(cells[food], cells[amount])
        if reason is not None:
            export.left_out.append(f"line {number}: '{shown(cells[food].strip())}': {reason}")
            continue
        export.items.append(f"{cronometer_amount(cells[amount])} {cells[food].strip()}".strip())
        if cells[day].strip() not in export.days:
            export.days.append(cells[day].strip())
    return export


@dataclass(frozen=True)
class CronometerItems:
    """A Cronometer export read as items: the items, the days they cover, and the rows left
    out (``line N: 'name': reason``) as no food eaten."""

    items: list[str]
    days: list[str]
    left_out: list[str]
