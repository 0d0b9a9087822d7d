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

SLICE_GOUDA = 'k2calc total "30 g natto" "2 eggs" "1 slice gouda" (exit 1: no slice weight)'
COMMANDS: dict[str, list[str]] = {
    "baseline: import typer, rich, pandas, pint; UnitRegistry()": [
        PYTHON,
        "-c",
        "import typer, rich, pandas, pint; pint.UnitRegistry()",
    ],
    'k2calc total "30 g natto" "2 eggs" "1 oz gouda"': [
        K2CALC, "total", "30 g natto", "2 eggs", "1 oz gouda",
    ],
    SLICE_GOUDA: [
        K2CALC, "total", "30 g natto", "2 eggs", "1 slice gouda",
    ],
    "k2calc --help": [K2CALC, "--help"],
}  # fmt: skip


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


def main() -> None:
    """Time every command and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    env = dict(os.environ, K2CALC_HOME=tempfile.mkdtemp(prefix="k2calc-bench-"))
    medians = median_times(COMMANDS, runs, env, frozenset({SLICE_GOUDA}))
    baseline = next(iter(medians.values()))
    print(f"median of {runs} runs each (python {sys.version.split()[0]}, {os.cpu_count()} cpus)")
    for name, median in medians.items():
        print(f"{median:7.3f} s  {median / baseline:5.2f} x baseline  {name}")


if __name__ == "__main__":
    main()
