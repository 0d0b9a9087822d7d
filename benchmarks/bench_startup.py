"""Whole-process timings of the everyday commands against an import baseline.

    python benchmarks/bench_startup.py [--runs N]

Prints the median wall time of each command over N runs (default 15), interleaved so that
machine noise hits all of them alike, and each command's ratio to the baseline
``python -c "import typer, rich, pandas, pint; pint.UnitRegistry()"`` measured in the same run,
with the full table (13,900 foods) and a warm table cache. Also: the first run on an empty
cache (parsing foods.csv), and the median in-process time to resolve a typo'd name.
Targets: ``total``, ``show natto`` and ``foods cheese`` at most 0.4 x the baseline, ``total``
with typos (the ranked-match word index read from its cache, each run a new process) as
close as can be to ``total`` spelled right; ``--help`` under 0.12 s; a typo resolved in under
10 ms in-process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
K2CALC = shutil.which("k2calc", path=str(Path(PYTHON).parent)) or "k2calc"

TOTAL = ["total", "30 g natto", "2 eggs", "1 oz gouda"]
COMMANDS: dict[str, list[str]] = {
    "baseline: import typer, rich, pandas, pint; UnitRegistry()": [
        PYTHON,
        "-c",
        "import typer, rich, pandas, pint; pint.UnitRegistry()",
    ],
    'k2calc total "30 g natto" "2 eggs" "1 oz gouda"': [K2CALC, *TOTAL],
    'k2calc total "30 g nato" "2 large eggs" "1 oz gouda chese" (typos)': [
        K2CALC, "total", "30 g nato", "2 large eggs", "1 oz gouda chese",
    ],
    "k2calc show natto": [K2CALC, "show", "natto"],
    "k2calc foods cheese": [K2CALC, "foods", "cheese"],
    "k2calc --help": [K2CALC, "--help"],
}  # fmt: skip
TYPOS = ["gouda chese", "brocoli", "bannana", "spinnach", "salmom", "yoghurt", "chedar", "avacado"]


def time_once(command: list[str], env: dict[str, str], check: bool = True) -> float:
    """Wall time of one run of ``command``, output discarded; a failure stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if check and done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()}")
    return time.perf_counter() - start


def median_times(
    commands: dict[str, list[str]],
    runs: int,
    env: dict[str, str],
    may_fail: frozenset[str] = frozenset(),
) -> dict[str, float]:
    """Median wall time of each command over ``runs`` rounds, interleaved, after one warm-up.

    Commands named in ``may_fail`` are expected to exit non-zero; any other failure stops.
    """
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for name, command in commands.items():  # warm the file cache once
        time_once(command, env, name not in may_fail)
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(time_once(command, env, name not in may_fail))
    return {name: statistics.median(times) for name, times in samples.items()}


def cold_start(env: dict[str, str], runs: int) -> float:
    """Median time of ``total`` on an empty table cache (the first run after an install)."""
    times = []
    for _ in range(runs):
        cold = dict(env, K2CALC_CACHE=tempfile.mkdtemp(prefix="k2calc-cold-"))
        times.append(time_once([K2CALC, *TOTAL], cold))
    return statistics.median(times)


def typo_milliseconds(rounds: int) -> float:
    """Median in-process time to resolve one typo'd name, the table and its index loaded."""
    from k2calc.foods import load_table
    from k2calc.match import match_food

    table = load_table()
    match_food(table, TYPOS[0])  # builds the word index once, as the first ranked query does
    times = []
    for _ in range(rounds):
        for query in TYPOS:
            start = time.perf_counter()
            match_food(table, query)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    """Time every command and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    cache = tempfile.mkdtemp(prefix="k2calc-cache-")
    env = dict(os.environ, K2CALC_HOME=tempfile.mkdtemp(prefix="k2calc-bench-"))
    env["K2CALC_CACHE"] = cache
    medians = median_times(COMMANDS, runs, env)
    baseline = next(iter(medians.values()))
    print(f"median of {runs} runs each (python {sys.version.split()[0]}, {os.cpu_count()} cpus)")
    for name, median in medians.items():
        print(f"{median:7.3f} s  {median / baseline:5.2f} x baseline  {name}")
    cold = cold_start(env, max(3, runs // 3))
    print(f"{cold:7.3f} s  {cold / baseline:5.2f} x baseline  total, first run (empty cache)")
    os.environ["K2CALC_CACHE"] = cache
    print(f"{typo_milliseconds(runs):7.2f} ms  a typo'd name resolved in-process (median)")


if __name__ == "__main__":
    main()
