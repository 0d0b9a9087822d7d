"""Whole-process timing of a page (``log show --days 90 -f html``) against its table and JSON.

    python benchmarks/bench_page.py [--runs N]

Builds 90 days of ten entries a day (``bench_log.DAY_ITEMS``) in a temporary folder, then
times, interleaved over N runs (default 7): the import baseline of ``bench_log``,
``log show --days 90`` as a table, as JSON, and as a page (three matplotlib charts and the
foods section), and prints each median, its ratio to the baseline and the page's size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_log import DAY_ITEMS, K2CALC, PYTHON
from bench_startup import median_times

from k2calc import mealog
from k2calc.foods import load_table
from k2calc.parse import resolve

DAYS = 90


def build_days(db: Path, last_day: dt.date, days: int) -> int:
    """``days`` days of ten entries a day ending ``last_day``, in one transaction."""
    table = load_table()
    portions = [resolve(item, table) for item in DAY_ITEMS]
    entries = [
        mealog.NewEntry((last_day - dt.timedelta(days=n)).isoformat(), "", portion)
        for n in range(days)
        for portion in portions[: 4 + n % 7]  # days that differ, so the charts do
    ]
    return len(mealog.add_entries(db, entries))


def main() -> None:
    """Build the days, time each form, print medians, ratios and the page's size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    home = Path(tempfile.mkdtemp(prefix="k2calc-bench-page-"))
    db = home / "days.sqlite3"
    count = build_days(db, dt.date.today(), DAYS)
    env = dict(os.environ, K2CALC_HOME=str(home), NO_COLOR="1")
    show = [K2CALC, "log", "show", "--days", str(DAYS), "--db", str(db)]
    commands = {
        "baseline": [PYTHON, "-c", "import typer, rich, pandas, pint; pint.UnitRegistry()"],
        f"log show --days {DAYS}": show,
        f"log show --days {DAYS} -f json": [*show, "-f", "json"],
        f"log show --days {DAYS} -f html": [*show, "-f", "html"],
    }
    medians = median_times(commands, runs, env)
    page = subprocess.run([*show, "-f", "html"], capture_output=True, env=env, check=True).stdout
    baseline = medians["baseline"]
    print(f"median of {runs} runs each (python {sys.version.split()[0]}, {os.cpu_count()} cpus);")
    print(f"the log: {count} entries over {DAYS} days")
    for name, median in medians.items():
        print(f"{median:7.3f} s  {median / baseline:5.2f} x baseline  {name}")
    print(f"the page: {len(page):,} bytes")
    shutil.rmtree(home)


if __name__ == "__main__":
    main()
