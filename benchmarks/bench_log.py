"""Whole-process timings of the meal log against the import baseline.

    python benchmarks/bench_log.py [--runs N]

Builds a log of a year of ten entries a day (3,650 entries) in a temporary folder, then
times, interleaved over N runs (default 15): the baseline
``python -c "import typer, rich, pandas, pint; pint.UnitRegistry()"``, ``k2calc total`` of
one item, ``k2calc log add`` of one item, and ``k2calc log show --days 365`` (table, json).
Prints each median, its ratio to the baseline, and the issue 4 targets: ``log add`` at most
0.6 x the baseline (as for ``total``), ``log show --days 365`` under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench_startup import median_times

from k2calc import mealog
from k2calc.foods import load_table
from k2calc.parse import resolve

PYTHON = sys.executable
K2CALC = shutil.which("k2calc", path=str(Path(PYTHON).parent)) or "k2calc"
DAY_ITEMS = (
    "2 eggs", "1 tbsp butter", "1 oz gouda", "1 cup whole milk", "100 g chicken breast",
    "10 g natto", "1 slice cheddar", "1/2 cup sauerkraut", "1 egg yolk", "30 g natto",
)  # fmt: skip
ADD_TARGET_RATIO = 0.6
SHOW_TARGET_S = 1.0


def build_year(db: Path, last_day: dt.date) -> int:
    """A year of ten entries a day ending ``last_day``, in one transaction."""
    table = load_table()
    portions = [resolve(item, table) for item in DAY_ITEMS]
    meals = ("breakfast", "lunch", "dinner", "snack")
    entries = [
        mealog.NewEntry((last_day - dt.timedelta(days=n)).isoformat(), meals[i % 4], portion)
        for n in range(365)
        for i, portion in enumerate(portions)
    ]
    return len(mealog.add_entries(db, entries))


def main() -> None:
    """Build the year, time every command, print medians, ratios and targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    home = Path(tempfile.mkdtemp(prefix="k2calc-bench-log-"))
    year, scratch = home / "year.sqlite3", home / "scratch.sqlite3"
    count = build_year(year, dt.date.today())
    env = dict(os.environ, K2CALC_HOME=str(home), NO_COLOR="1")
    commands: dict[str, list[str]] = {
        "baseline": [PYTHON, "-c", "import typer, rich, pandas, pint; pint.UnitRegistry()"],
        'total "30 g natto"': [K2CALC, "total", "30 g natto"],
        'log add "30 g natto"': [K2CALC, "log", "add", "30 g natto", "--db", str(scratch)],
        "log show --days 365": [K2CALC, "log", "show", "--days", "365", "--db", str(year)],
        "log show --days 365 -f json": [
            K2CALC, "log", "show", "--days", "365", "-f", "json", "--db", str(year),
        ],
    }  # fmt: skip
    medians = median_times(commands, runs, env)
    baseline = medians["baseline"]
    print(f"median of {runs} runs each (python {sys.version.split()[0]}, {os.cpu_count()} cpus);")
    print(f"the year's log: {count} entries over 365 days")
    for name, median in medians.items():
        print(f"{median:7.3f} s  {median / baseline:5.2f} x baseline  {name}")
    add_ratio = medians['log add "30 g natto"'] / baseline
    show_s = max(medians["log show --days 365"], medians["log show --days 365 -f json"])
    print(
        f"log add: {add_ratio:.2f} x baseline (target <= {ADD_TARGET_RATIO}) "
        f"{'OK' if add_ratio <= ADD_TARGET_RATIO else 'MISSED'}; "
        f"log show --days 365: {show_s:.3f} s (target < {SHOW_TARGET_S:g} s) "
        f"{'OK' if show_s < SHOW_TARGET_S else 'MISSED'}"
    )
    shutil.rmtree(home)


if __name__ == "__main__":
    main()
