"""foods.csv against the reference data it is built from, and the build's failure modes."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from helpers import load_build_script

from k2calc.foods import TABLE_COLUMNS, fold_key

ROOT = Path(__file__).resolve().parent.parent
FOODS = ROOT / "foods.csv"
SR28 = ROOT / "reference" / "usda" / "sr28_foods.csv"
K2 = ROOT / "reference" / "k2_food_values.csv"
CURATION = ROOT / "curation"
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


def measures(row: dict[str, str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in row["measures"].split(";") if row["measures"] else []:
        key, _, grams = part.partition("=")
        assert key not in out, (row["name"], key)
        out[key] = float(grams)
    return out


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
        assert next(csv.reader(f)) == list(TABLE_COLUMNS)


def test_every_sr28_food_once_with_its_mk4_and_k1(
    rows: list[dict[str, str]], sr28: dict[str, dict[str, str]]
) -> None:
    ndbs = [r["ndb_no"] for r in rows if r["ndb_no"]]
    assert len(ndbs) == len(set(ndbs)) == len(sr28) == 8789
    with (CURATION / "foods.toml").open("rb") as handle:
        studied = tomllib.load(handle)["food"]
    # a curated food's primary value may come from a study instead of its own SR28 MK-4
    values_from_studies = {e["ndb"] for e in studied if "ndb" in e}
    with (CURATION / "sr28_values.toml").open("rb") as handle:
        values_from_studies |= {e["ndb"] for e in tomllib.load(handle)["food"]}
    for r in rows:
        if not r["ndb_no"]:
            continue
        usda = sr28[r["ndb_no"]]
        # four states kept: a value, a recorded 0.0 (n >= 1), no record or a 0.0 with n = 0
        # (empty: not measured), and the plant rule's inferred 0 where USDA has no record
        assert r["k1_mcg_per_100g"] == usda["k1_mcg_per_100g"], r["name"]
        if r["ndb_no"] in values_from_studies:
            continue
        imputed = usda["mk4_mcg_per_100g"] == "0.0" and usda["mk4_n_data_points"] in ("", "0")
        if r["confidence"] == "inferred":
            assert (usda["mk4_mcg_per_100g"] == "" or imputed, r["mk4_mcg_per_100g"]) == (
                True,
                "0",
            ), r["name"]
        elif imputed:
            assert r["mk4_mcg_per_100g"] == "", r["name"]
        else:
            assert r["mk4_mcg_per_100g"] == usda["mk4_mcg_per_100g"], r["name"]


def test_zero_and_not_measured_stay_apart(rows: list[dict[str, str]]) -> None:
    # SR28 11135 cauliflower, raw has an MK-4 record of 0.0 (n=4); 11233 kale, raw has none.
    by_ndb = {r["ndb_no"]: r for r in rows if r["ndb_no"]}
    assert by_ndb["11135"]["mk4_mcg_per_100g"] == "0.0"
    # 11233 kale, raw has no SR28 MK-4 record, but K2viewer's Kale row (Schurgers 2000) has
    # MK-4 to MK-9 ND (a measured zero) and MK-10 NA (not measured: a lower bound)
    assert by_ndb["11233"]["mk4_mcg_per_100g"] == "0"
    assert by_ndb["11233"]["confidence"] == "medium"
    assert by_ndb["11233"]["forms_not_measured"] == "mk10"
    assert by_ndb["11233"]["k1_mcg_per_100g"] == "704.8"
    # 11124 carrots, raw: no record and no study: the plant rule's inferred 0
    assert (by_ndb["11124"]["mk4_mcg_per_100g"], by_ndb["11124"]["confidence"]) == (
        "0",
        "inferred",
    )
    # 15037 halibut: SR28 MK-4 0.0 with n = 0 (derivation RA) is not a measurement
    assert by_ndb["15037"]["mk4_mcg_per_100g"] == by_ndb["15037"]["confidence"] == ""


def test_names_and_aliases_unique(rows: list[dict[str, str]]) -> None:
    seen: dict[str, str] = {}
    for r in rows:
        name = r["name"]
        assert name and not name[0].isdigit() and ";" not in name, name
        for label in {name, *filter(None, r["aliases"].split(";"))}:
            key = fold_key(label)
            assert seen.get(key, name) == name, f"{label!r} of {name!r} is also {seen[key]!r}"
            seen[key] = name


def test_at_least_500_friendly_names_on_plain_foods(
    rows: list[dict[str, str]], sr28: dict[str, dict[str, str]]
) -> None:
    names = read_csv(CURATION / "names.csv")
    assert len(names) >= 500
    for line in names:
        usda = sr28[line["ndb_no"]]
        assert usda["food_group"] != "Baby Foods", line["name"]
        if usda["food_group"] in ("Restaurant Foods", "Fast Foods"):
            assert line["note"], f"{line['name']}: a restaurant row needs a note saying why"
    friendly = [r for r in rows if r["aliases"]]
    assert len(friendly) >= 500


def test_renamed_usda_rows_keep_long_desc_as_alias(
    rows: list[dict[str, str]], sr28: dict[str, dict[str, str]]
) -> None:
    for r in rows:
        if r["ndb_no"]:
            desc = " ".join(sr28[r["ndb_no"]]["long_desc"].lower().replace(";", ",").split())
            assert r["name"] == desc or desc in r["aliases"].split(";"), r["name"]


def test_numbers_finite_nonnegative_and_bands(rows: list[dict[str, str]]) -> None:
    for r in rows:
        values = {c: float(r[c]) for c in TABLE_COLUMNS[4:11] if r[c]}
        assert all(0 <= v < 1e6 for v in values.values()), r["name"]
        if "unsplit_mk_mcg_per_100g" in values:
            assert not any(r[c] for c in FORMS), r["name"]  # a source's unsplit total only
        if "low_mcg_per_100g" in values and "high_mcg_per_100g" in values:
            assert values["low_mcg_per_100g"] <= values["high_mcg_per_100g"], r["name"]


def test_spot_values_from_their_reference_rows(
    rows: list[dict[str, str]], sr28: dict[str, dict[str, str]]
) -> None:
    natto = by_name(rows, "natto")
    assert natto["ndb_no"] == "16113"
    assert natto["mk7_mcg_per_100g"] == "939"  # Kamao 2007
    assert natto["mk4_mcg_per_100g"] == ""  # not given by Kamao: not measured, not zero
    assert natto["k1_mcg_per_100g"] == "23.1"  # USDA 16113
    assert measures(natto)["cup"] == 175
    gouda = by_name(rows, "gouda")
    assert gouda["unsplit_mk_mcg_per_100g"] == "47.3"  # Vermeer 2018, 4 weeks
    assert (gouda["low_mcg_per_100g"], gouda["high_mcg_per_100g"]) == ("32", "90")
    cheddar = by_name(rows, "cheddar")
    # K2viewer 'Cheddar (full fat)', every form: MK-4 8.5, MK-7 0.9, other 0.5 + 0.4 + 4.4 +
    # 12.7 + 14.3; USDA's MK-4 8.6 covers one form: outside the band of totals
    assert cheddar["mk4_mcg_per_100g"] == "8.5"
    assert cheddar["other_mk_mcg_per_100g"] == "32.3"
    assert cheddar["low_mcg_per_100g"] == ""
    spinach = by_name(rows, "spinach")
    assert spinach["ndb_no"] == "11457"
    assert spinach["k1_mcg_per_100g"] == "482.9"
    olive_oil = by_name(rows, "olive oil")
    assert olive_oil["k1_mcg_per_100g"] == sr28[olive_oil["ndb_no"]]["k1_mcg_per_100g"] == "60.2"


def test_every_source_key_has_a_shipped_citation(rows: list[dict[str, str]]) -> None:
    with (ROOT / "sources.csv").open(encoding="utf-8", newline="") as handle:
        cited = {r["key"]: r["citation"] for r in csv.DictReader(handle)}
    used = {key for r in rows for key in r["sources"].split(";") if key}
    assert used <= set(cited), used - set(cited)
    assert all(len(c) > 20 for c in cited.values())
    doc = (ROOT / "docs" / "data-sources.md").read_text(encoding="utf-8")
    assert all(f"- `{key}` (" in doc for key in cited)


# ---------------------------------------------------------------------------- build failures


def load_build(tmp_path: Path) -> ModuleType:
    """The build script, pointed at a scratch copy of reference/ and curation/."""
    shutil.copytree(ROOT / "reference", tmp_path / "reference")
    shutil.copytree(CURATION, tmp_path / "curation")
    module = load_build_script("build_foods")
    setattr(module, "REF", tmp_path / "reference")  # noqa: B010  # a loaded script module
    setattr(module, "CURATION", tmp_path / "curation")  # noqa: B010
    return module


def rewrite(
    path: Path,
    change: dict[int, dict[str, str]] | None = None,
    swap: tuple[int, int] | None = None,
) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    if swap:
        table[swap[0]], table[swap[1]] = table[swap[1]], table[swap[0]]
    for index, cells in (change or {}).items():
        table[index].update(cells)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def natto_rows() -> list[int]:
    return [i for i, r in enumerate(read_csv(K2)) if r["food"] == "Natto"]


def test_moving_reference_rows_changes_no_value(tmp_path: Path) -> None:
    build = load_build(tmp_path)
    before = [row.cells() for row in build.build_rows()]
    first, second = natto_rows()[:2]  # Kamao 2007 and Schurgers 2000
    rewrite(tmp_path / "reference" / "k2_food_values.csv", swap=(first, second))
    assert [row.cells() for row in build.build_rows()] == before


def test_swapping_two_values_fails_the_build(tmp_path: Path) -> None:
    build = load_build(tmp_path)
    table = read_csv(K2)
    kamao, nih = (
        next(i for i, r in enumerate(table) if r["food"] == "Natto" and r["source"].startswith(s))
        for s in ("Kamao", "NIH")
    )
    rewrite(
        tmp_path / "reference" / "k2_food_values.csv",
        change={kamao: {"mk7": table[nih]["mk7"]}, nih: {"mk7": table[kamao]["mk7"]}},
    )
    with pytest.raises(
        SystemExit, match="kamao-2007 'Natto' adds up to 999.4, but the curation says 939"
    ):
        build.build_rows()


def test_a_missing_reference_row_fails_the_build(tmp_path: Path) -> None:
    build = load_build(tmp_path)
    kamao = natto_rows()[0]
    rewrite(tmp_path / "reference" / "k2_food_values.csv", change={kamao: {"food": "Natto!"}})
    with pytest.raises(SystemExit, match="kamao-2007 row 'Natto' is not in reference"):
        build.build_rows()


def test_an_ambiguous_reference_fails_the_build(tmp_path: Path) -> None:
    build = load_build(tmp_path)
    kamao, schurgers = natto_rows()[:2]
    table = read_csv(K2)
    rewrite(
        tmp_path / "reference" / "k2_food_values.csv",
        change={schurgers: {"source": table[kamao]["source"]}},
    )
    with pytest.raises(SystemExit, match="matches 2 rows"):
        build.build_rows()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("kale again,natto,11233,,\n", "claimed by both|names both"),  # a taken name and food
        ("moon cheese,,99999,,\n", "no SR28 food '99999'"),  # an NDB number SR28 lacks
    ],
)
def test_a_bad_names_line_fails_the_build(tmp_path: Path, line: str, message: str) -> None:
    build = load_build(tmp_path)
    with (tmp_path / "curation" / "names.csv").open("a", encoding="utf-8") as handle:
        handle.write(line)
    with pytest.raises(SystemExit, match=message):
        build.build_rows()


def test_an_edited_k2viewer_cell_fails_the_build(tmp_path: Path) -> None:
    build = load_build(tmp_path)
    path = tmp_path / "reference" / "k2viewer" / "k2_database.csv"
    text = path.read_text(encoding="utf-8")
    kefir = "Kefir;Fermented food;Dairy;not specified ;not specified ;1.6;ND;ND;ND;ND;3.9;4.5;"
    assert kefir in text
    path.write_text(text.replace(kefir, kefir.replace(";4.5;", ";5.5;")), encoding="utf-8")
    with pytest.raises(SystemExit, match="k2viewer 'Kefir' adds up to 9.4, but the curation"):
        build.build_rows()


def test_a_japanese_table_value_is_refused_as_k2(tmp_path: Path) -> None:
    build = load_build(tmp_path)
    with (tmp_path / "curation" / "sources.csv").open("a", encoding="utf-8") as handle:
        handle.write('mext-2020,Ministry of Education,"MEXT Standard Tables 2020."\n')
    entry = (
        '\n[[food]]\nname = "japanese egg"\ncategory = "egg"\nvalues = [\n'
        '    { source = "mext-2020", food = "Egg, whole, raw (Japan)", total = 12 },\n]\n'
    )
    with (tmp_path / "curation" / "foods.toml").open("a", encoding="utf-8") as handle:
        handle.write(entry)
    with pytest.raises(SystemExit, match="is not K2"):
        build.build_rows()
