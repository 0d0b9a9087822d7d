"""The report benchmark runs (tiny here: the real sizes run by hand, docs/report.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_report.py"


def test_the_benchmark_prints_time_ratio_and_memory_per_mode() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--rows", "2000", "--shapes", "days", "--shuffle",
         "--modes", "csv", "summary"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].split() == ["rows", "shape", "mode", "seconds", "x", "read_csv", "peak", "MiB"]
    rows = [line.split() for line in lines[2:]]
    assert [r[:3] for r in rows] == [["2,000", "days", m] for m in ("read_csv", "csv", "summary")]
    assert all(float(r[3]) > 0 and float(r[4]) > 0 and int(r[5]) > 0 for r in rows)
