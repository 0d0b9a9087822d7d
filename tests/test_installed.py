"""The installed console script, run as a real process from outside the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import k2calc

SCRIPT = shutil.which("k2calc") or str(Path(sys.executable).parent / "k2calc")


def run(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("K2CALC_")}
    env["K2CALC_HOME"] = str(cwd / "home")
    return subprocess.run(
        args, cwd=cwd, input=stdin, capture_output=True, text=True, env=env, timeout=60
    )


def test_console_script_prints_a_days_total(tmp_path: Path) -> None:
    done = run([SCRIPT, "total", "30 g natto", "2 eggs", "1 oz gouda", "-f", "json"], tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "above"
    assert data["mk7_mcg"] == pytest.approx(281.7 + 0.9)  # natto 939 × 0.3; 2 eggs MK-7 0.9


def test_package_data_is_installed() -> None:
    # The food table and unit definitions are inside the installed package, not read
    # from the checkout.
    package = Path(k2calc.__file__).parent
    assert (package / "data" / "foods.csv").stat().st_size > 100_000
    assert (package / "data" / "units.txt").is_file()
    assert (package / "data" / "food_sources.csv").stat().st_size > 10_000  # k2calc.evidence


def test_python_dash_m(tmp_path: Path) -> None:
    done = run([sys.executable, "-m", "k2calc", "show", "natto", "-f", "json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "natto"


def test_error_is_one_line_and_exit_1(tmp_path: Path) -> None:
    done = run([SCRIPT, "total", "30 g nnato"], tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == "k2calc: error: unknown food 'nnato' — did you mean 'natto'?\n"


def test_stdin_and_check(tmp_path: Path) -> None:
    done = run([SCRIPT, "total", "-", "--check"], tmp_path, stdin="1 g natto\n")
    assert done.returncode == 3  # 9.39 mcg is below 45


def test_help_does_not_import_pandas_or_pint(tmp_path: Path) -> None:
    done = run([sys.executable, "-X", "importtime", "-m", "k2calc", "--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "k2calc.cli" in imported
    assert not {"pandas", "pint", "rich"} & imported


def test_total_imports_neither_pandas_nor_pint(tmp_path: Path) -> None:
    # units come from data/units.csv, generated from pint and tested equal to it
    done = run([sys.executable, "-X", "importtime", "-m", "k2calc", "total", "1 g natto"], tmp_path)
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "k2calc.units" in imported
    assert not {"pandas", "pint"} & imported


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    pipeline = f"'{SCRIPT}' foods | head -n 1"
    done = subprocess.run(
        ["sh", "-c", pipeline], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_no_color_is_respected(tmp_path: Path, no_color: str | None, coloured: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "K2CALC_HOME")}
    env.update(FORCE_COLOR="1", K2CALC_HOME=str(tmp_path))
    if no_color is not None:
        env["NO_COLOR"] = no_color
    done = subprocess.run(
        [SCRIPT, "total", "30 g natto"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0
    assert ("\x1b[1;31m" in done.stdout) is coloured  # ABOVE in bold red, only with colour
