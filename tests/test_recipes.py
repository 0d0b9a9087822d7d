"""Recipes (your own dishes, then foods like any other) and saved meals (@name).

Expected figures come from `total` of the recipe's own items: a serving is their K2 sum
times the serving's share of the dish's weight, which the recipe code computes its own way
(per 100 g of the dish, then scaled to the serving).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from helpers import Invoke
from test_installed import SCRIPT

STEW = ("400 g cooked kidney beans", "200 g kale", "30 g natto", "100 g cheddar")


def _items_sum(k2: Invoke, *items: str) -> dict[str, float]:
    data = k2("total", *items, "-f", "json").json()
    return {"grams": sum(i["grams"] for i in data["items"]), **data}


def test_a_serving_is_its_share_of_the_items(k2: Invoke) -> None:
    run = k2("recipe", "add", "bean stew", *STEW, "--servings", "4")
    assert run.exit_code == 0, run.stderr
    whole = _items_sum(k2, *STEW)
    serving = k2("total", "1 serving bean stew", "-f", "json").json()
    item = serving["items"][0]
    assert item["food"] == "bean stew"
    assert item["grams"] == pytest.approx(whole["grams"] / 4)
    for key in ("mk4_mcg", "mk7_mcg", "other_mk_mcg", "total_mcg", "k1_mcg"):
        expected = None if whole[key] is None else pytest.approx(whole[key] / 4)
        assert item[key] == expected, key  # not measured in any item stays not measured
    assert item["partial"] is True  # natto's MK-4 and other forms were not measured
    assert serving["total_mcg"] == pytest.approx(whole["total_mcg"] / 4)


def test_cooked_weight_sets_the_grams_a_serving_weighs(k2: Invoke) -> None:
    run = k2("recipe", "add", "stew", *STEW, "--cooked-weight", "0.5 kg", "--servings", "2")
    assert run.exit_code == 0, run.stderr
    whole = _items_sum(k2, *STEW)
    per_100g = k2("show", "stew", "-f", "json").json()
    assert per_100g["total_mcg_per_100g"] == pytest.approx(whole["total_mcg"] / 5)  # 500 g
    assert per_100g["measures"]["serving"] == pytest.approx(250.0)
    hundred = k2("total", "100 g stew", "-f", "json").json()
    assert hundred["total_mcg"] == pytest.approx(whole["total_mcg"] / 5)


def test_show_lists_the_items_and_compare_takes_it(k2: Invoke) -> None:
    k2("recipe", "add", "stew", *STEW, "--servings", "4")
    shown = k2("show", "stew")
    assert "Your recipe: 400 g cooked kidney beans; 200 g kale; 30 g natto; 100 g cheddar" in (
        " ".join(shown.stdout.split())
    )
    rows = k2("compare", "stew", "natto", "-f", "json").json()
    assert [r["food"] for r in rows] == ["stew", "natto"]


def test_a_name_taken_is_refused_and_the_file_left_as_it_was(
    k2: Invoke, isolated_env: Path
) -> None:
    assert k2("recipe", "add", "stew", *STEW, "--servings", "4").exit_code == 0
    before = (isolated_env / "recipes.json").read_bytes()
    run = k2("recipe", "add", "Stew", "100 g kale")
    assert run.exit_code == 1
    assert run.stderr == (
        "k2calc: error: a recipe 'stew' exists already; give --replace to replace it, "
        "or another name\n"
    )
    assert (isolated_env / "recipes.json").read_bytes() == before
    assert k2("recipe", "add", "stew", "100 g kale", "--replace").exit_code == 0
    assert k2("recipe", "list", "-f", "json").json()["recipes"][0]["items"] == ["100 g kale"]
    assert sorted(p.name for p in isolated_env.iterdir()) == ["recipes.json", "recipes.json.lock"]


def test_a_bad_item_stores_nothing(k2: Invoke, isolated_env: Path) -> None:
    run = k2("recipe", "add", "stew", "100 g kale", "30 g nnato")
    assert run.exit_code == 1
    assert "recipe 'stew': item 2: unknown food 'nnato' — did you mean 'natto'?" in run.stderr
    assert not (isolated_env / "recipes.json").exists()


def test_saved_meal_in_total_and_log(k2: Invoke) -> None:
    assert k2("meal", "save", "Breakfast", "2 eggs", "1 tbsp butter").exit_code == 0
    both = k2("total", "@breakfast", "30 g natto", "-f", "json").json()
    assert [i["input"] for i in both["items"]] == ["2 eggs", "1 tbsp butter", "30 g natto"]
    logged = k2("log", "add", "@breakfast", "--meal", "breakfast", "-f", "json").json()
    assert [e["input"] for e in logged["added"]] == ["2 eggs", "1 tbsp butter"]
    run = k2("total", "@lunch")
    assert run.exit_code == 1
    assert run.stderr == "k2calc: error: no saved meal '@lunch'; saved meals: @breakfast\n"


def test_recipe_rm_and_meal_rm(k2: Invoke) -> None:
    k2("recipe", "add", "stew", *STEW)
    k2("meal", "save", "lunch", "1 cup kale")
    assert k2("recipe", "rm", "stew").stdout == "removed recipe 'stew'\n"
    assert k2("meal", "rm", "lunch").stdout == "removed saved meal '@lunch'\n"
    assert k2("total", "100 g stew").exit_code == 1
    assert k2("recipe", "rm", "stew").exit_code == 1


def test_export_then_import_elsewhere_gives_the_same_book(
    k2: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    k2("recipe", "add", "stew", *STEW, "--servings", "4", "--note", "Sunday")
    k2("meal", "save", "breakfast", "2 eggs")
    exported = k2("recipe", "export").stdout
    monkeypatch.setenv("K2CALC_HOME", str(tmp_path / "elsewhere"))
    run = k2("recipe", "import", "-", input=exported)
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "imported 1 recipe(s) and 1 saved meal(s); now 1 and 1\n"
    assert json.loads(k2("recipe", "export").stdout) == json.loads(exported)
    again = k2("recipe", "import", "-", input=exported)
    assert again.exit_code == 1 and "already there: stew, @breakfast" in again.stderr


def test_installed_command_uses_a_recipe(isolated_env: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SCRIPT, *args], capture_output=True, text=True, env={**os.environ}, timeout=60
        )

    assert (
        run("recipe", "add", "natto rice", "30 g natto", "150 g cooked white rice").returncode == 0
    )
    done = run("total", "180 g natto rice", "-f", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["mk7_mcg"] == pytest.approx(939 * 0.3)  # all of the natto
