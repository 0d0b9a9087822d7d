"""What people write, put into the plain ``AMOUNT [UNIT] FOOD`` form the parser reads.

* spoken amounts: ``half a pint of milk`` → ``1/2 pint of milk``, ``an apple`` → ``1 apple``;
* app lines: MyFitnessPal's ``Eggs - Large, 2 egg`` → ``2 egg Eggs, Large``;
* supplements: ``1 softgel mk-7 100mcg``, ``MenaQ7 90mcg``, ``K2 (MK-4) 1 mg``,
  ``3 drops K2 MK-7 (100 mcg per drop)`` → the dose of one form (``300 mcg mk-7``). A "K2"
  with no form named is ``k2`` (form not given), never MK-7; a product naming several forms,
  or a K vitamin with no dose, is an error.
"""

from __future__ import annotations

import re
from dataclasses import replace

from k2calc.errors import ItemParseError, K2Error, UnitError
from k2calc.foods import SUPPLEMENTS, Food

_SPOKEN = re.compile(r"^\s*(?:(half|quarter)\s+(?:an?\s+)?|(an?|one)\s+)(?=\S)", re.IGNORECASE)
_SPOKEN_VALUES = {"half": "1/2", "quarter": "1/4", "a": "1", "an": "1", "one": "1"}
# "Food - Detail, 2 egg": a name, a dash, details, then the amount after the last comma.
_APP_LINE = re.compile(r"^(?P<food>[^,\d][^,]*?)\s+-\s+(?P<detail>[^,]*),\s*(?P<amount>\d.*)$")
# "Natto, 1 container (50g)": a name, then a serving whose weight is given in brackets.
_WEIGHED_LINE = re.compile(
    r"^(?P<food>[^,\d][^,]*),\s*(?P<amount>\d[^,(]*\(\s*\d+(?:\.\d+)?\s*(?:g|oz|ml)\s*\))\s*$",
    re.IGNORECASE,
)
_FORMS = (
    ("mk-7", re.compile(r"\bmk[\s-]?7\b|menaq7|menaquinone[\s-]?7|\bmk7\b")),
    ("mk-4", re.compile(r"\bmk[\s-]?4\b|menatetrenone|menaquinone[\s-]?4")),
    ("k1", re.compile(r"\bk[\s-]?1\b|phylloquinone|phytonadione|phytomenadione")),
    ("k2", re.compile(r"\bk[\s-]?2\b|menaquinone")),
)
_DOSE = re.compile(r"(?<![\w.+-])(\d+(?:\.\d+)?)\s*(mcg|µg|μg|ug|mg)\b")
# "100 mcg mk-7", "1e-3 mg mk-4": already an item's plain form, read as written or refused
_PLAIN_DOSE = re.compile(r"^\s*[\d.]+(?:e[-+]?\d+)?\s*(?:mcg|µg|μg|ug|mg|g|microgram|milligram)")
_UNITS_OF_PRODUCT = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(softgels?|capsules?|caps?|tablets?|tabs?|drops?|gummies|gummy|"
    r"pills?|sprays?|lozenges?)\b"
)
_MCG_PER = {"mcg": 1.0, "µg": 1.0, "μg": 1.0, "ug": 1.0, "mg": 1000.0}


def reword(text: str) -> str:
    """``text`` in the plain item form, or unchanged when it already is (or is no known form)."""
    supplement = supplement_item(text)
    if supplement is not None:
        return supplement
    app = _APP_LINE.match(text.strip())
    if app is not None:
        return _app_item(app["food"], app["detail"], app["amount"])
    weighed = _WEIGHED_LINE.match(text.strip())
    if weighed is not None:
        return _app_item(weighed["food"], "", weighed["amount"])
    spoken = _SPOKEN.match(text)
    if spoken is not None:
        word = (spoken.group(1) or spoken.group(2)).lower()
        return f"{_SPOKEN_VALUES[word]} {text[spoken.end() :]}"
    return text


_MASS_NOTE = re.compile(r"\((\d+(?:\.\d+)?\s*(?:g|oz|ml))\)", re.IGNORECASE)


def _app_item(food: str, detail: str, amount: str) -> str:
    """An app's ``Food - Detail, AMOUNT SERVING`` as ``AMOUNT [SERVING] Food, Detail``.

    A weight in brackets is the amount (``1 container (50g)`` → ``50g``); other remarks in
    brackets go (``1 medium (7" to 7-7/8" long)``); a serving named by the food's own noun
    is a count of it (``2 egg`` of ``Eggs`` → ``2 Eggs``).
    """
    name = f"{food}, {detail}" if detail else food
    mass = _MASS_NOTE.search(amount)
    if mass is not None:
        return f"{mass.group(1)} {name}"
    amount = re.sub(r"\(.*?\)|\(.*$", "", amount).strip()
    number, _, serving = amount.partition(" ")
    noun = food.split()[0].lower().rstrip("s")
    if serving.lower().rstrip("s") == noun:
        serving = ""
    return " ".join(part for part in (number, serving, name) if part)


def _form(lowered: str) -> tuple[str, int] | None:
    """The vitamin K form an item names and where, the most specific first."""
    found = [(name, m.start()) for name, pattern in _FORMS if (m := pattern.search(lowered))]
    if not found:
        return None
    named = {name for name, _ in found}
    if {"mk-7", "mk-4"} <= named:
        raise ItemParseError(
            f"'{lowered}' names both MK-4 and MK-7: log each form with its own dose, "
            "e.g. '100 mcg mk-7' and '1 mg mk-4'"
        )
    return found[0]


def supplement_item(text: str) -> str | None:
    """A vitamin K supplement as ``DOSE mcg FORM``, or None when ``text`` names no K vitamin.

    The dose is the one nearest the form's name when several are given (``D3 25 mcg + K2
    100 mcg``); a count of softgels, capsules or drops multiplies it (a dose per unit).
    """
    lowered = " ".join(text.lower().split())
    form = _form(lowered)
    if form is None or _PLAIN_DOSE.match(lowered):
        return None
    name, where = form
    doses = list(_DOSE.finditer(lowered))
    if not doses:
        raise UnitError(
            f"no dose in '{text.strip()}'; give the vitamin K in mcg or mg per unit, "
            f"e.g. '1 softgel {name} 100 mcg' or '100 mcg {name}'",
            name,
        )
    dose = min(doses, key=lambda m: abs(m.start() - where))
    mcg = float(dose.group(1)) * _MCG_PER[dose.group(2)]
    count = _UNITS_OF_PRODUCT.match(lowered)
    if count is not None:
        mcg *= float(count.group(1))
    return f"{mcg:g} mcg {name}"


def names_vitamin_k(text: str) -> bool:
    """True when ``text`` names a form of vitamin K (MK-7, MK-4, K1, K2, menaquinone…)."""
    lowered = " ".join(text.lower().split())
    return any(pattern.search(lowered) for _, pattern in _FORMS)


# The units a supplement is counted in, each one dose of it.
_DOSE_UNITS = ("each", "capsule", "softgel", "tablet", "drop", "gummy", "serving", "pill", "tab")


def supplement_food(name: str) -> Food | None:
    """A supplement named with its dose per unit (``NOW Foods, MK-7 Vitamin K-2, 100 mcg``) as a
    food whose every count unit (``1 capsule``, ``2 each``) is that dose of that form; ``None``
    when the name gives no K vitamin with a dose."""
    dose = dose_of(name)
    if dose is None:
        return None
    mcg, form = dose
    base = next(food for food in SUPPLEMENTS if food.name == form)
    return replace(
        base,
        name=name.strip(),
        aliases=(),
        measures=dict.fromkeys(_DOSE_UNITS, mcg * 1e-6),
        note=f"{base.note} Read from its name: {mcg:g} mcg of {form} a unit.",
    )


def dose_of(name: str) -> tuple[float, str] | None:
    """The dose (mcg) and form (``mk-7``, ``mk-4``, ``k1``, ``k2``) a supplement's name gives,
    or ``None`` where it gives no K vitamin with a dose, or two forms."""
    try:
        item = supplement_item(name)
    except K2Error:
        return None
    if item is None:
        return None
    mcg_text, _, form = item.partition(" mcg ")
    return float(mcg_text), form
