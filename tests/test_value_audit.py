"""Issue 21 (7): a value audit of the shipped table, independent of ``scripts/build_foods.py``.

Every K2 value of ``foods.csv`` and every source value of ``food_sources.csv`` is traced back
to the reference row it names and re-read from ``reference/`` here (this file's own readers,
not the build's); every grade is recomputed from the rules as ``reference/README.md`` (rules 10
and 11), ``reference/notes.md`` and ``curation/rules.toml`` state them; the four states, the
lower-bound marks and the bands are checked row by row. The checks are functions of the rows,
so the mutation tests at the end show that each catches a wrong value, grade, state or band.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "reference"
FORMS = ("mk4", "mk5", "mk6", "mk7", "mk8", "mk9", "mk10")
OTHER = ("mk5", "mk6", "mk8", "mk9", "mk10")
Row = dict[str, str]
Forms = dict[str, Decimal | None]


def read(path: Path, delimiter: str = ",") -> list[Row]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            {k.strip(): (v or "").strip() for k, v in r.items()}
            for r in csv.DictReader(handle, delimiter=delimiter)
        ]


RULES = tomllib.loads((ROOT / "curation" / "rules.toml").read_text(encoding="utf-8"))
SR28 = {r["ndb_no"]: r for r in read(REF / "usda" / "sr28_foods.csv")}
K2VIEWER = {r["Food items"]: r for r in read(REF / "k2viewer" / "k2_database.csv", ";")}
VALUE_FILES = {name: read(REF / name) for name in ("k2_food_values.csv", "k2_food_values_2.csv")}
FOODS = read(ROOT / "foods.csv")
EVIDENCE = read(ROOT / "food_sources.csv")


def number(text: str) -> Decimal | None:
    return None if text == "" else Decimal(text)


# ---- the reference rows, read here: (forms, unsplit total, grade) ---------------------------


def k2viewer_cell(text: str) -> Decimal | None:
    """README rule 10: ND a measured zero; NA and an empty cell not measured."""
    return Decimal(0) if text == "ND" else None if text in ("NA", "") else Decimal(text)


def k2viewer_value(name: str) -> tuple[Forms, Decimal | None, str]:
    row = K2VIEWER[name]
    forms = {f: k2viewer_cell(row[f.upper()]) for f in FORMS}
    codes = set(re.findall(r"\d+", row["References"]))
    given = sum((v for v in forms.values() if v is not None), Decimal(0))
    adds_up = abs(given - Decimal(row["Summe K2"])) <= Decimal("0.15")
    # rule 11, with codes 3 and 11 decided medium in curation/rules.toml
    medium = {"3", "4", "5", "7", "8", "9", "10", "11", "12", "13"}
    grade = "medium" if len(codes) == 1 and codes <= medium and adds_up else "low"
    return forms, None, grade


def sr28_value(ndb: str) -> tuple[Forms, Decimal | None, str]:
    row = SR28[ndb]
    n = int(row["mk4_n_data_points"] or 0)
    grade = "high" if row["mk4_deriv_cd"] == "A" and n >= 2 else "medium"  # notes.md
    return (
        {f: (Decimal(row["mk4_mcg_per_100g"]) if f == "mk4" else None) for f in FORMS},
        None,
        grade,
    )


def file_value(file: str, food: str, source_start: str) -> tuple[Forms, Decimal | None, str]:
    found = [
        r
        for r in VALUE_FILES[file]
        if r["food"] == food and r["source"].startswith(source_start.rstrip(" …"))
    ]
    assert len(found) >= 1, (file, food)
    row = found[0]
    forms = {f: number(row[f]) for f in FORMS}
    unsplit = number(row["total_k2"]) if not any(forms.values()) and row["total_k2"] else None
    if all(v is None for v in forms.values()) and row["total_k2"]:
        unsplit = Decimal(row["total_k2"])
    grade = row["confidence"]
    if grade == "high" and "abstract" in f"{row['source']} {row['note']}".lower():
        grade = "medium"  # notes.md: read via abstract or summary is medium
    return forms, unsplit, grade


def reference_value(evidence: Row) -> tuple[Forms, Decimal | None, str]:
    """The value ``evidence`` claims, re-read from the reference row its text names."""
    text = evidence["reference"]
    if evidence["source"] == "k2viewer":
        name = re.match(r"K2viewer '(.*?)': ", text)
        assert name, text
        return k2viewer_value(name.group(1))
    if evidence["source"] == "usda-sr28":
        ndb = re.match(r"SR28 (\d{5}) ", text)
        assert ndb, text
        return sr28_value(ndb.group(1))
    found = re.match(r"(k2_food_values(?:_2)?\.csv) '(.*?)': (.*)$", text)
    assert found, text
    return file_value(found.group(1), found.group(2), found.group(3)[:40])


def evidence_forms(evidence: Row) -> tuple[Forms, Decimal | None]:
    forms = {f: number(evidence[f"{f}_mcg_per_100g"]) for f in FORMS}
    return forms, number(evidence["unsplit_mk_mcg_per_100g"])


# ---- the checks (each returns its problems) --------------------------------------------------


def value_problems(evidence_rows: Iterable[Row]) -> list[str]:
    """Each source value equals its reference row, form by form, with the grade of the rules;
    a SR28 0.0 with n = 0 is never used (rule 10)."""
    problems = []
    for ev in evidence_rows:
        forms, unsplit, grade = reference_value(ev)
        got_forms, got_unsplit = evidence_forms(ev)
        where = f"{ev['food']} / {ev['source']}"
        if got_forms != forms or got_unsplit != unsplit:
            problems.append(f"{where}: {got_forms} {got_unsplit} != reference {forms} {unsplit}")
        if ev["grade"] != grade:
            problems.append(f"{where}: grade {ev['grade']} != {grade} by the rules")
        imputed = ev["source"] == "usda-sr28" and forms["mk4"] == 0 and " n=0," in ev["reference"]
        if imputed and ev["role"] != "retired":
            problems.append(f"{where}: an imputed SR28 zero is {ev['role']}, not retired")
    return problems


def row_problems(food_rows: Iterable[Row], evidence_rows: Iterable[Row]) -> list[str]:
    """Each row serves its primary value's forms and grade, marks the forms its primary did
    not analyse, keeps the band to values of the primary's kind, and is a state of four."""
    by_food: dict[str, list[Row]] = {}
    for ev in evidence_rows:
        by_food.setdefault(ev["food"], []).append(ev)
    groups, words = RULES["inferred_zero"]["sr28_groups"], RULES["inferred_zero"]["exclude_words"]
    problems = []
    for row in food_rows:
        name = row["name"]
        if row.get("fndds_codes") and not row["ndb_no"]:
            continue  # an FNDDS dish: computed from its ingredients (tests/test_fndds.py)
        cells = [number(row[f"{c}_mcg_per_100g"]) for c in ("mk4", "mk7", "other_mk", "unsplit_mk")]
        values = by_food.get(name, [])
        primary = [v for v in values if v["role"] == "primary"]
        if row["confidence"] == "inferred":
            sr28 = SR28.get(row["ndb_no"])
            text = f"{sr28['long_desc'] if sr28 else ''} {row['name']} {row['aliases']}"
            said = f" {' '.join(re.findall(r'[a-z]+', text.lower()))} "
            if (
                sr28 is None
                or primary
                or sr28["food_group"] not in groups
                or any(f" {w} " in said for w in words)
                or cells != [Decimal(0), Decimal(0), Decimal(0), None]
            ):
                problems.append(f"{name}: an inferred zero outside the cited rule")
            continue
        if not primary:
            if any(c is not None for c in cells) or row["confidence"]:
                problems.append(f"{name}: a value with no primary source")
            continue
        if len(primary) != 1:
            problems.append(f"{name}: {len(primary)} primary values")
            continue
        forms, unsplit = evidence_forms(primary[0])
        found = [part for f in OTHER if (part := forms[f]) is not None]
        other = sum(found, Decimal(0)) if found else None
        if cells != [forms["mk4"], forms["mk7"], other, unsplit]:
            problems.append(f"{name}: served {cells}, primary {forms} {unsplit}")
        if row["confidence"] != primary[0]["grade"]:
            problems.append(f"{name}: grade {row['confidence']} != primary's")
        missing = [] if unsplit is not None else [f for f in FORMS if forms[f] is None]
        if row["forms_not_measured"] != ";".join(missing):
            problems.append(f"{name}: forms_not_measured {row['forms_not_measured']!r}")

        def complete(v: Row) -> bool:
            got, whole = evidence_forms(v)
            return whole is not None or None not in got.values()

        for v in values:
            total = Decimal(v["total_mcg_per_100g"])
            if v["role"] == "band":
                if complete(v) != complete(primary[0]):
                    problems.append(f"{name}: band mixes {v['source']} with the primary's kind")
                low, high = number(row["low_mcg_per_100g"]), number(row["high_mcg_per_100g"])
                if (low is not None and total < low) or (high is not None and total > high):
                    problems.append(f"{name}: {v['source']} {total} outside its band")
            if v["role"] == "outside-band" and complete(v) == complete(primary[0]):
                problems.append(f"{name}: {v['source']} left out of a band of its kind")
    return problems


# ---- the audit -------------------------------------------------------------------------------


def test_every_source_value_is_its_reference_row_and_graded_by_the_rules() -> None:
    assert len(EVIDENCE) > 700
    assert value_problems(EVIDENCE) == []


def test_every_row_serves_its_primary_in_one_of_four_states() -> None:
    assert row_problems(FOODS, EVIDENCE) == []
    states = {"measured": 0, "measured zero": 0, "inferred zero": 0, "not measured": 0}
    for row in FOODS:
        cells = [number(row[f"{c}_mcg_per_100g"]) for c in ("mk4", "mk7", "other_mk", "unsplit_mk")]
        known = [c for c in cells if c is not None]
        state = (
            "inferred zero"
            if row["confidence"] == "inferred"
            else "not measured"
            if not known
            else "measured zero"
            if sum(known) == 0
            else "measured"
        )
        states[state] += 1
    assert all(states.values()), states  # every state occurs, and each row is exactly one
    assert sum(states.values()) == len(FOODS)


def test_rule_10_imputed_sr28_zeros_are_not_measured() -> None:
    imputed = [
        ndb
        for ndb, r in SR28.items()
        if r["mk4_mcg_per_100g"] == "0.0" and r["mk4_n_data_points"] in ("", "0")
    ]
    assert len(imputed) >= 30  # halibut, scallop, hams, snack bars… (review 1.2 a)
    by_ndb = {r["ndb_no"]: r for r in FOODS if r["ndb_no"]}
    served_by = {(e["food"], e["source"]) for e in EVIDENCE if e["role"] == "primary"}
    for ndb in imputed:
        row = by_ndb[ndb]
        # never served: the food is not measured, inferred, or served by a study (cod)
        assert (row["name"], "usda-sr28") not in served_by, row["name"]
        if (row["mk4_mcg_per_100g"], row["confidence"]) != ("", ""):
            assert row["confidence"] == "inferred" or any(
                food == row["name"] for food, _ in served_by
            ), row["name"]


def test_the_inferred_zero_rule_cites_what_k2viewer_measured() -> None:
    rule = RULES["inferred_zero"]
    cited = rule["cited_rows"]
    assert len(cited) == 24 == len(set(cited))
    all_nd = 0
    for name in cited:
        row = K2VIEWER[name]
        assert row["Category main B"] != "Fermented food", name
        analysed = [row[f.upper()] for f in FORMS if row[f.upper()] not in ("NA", "")]
        assert analysed, name
        all_nd += all(cell == "ND" or Decimal(cell) == 0 for cell in analysed)
    assert all_nd == rule["cited_all_nd"] == 20
    assert "24" in rule["because"] and "20" in rule["because"]
    # never a fermented food, whatever its group
    fermented = ("natto", "miso", "tempeh", "sauerkraut", "kimchi", "soy sauce", "pickle")
    for row in FOODS:
        if row["confidence"] == "inferred":
            text = f"{row['name']} {row['aliases']}".lower()
            assert not any(word in text for word in fermented), row["name"]


def test_named_foods_of_the_review() -> None:
    rows = {r["name"]: r for r in FOODS}
    # cheddar: MK-4 measured (8.5), not "not measured"; no high grade from an abstract
    assert rows["cheddar"]["mk4_mcg_per_100g"] == "8.5"
    for name in ("natto", "chicken leg"):
        assert rows[name]["confidence"] == "medium", name
    # all-form values served where the MK-4-only ones were (review 1.3, 8)
    for name, total in (
        ("cottage cheese", "23.7"),
        ("mozzarella", "61.4"),
        ("cream cheese", "44.8"),
    ):
        cells = [rows[name][f"{c}_mcg_per_100g"] for c in ("mk4", "mk7", "other_mk")]
        assert str(sum(Decimal(c) for c in cells)) == total, name
    # unsupported rows retired: not measured
    for name in ("beef liver", "pork chop"):
        assert rows[name]["mk4_mcg_per_100g"] == rows[name]["confidence"] == "", name
    assert Decimal(rows["egg yolk"]["mk4_mcg_per_100g"]) <= 40  # below WAPF's bound
    # emmental's band is no longer Hojo's MK-9(4H)
    assert (rows["emmental"]["low_mcg_per_100g"], rows["emmental"]["high_mcg_per_100g"]) == ("", "")
    # a total with forms not analysed carries the lower-bound mark (kefir: MK-10 NA)
    assert rows["kefir"]["forms_not_measured"] == "mk10"


# ---- mutations: each check catches a wrong table ---------------------------------------------


def mutated(rows: list[Row], name: str, **changes: str) -> list[Row]:
    return [{**r, **changes} if r["name"] == name else r for r in rows]


def mutated_evidence(food: str, source: str, **changes: str) -> list[Row]:
    return [{**r, **changes} if (r["food"], r["source"]) == (food, source) else r for r in EVIDENCE]


MUTATIONS: list[tuple[str, Callable[[], list[str]]]] = [
    (
        "a value",
        lambda: row_problems(mutated(FOODS, "kefir", other_mk_mcg_per_100g="8.5"), EVIDENCE),
    ),
    ("a grade", lambda: row_problems(mutated(FOODS, "edam", confidence="low"), EVIDENCE)),
    ("a mark", lambda: row_problems(mutated(FOODS, "kefir", forms_not_measured=""), EVIDENCE)),
    (
        "an inferred fermented food",
        lambda: row_problems(
            mutated(FOODS, "sauerkraut", mk4_mcg_per_100g="0", confidence="inferred"), EVIDENCE
        ),
    ),
    (
        "a not-measured zero",
        lambda: row_problems(mutated(FOODS, "halibut", mk4_mcg_per_100g="0.0"), EVIDENCE),
    ),
    (
        "a source value",
        lambda: value_problems(mutated_evidence("natto", "kamao-2007", mk7_mcg_per_100g="940")),
    ),
    (
        "a source grade",
        lambda: value_problems(mutated_evidence("natto", "kamao-2007", grade="high")),
    ),
    (
        "a band",
        lambda: row_problems(mutated(FOODS, "gouda", low_mcg_per_100g="48"), EVIDENCE),
    ),
]


@pytest.mark.parametrize(("what", "check"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_the_audit_catches(what: str, check: Callable[[], list[str]]) -> None:
    assert check(), f"{what} changed, yet the audit found nothing"


# ---- one example per grading rule, typed from its reference row ------------------------------

GRADE_EXAMPLES = [
    # (food, source, a text of its reference, grade, the rule)
    ("butter", "usda-sr28", "SR28 01002", "high", "SR28 analytical (A) with n = 4 >= 2"),
    ("chicken thigh", "usda-sr28", "SR28 05345", "medium", "SR28 analytical with n = 1"),
    ("shrimp", "usda-sr28", "SR28 15151", "medium", "SR28 calculated (RA), n = 0, not zero"),
    ("natto", "kamao-2007", "'Natto'", "medium", "high in its file, read from the abstract"),
    ("cheddar", "dunlop-2022", "'Cheddar cheese (Australia)'", "medium", "abstract: medium"),
    ("chicken leg", "dunlop-2022", "'Chicken leg meat (Australia)'", "medium", "abstract"),
    ("edam", "k2viewer", "'Edam'", "medium", "code 11 alone (Vermeer 2018), adds up"),
    ("kefir", "k2viewer", "'Kefir'", "medium", "code 10 alone, adds up"),
    ("brie", "k2viewer", "'Brie'", "low", "merged row (codes 1; 5; 8)"),
    ("tempeh", "k2viewer", "'Tempeh'", "low", "code 6: unpublished own analysis"),
    ("pork chop", "k2viewer", "'Chops'", "low", "code 1: doubtful attribution"),
    ("egg", "usda-sr28", "SR28 01132", "medium", "SR28 recipe-calculated scrambled egg"),
]


@pytest.mark.parametrize(("food", "source", "reference", "grade", "rule"), GRADE_EXAMPLES)
def test_each_grading_rule(food: str, source: str, reference: str, grade: str, rule: str) -> None:
    found = [
        e
        for e in EVIDENCE
        if e["food"] == food and e["source"] == source and reference in e["reference"]
    ]
    assert found, (food, source)
    assert {e["grade"] for e in found} == {grade}, rule


def test_an_imputed_sr28_zero_is_listed_retired_never_used() -> None:
    # SR28 15037 halibut: MK-4 0.0, n = 0, derivation RA (README rule 10: not a measurement)
    [halibut] = [e for e in EVIDENCE if e["reference"].startswith("SR28 15037 ")]
    assert (halibut["role"], halibut["mk4_mcg_per_100g"]) == ("retired", "0")
    assert "rule 10" in halibut["retired_because"]
