"""Whole-process timings of the everyday commands against an import baseline.

    python benchmarks/bench_startup.py [--runs N]

Prints the median wall time of each command over N runs (default 15), interleaved so that
machine noise hits all of them alike, and each command's ratio to the baseline
``python -c "import typer, rich, pandas, pint; pint.UnitRegistry()"`` measured in the same run.
Targets (issue 2): ``total`` at most 0.6 x the baseline; ``--help`` under 0.12 s.
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

COMMANDS: dict[str, list[str]] = {
    "baseline: import typer, rich, pandas, pint; UnitRegistry()": [
        PYTHON,
        "-c",
        "import typer, rich, pandas, pint; pint.UnitRegistry()",
    ],
    'k2calc total "30 g natto" "2 eggs" "1 oz gouda"': [
        K2CALC, "total", "30 g natto", "2 eggs", "1 oz gouda",
    ],
    'k2calc total "30 g natto" "2 eggs" "1 slice gouda" (exit 1: no slice weight)': [
        K2CALC, "total", "30 g natto", "2 eggs", "1 slice gouda",
    ],
    "k2calc --help": [K2CALC, "--help"],
}  # fmt: skip


def time_once(command: list[str], env: dict[str, str]) -> float:
    """Wall time of one run of ``command``, output discarded."""
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    """Time every command and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    env = dict(os.environ, K2CALC_HOME=tempfile.mkdtemp(prefix="k2calc-bench-"))
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():  # warm the file cache once
        time_once(command, env)
    for _ in range(runs):
        for name, command in COMMANDS.items():
            samples[name].append(time_once(command, env))
    baseline = statistics.median(next(iter(samples.values())))
    print(f"median of {runs} runs each (python {sys.version.split()[0]}, {os.cpu_count()} cpus)")
    for name, times in samples.items():
        median = statistics.median(times)
        print(f"{median:7.3f} s  {median / baseline:5.2f} x baseline  {name}")


if __name__ == "__main__":
    main()
