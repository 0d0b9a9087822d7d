"""Checks on foods.csv against the reference data it is built from (reads only repo files)."""

from __future__ import annotations

import csv
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from k2calc.foods import TABLE_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
FOODS = ROOT / "foods.csv"
SR28 = ROOT / "reference" / "usda" / "sr28_mk4.csv"
K2 = ROOT / "reference" / "k2_food_values.csv"
DOC = ROOT / "docs" / "data-sources.md"

HEADER = list(TABLE_COLUMNS)
NUMERIC = HEADER[4:10]
FORMS = ("mk4_mcg_per_100g", "mk7_mcg_per_100g", "other_mk_mcg_per_100g")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return read_csv(FOODS)


@pytest.fixture(scope="module")
def sr28() -> dict[str, dict[str, str]]:
    return {r["ndb_no"]: r for r in read_csv(SR28)}


def by_name(rows: list[dict[str, str]], name: str) -> dict[str, str]:
    found = [r for r in rows if r["name"] == name]
    assert len(found) == 1, name
    return found[0]


def k2_line(line: int) -> dict[str, str]:
    with K2.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for row in reader:
            if reader.line_num == line:
                return row
    raise AssertionError(line)


def measures(row: dict[str, str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in row["measures"].split(";") if row["measures"] else []:
        key, _, grams = part.partition("=")
        assert key not in out, (row["name"], key)
        out[key] = float(grams)
    return out


def fold(s: str) -> str:
    words = re.split(r"(\W+)", s.lower().strip())
    return "".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def point_total(row: dict[str, str]) -> float | None:
    """The known total: the total column, or the sum of the forms when none is empty."""
    if row["total_mcg_per_100g"]:
        return float(row["total_mcg_per_100g"])
    if all(row[c] for c in FORMS):
        return sum(float(row[c]) for c in FORMS)
    return None


def test_build_check_passes() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_foods.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_header_exact() -> None:
    with FOODS.open(newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == HEADER


def test_every_sr28_food_once_with_its_mk4(
    rows: list[dict[str, str]], sr28: dict[str, dict[str, str]]
) -> None:
    ndbs = [r["ndb_no"] for r in rows if r["ndb_no"]]
    assert len(ndbs) == len(set(ndbs)) == 588
    assert set(ndbs) == set(sr28)
    for r in rows:
        if r["ndb_no"]:
            assert re.fullmatch(r"\d{5}", r["ndb_no"])
            assert r["mk4_mcg_per_100g"] == sr28[r["ndb_no"]]["mk4_mcg_per_100g"], r["name"]
            # USDA measured MK-4 only: the other form columns stay "not measured"
            assert r["mk7_mcg_per_100g"] == ""
            assert r["total_mcg_per_100g"] == ""


def test_names_and_aliases_unique(rows: list[dict[str, str]]) -> None:
    seen: dict[str, str] = {}
    for r in rows:
        name = r["name"]
        assert name and name == name.lower() and ";" not in name and not name[0].isdigit(), name
        words = [name] + (list(r["aliases"].split(";")) if r["aliases"] else [])
        for w in words:
            assert w and w == w.lower(), (name, w)
            key = fold(w)
            assert key not in seen, f"{w!r} of {name!r} clashes with {seen[key]!r}"
            seen[key] = name


def test_no_generic_alias(rows: list[dict[str, str]]) -> None:
    generic = {"chicken", "cheese", "beef", "pork", "fish", "turkey", "sausage", "meat", "oil"}
    for r in rows:
        names = {r["name"], *(r["aliases"].split(";") if r["aliases"] else [])}
        assert not generic & names, r["name"]


def test_numbers_finite_nonnegative_and_bands(rows: list[dict[str, str]]) -> None:
    for r in rows:
        for c in NUMERIC:
            if r[c]:
                v = float(r[c])
                assert math.isfinite(v) and v >= 0, (r["name"], c)
        lo, hi = r["low_mcg_per_100g"], r["high_mcg_per_100g"]
        if lo and hi:
            assert float(lo) <= float(hi), r["name"]
        p = point_total(r)
        if p is not None:
            if lo:
                assert float(lo) <= p + 1e-9, r["name"]
            if hi:
                assert p <= float(hi) + 1e-9, r["name"]
        # a partial sum is a lower bound: it must not exceed the band's top either
        forms = [float(r[c]) for c in FORMS if r[c]]
        if forms and hi:
            assert sum(forms) <= float(hi) + 1e-9, r["name"]


def test_total_only_when_forms_empty(rows: list[dict[str, str]]) -> None:
    for r in rows:
        if r["total_mcg_per_100g"]:
            assert not any(r[c] for c in FORMS), r["name"]


def test_every_row_has_a_point_value(rows: list[dict[str, str]]) -> None:
    for r in rows:
        assert any(r[c] for c in (*FORMS, "total_mcg_per_100g")), r["name"]


def test_measures_well_formed(rows: list[dict[str, str]]) -> None:
    for r in rows:
        m = measures(r)
        for key, grams in m.items():
            assert re.fullmatch(r"[a-z]+( [a-z]+)?", key), (r["name"], key)
            assert key not in {"oz", "lb", "tablespoon", "teaspoon", "cups"}, (r["name"], key)
            assert grams > 0, (r["name"], key)


def test_sources_defined_in_docs(rows: list[dict[str, str]]) -> None:
    doc = DOC.read_text(encoding="utf-8")
    keys = {k for r in rows for k in r["sources"].split(";")}
    assert "" not in keys
    for k in sorted(keys):
        assert f"`{k}`" in doc, f"source key {k} not defined in docs/data-sources.md"


def test_categories_small_fixed_set(rows: list[dict[str, str]]) -> None:
    allowed = {
        "cheese",
        "dairy",
        "egg",
        "poultry",
        "beef",
        "pork",
        "lamb",
        "processed-meat",
        "offal",
        "fish",
        "fat",
        "fermented",
        "baby-food",
        "restaurant",
        "fast-food",
        "baked",
        "vegetable",
        "fruit",
        "grain",
        "snack",
        "sweet",
        "soup",
        "meal",
        "beverage",
        "nut",
        "legume",
        "spice",
        "game",
    }
    assert {r["category"] for r in rows} <= allowed


def test_at_least_60_friendly(rows: list[dict[str, str]], sr28: dict[str, dict[str, str]]) -> None:
    usda_names = {v["long_desc"].lower().replace(";", ",") for v in sr28.values()}
    friendly = [r for r in rows if r["name"] not in usda_names]
    assert len(friendly) >= 60


def test_renamed_usda_rows_keep_long_desc_as_alias(
    rows: list[dict[str, str]], sr28: dict[str, dict[str, str]]
) -> None:
    for r in rows:
        if r["ndb_no"]:
            desc = sr28[r["ndb_no"]]["long_desc"].lower().replace(";", ",")
            assert r["name"] == desc or desc in r["aliases"].split(";"), r["name"]


def test_spot_natto(rows: list[dict[str, str]]) -> None:
    natto = by_name(rows, "natto")
    kamao = k2_line(2)
    assert kamao["source"].startswith("Kamao")
    assert natto["mk7_mcg_per_100g"] == kamao["mk7"] == "939"
    assert natto["mk4_mcg_per_100g"] == ""  # not given by Kamao: not measured, not zero
    m = measures(natto)
    assert m["cup"] == 175
    assert "tbsp" not in m  # the only natto tbsp in reference/ is DERIVED
    assert "150" not in natto["total_mcg_per_100g"]


def test_spot_egg_yolk_and_egg(rows: list[dict[str, str]], sr28: dict[str, dict[str, str]]) -> None:
    yolk = by_name(rows, "egg yolk")
    assert measures(yolk)["each"] == 17
    assert yolk["mk4_mcg_per_100g"] == k2_line(85)["mk4"] == "31"
    assert yolk["high_mcg_per_100g"] == "40"
    egg = by_name(rows, "egg")  # proxy value from scrambled egg, raw egg's own measures
    assert egg["ndb_no"] == ""
    assert egg["mk4_mcg_per_100g"] == sr28["01132"]["mk4_mcg_per_100g"]
    assert measures(egg)["each"] == 50  # USDA 01123: 1 large raw egg = 50 g
    assert "cup" not in measures(egg)
    scrambled = by_name(rows, "scrambled egg")
    assert scrambled["ndb_no"] == "01132"
    assert measures(scrambled)["each"] == 61


def test_spot_cheeses(rows: list[dict[str, str]]) -> None:
    gouda = by_name(rows, "gouda")
    assert gouda["total_mcg_per_100g"] == k2_line(16)["total_k2"] == "47.3"
    assert measures(gouda) == {"package": 198}  # no borrowed cheddar slice
    cheddar = by_name(rows, "cheddar")
    dunlop = k2_line(42)
    assert float(cheddar["other_mk_mcg_per_100g"]) == pytest.approx(
        float(dunlop["mk5"]) + float(dunlop["mk8"]) + float(dunlop["mk9"])
    )
    assert cheddar["mk7_mcg_per_100g"] == ""


def test_spot_butter(rows: list[dict[str, str]], sr28: dict[str, dict[str, str]]) -> None:
    butter = by_name(rows, "butter")
    assert butter["ndb_no"] == ""
    assert butter["mk4_mcg_per_100g"] == sr28["01002"]["mk4_mcg_per_100g"]
    assert measures(butter)["tbsp"] == 14.2
    whipped = by_name(rows, "whipped butter")
    assert whipped["ndb_no"] == "01002"
    assert measures(whipped)["tbsp"] == 9.4


def test_rule6_values_never_used(rows: list[dict[str, str]]) -> None:
    """Fu totals, Danish PKeq and Koivu-Tikkanen totals never appear as a row's value."""
    excluded: set[str] = set()
    for r in read_csv(K2):
        src = r["source"]
        if src.startswith("Fu X") or "Danes" in src or src.startswith("Koivu"):
            for c in ("total_k2", "low", "high"):
                if r[c]:
                    excluded.add(r[c])
    assert excluded
    for r in rows:
        # Fu: US dairy; Danish PKeq: chicken thigh, Danablue; Koivu-Tikkanen: chicken meat
        if r["ndb_no"] or r["category"] not in {"cheese", "dairy", "poultry"}:
            continue
        for c in NUMERIC:
            assert r[c] not in excluded or r[c] == "", (r["name"], c, r[c])


def test_every_source_key_has_a_shipped_citation(rows: list[dict[str, str]]) -> None:
    with (ROOT / "sources.csv").open(encoding="utf-8", newline="") as handle:
        cited = {r["key"]: r["citation"] for r in csv.DictReader(handle)}
    used = {key for r in rows for key in r["sources"].split(";") if key}
    assert used <= set(cited), used - set(cited)
    assert all(len(c) > 20 for c in cited.values())
    doc = (ROOT / "docs" / "data-sources.md").read_text(encoding="utf-8")
    assert all(f"### `{key}`" in doc for key in cited)
