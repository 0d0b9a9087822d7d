"""Benchmark ``k2calc report`` on generated diaries against ``pandas.read_csv`` of the same file.

    python benchmarks/bench_report.py                         # 1 M and 10 M rows, both shapes
    python benchmarks/bench_report.py --rows 1000000          # one size
    python benchmarks/bench_report.py --rows 50000000 --shapes days --modes csv --chunksize 200000
    python benchmarks/bench_report.py --rows 10000000 --shuffle    # the out-of-order path

Two shapes of diary: ``items`` (1,000 subjects, 10 items a day: few output days for the rows)
and ``days`` (one row per subject-day: as many output days as rows). Files are generated on
the fly in a temporary directory (in a child process, a block at a time) and removed
afterwards; nothing is committed. Every run is a fresh process (the interpreter and imports
are part of what a user waits for); peak memory is each process's own maximum resident set
size (``os.wait4``). Targets (issue 13): each mode at most 3 x read_csv of the same file in
the same run, and under 500 MiB with --chunksize at any size.
"""

from __future__ import annotations

import argparse
import os
import platform
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
MIB = 2**20
BLOCK_ROWS = 1_000_000
MODES = {
    "csv": ["-f", "csv"],
    "json": ["-f", "json"],
    "summary": ["--summary"],
    "by-meal": ["-f", "csv", "--by", "meal"],
    "table": [],
}


def shape_sizes(shape: str, rows: int) -> tuple[int, int, int]:
    """(subjects, days, items a day) of ``rows`` rows in ``shape``."""
    if shape == "items":
        return 1000, max(rows // 10_000, 1), 10
    return max(rows // 1000, 1), 1000, 1


def generate(
    path: Path, subjects: int, days: int, items: int, shuffle: bool, seed: int = 1
) -> None:
    """Write ``subjects * days * items`` rows sorted by subject and date (or shuffled within
    each block of a million rows and the blocks written in reverse, so no order holds)."""
    rng = np.random.default_rng(seed)
    names = np.array([f"P{i:07d}" for i in range(subjects)], dtype=object)
    dates = pd.date_range("2026-01-01", periods=days).strftime("%Y-%m-%d").to_numpy(dtype=object)
    foods = np.array([f for f, _ in ITEMS], dtype=object)
    amounts = np.array([a for _, a in ITEMS], dtype=object)
    rows = subjects * days * items
    starts = list(range(0, rows, BLOCK_ROWS))
    with path.open("w", encoding="utf-8") as out:
        out.write("subject,date,meal,food,amount\n")
        for start in reversed(starts) if shuffle else starts:
            row = np.arange(start, min(start + BLOCK_ROWS, rows))
            if shuffle:
                rng.shuffle(row)
            pick = rng.integers(0, len(ITEMS), len(row))
            frame = pd.DataFrame(
                {
                    "subject": names[row // (days * items)],
                    "date": dates[(row // items) % days],
                    "meal": MEALS[rng.integers(0, len(MEALS), len(row))],
                    "food": foods[pick],
                    "amount": amounts[pick],
                }
            )
            frame.to_csv(out, index=False, header=False)


def run(args: list[str], stdout: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS in bytes of one process (its stdout to ``stdout``)."""
    with open(stdout or os.devnull, "w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE, text=True)
        errors = process.stderr.read() if process.stderr else ""
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):
        raise SystemExit(f"{' '.join(args)} exited {code}: {errors}")
    return seconds, usage.ru_maxrss * 1024  # ru_maxrss is in KiB on Linux


def median_run(args: list[str], runs: int) -> tuple[float, int]:
    """Median wall seconds and the largest peak RSS over ``runs`` runs."""
    results = sorted((run(args) for _ in range(runs)), key=lambda r: r[0])
    return results[len(results) // 2][0], max(r[1] for r in results)


def machine() -> str:
    """CPU model and count, memory, Python and library versions."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import duckdb

    return (
        f"{model}, {os.cpu_count()} CPUs, {memory:.0f} GiB; Python {platform.python_version()},"
        f" pandas {pd.__version__}, numpy {np.__version__}, duckdb {duckdb.__version__}"
    )


def main() -> int:
    if sys.argv[1:2] == ["--generate"]:
        path, subjects, days, items, shuffle = sys.argv[2:]
        generate(Path(path), int(subjects), int(days), int(items), shuffle == "1")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--shapes", nargs="+", choices=["items", "days"], default=["items", "days"])
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--chunksize", type=int, help="rows per chunk (default: the CLI's)")
    parser.add_argument("--shuffle", action="store_true", help="rows in no order")
    parser.add_argument("--runs", type=int, default=1, help="runs of each; medians reported")
    options = parser.parse_args()
    k2calc = str(Path(sys.executable).parent / "k2calc")
    chunk = ["--chunksize", str(options.chunksize)] if options.chunksize else []
    print(machine())
    print(
        f"{'rows':>11} {'shape':<6} {'mode':<10} {'seconds':>8} {'x read_csv':>10} {'peak MiB':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="k2calc-bench-") as tmp:
        for rows in options.rows:
            for shape in options.shapes:
                diary = Path(tmp) / "diary.csv"
                sizes = [str(n) for n in shape_sizes(shape, rows)]
                shuffled = "1" if options.shuffle else "0"
                run([sys.executable, __file__, "--generate", str(diary), *sizes, shuffled])
                read = f"import pandas; pandas.read_csv({str(diary)!r})"
                read_s, read_rss = median_run([sys.executable, "-c", read], options.runs)
                label = f"{rows:>11,} {shape:<6}"
                print(f"{label} {'read_csv':<10} {read_s:8.2f} {1:10.2f} {read_rss / MIB:9.0f}")
                for mode in options.modes:
                    args = [k2calc, "report", str(diary), *MODES[mode], *chunk]
                    seconds, rss = median_run(args, options.runs)
                    ratio = seconds / read_s
                    print(f"{label} {mode:<10} {seconds:8.2f} {ratio:10.2f} {rss / MIB:9.0f}")
                    sys.stdout.flush()
                diary.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
