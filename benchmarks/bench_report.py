"""Benchmark ``k2calc report`` on a generated million-row diary against ``pandas.read_csv``.

    python benchmarks/bench_report.py                    # 1,000 subjects x 100 days x 10 items
    python benchmarks/bench_report.py --subjects 100     # a smaller run

The input is written to a temporary directory and removed afterwards. Every run is a
fresh process (the interpreter and imports are part of what a user waits for); peak memory
is each process's own maximum resident set size (``os.wait4``). Targets: the report at most
3 times the read_csv time, peak memory under 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

# (food, amount) pairs a diary might hold: masses, kitchen volumes, counts, fractions.
ITEMS = [
    ("natto", "30 g"), ("natto", "1/2 cup"), ("egg", "2"), ("eggs", "1"), ("egg yolk", "1"),
    ("gouda", "1 oz"), ("gouda", "30 g"), ("butter", "1 tbsp"), ("butter", "1 pat"),
    ("cheddar", "1 slice"), ("cheddar", "2 slices"), ("milk", "1 cup"), ("milk", "1.5 cups"),
    ("chicken thigh", "1"), ("salami", "3 slices"), ("sauerkraut", "½ cup"), ("brie", "40 g"),
    ("hot dog", "1"), ("mk-7", "100 mcg"), ("cream cheese", "2 tbsp"), ("chicken liver", "1"),
    ("camembert", "1 wedge"), ("sour cream", "2 tbsp"), ("pork sausage", "2 links"),
    ("chicken breast", "150 g"), ("salmon", "120 g"), ("ground beef", "4 oz"),
]  # fmt: skip
MEALS = np.array(["breakfast", "lunch", "dinner", "snack"])
GIB = 1024**3


def generate(path: Path, subjects: int, days: int, items: int, seed: int = 1) -> int:
    """Write a diary of ``subjects * days * items`` rows sorted by subject and date."""
    rng = np.random.default_rng(seed)
    rows = subjects * days * items
    pick = rng.integers(0, len(ITEMS), rows)
    names = np.array([f"P{i:05d}" for i in range(subjects)], dtype=object)
    dates = pd.date_range("2026-01-01", periods=days).strftime("%Y-%m-%d").to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "subject": np.repeat(names, days * items),
            "date": np.tile(np.repeat(dates, items), subjects),
            "meal": MEALS[rng.integers(0, len(MEALS), rows)],
            "food": np.array([f for f, _ in ITEMS], dtype=object)[pick],
            "amount": np.array([a for _, a in ITEMS], dtype=object)[pick],
        }
    )
    frame.to_csv(path, index=False)
    return rows


def run(args: list[str], stdout: Path | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes and stdout (unless redirected) of one process."""
    out = open(stdout, "w") if stdout else subprocess.PIPE  # noqa: SIM115
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE, text=True)
    text = process.stdout.read() if process.stdout else ""
    errors = process.stderr.read() if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if stdout:
        out.close()  # type: ignore[union-attr]
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):
        raise SystemExit(f"{' '.join(args)} exited {code}: {errors}")
    return seconds, usage.ru_maxrss * 1024, text  # ru_maxrss is in KiB on Linux


def median_run(args: list[str], runs: int, stdout: Path | None = None) -> tuple[float, int, str]:
    """Median wall seconds, largest peak RSS and the median run's stdout over ``runs`` runs."""
    results = sorted((run(args, stdout) for _ in range(runs)), key=lambda r: r[0])
    seconds, _, text = results[len(results) // 2]
    return seconds, max(r[1] for r in results), text


def main() -> int:
    if sys.argv[1:2] == ["--generate"]:
        path, *sizes = sys.argv[2:]
        generate(Path(path), *(int(n) for n in sizes))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1000)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--chunksize", type=int, default=50_000, help="for the chunked run")
    parser.add_argument("--runs", type=int, default=3, help="runs of each; medians reported")
    options = parser.parse_args()
    k2calc = str(Path(sys.executable).parent / "k2calc")
    with tempfile.TemporaryDirectory(prefix="k2calc-bench-") as tmp:
        diary, sink = Path(tmp) / "diary.csv", Path(tmp) / "out"
        # Generated in a child process: a child inherits its parent's peak RSS at fork.
        sizes = [str(n) for n in (options.subjects, options.days, options.items)]
        run([sys.executable, __file__, "--generate", str(diary), *sizes])
        rows = options.subjects * options.days * options.items
        size_mib = diary.stat().st_size / 2**20
        print(f"medians of {options.runs} runs each")
        print(f"input: {rows:,} rows, {size_mib:.1f} MiB ({options.subjects} subjects x ", end="")
        print(f"{options.days} days x {options.items} items)")

        read = f"import time, pandas; t = time.perf_counter(); pandas.read_csv({str(diary)!r});"
        read += " print(time.perf_counter() - t)"
        engine = (
            "import time; from pathlib import Path; from k2calc.foods import load_table; "
            "from k2calc.report import report; t = load_table(); s = time.perf_counter(); "
            f"report(Path({str(diary)!r}), t, chunksize=200_000); print(time.perf_counter() - s)"
        )
        read_wall, read_rss, read_inside = median_run([sys.executable, "-c", read], options.runs)
        engine_wall, engine_rss, engine_inside = median_run(
            [sys.executable, "-c", engine], options.runs
        )
        print(f"pandas.read_csv      process {read_wall:6.2f} s  in-process "
              f"{float(read_inside):.2f} s  peak {read_rss / 2**20:6.0f} MiB")  # fmt: skip
        print(f"report engine        process {engine_wall:6.2f} s  in-process "
              f"{float(engine_inside):.2f} s  peak {engine_rss / 2**20:6.0f} MiB  "
              f"ratio in-process {float(engine_inside) / float(read_inside):.2f}x")  # fmt: skip

        worst = 0.0
        runs = [
            ("report (table)", []),
            ("report -f csv", ["-f", "csv"]),
            ("report -f json", ["-f", "json"]),
            ("report --summary", ["--summary"]),
            ("report -f csv --by meal", ["-f", "csv", "--by", "meal"]),
            (f"report -f csv --chunksize {options.chunksize:,}",
             ["-f", "csv", "--chunksize", str(options.chunksize)]),
        ]  # fmt: skip
        for label, extra in runs:
            seconds, rss, _ = median_run(
                [k2calc, "report", str(diary), *extra], options.runs, stdout=sink
            )
            ratio = seconds / read_wall
            worst = max(worst, ratio)
            print(f"{label:<36} {seconds:6.2f} s  {ratio:4.2f}x read_csv  peak {rss / 2**20:6.0f}"
                  f" MiB  {'ok' if ratio <= 3 and rss < GIB else 'MISSED TARGET'}")  # fmt: skip
        print(f"worst ratio against the read_csv process: {worst:.2f}x (target <= 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
