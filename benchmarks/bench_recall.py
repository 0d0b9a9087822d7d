"""Benchmark ``k2calc report`` on NHANES-shaped recall files against pandas reading them.

    python benchmarks/bench_recall.py                    # 10,000 people, 2 days, 15 foods a day
    python benchmarks/bench_recall.py --people 200 --runs 1

Writes, in a temporary directory, the two SAS transport files NHANES publishes per cycle
(``DR1IFF``: SEQN, DR1ILINE, DR1IFDCD, DR1IGRMS, DR1IVK; ``DR2IFF`` the same for day 2), with
FNDDS codes drawn (seeded) from the built-in table's FNDDS foods and grams from 5 to 400, and
the same rows stacked as one CSV of both days (``SEQN, DR1IFDCD, DR1IGRMS, DR1IVK`` as a
researcher's export of day 1 would have them, 20,000 "people" there: a file of the full size).
Each is reported in a fresh process (``--format csv``), median of ``--runs``; the baseline is
``pandas.read_sas`` (or ``read_csv``) of the same file in a fresh process; peak memory is each
process's own maximum resident set size. Target (issue 24): about 300,000 rows in under 10 s.
Needs pyreadstat (a test dependency) to write the XPT files.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_report import machine, median_run  # noqa: E402

K2CALC = shutil.which("k2calc", path=str(Path(sys.executable).parent)) or "k2calc"


def fndds_codes() -> list[int]:
    """The FNDDS food codes of the built-in table."""
    text = (resources.files("k2calc") / "data" / "foods.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return [int(code) for row in rows for code in row["fndds_codes"].split(";") if code]


def day_file(day: int, people: int, foods: int, codes: list[int], seed: int) -> pd.DataFrame:
    """One NHANES individual-foods day: ``foods`` lines a person."""
    rng = random.Random(seed)
    rows = people * foods
    return pd.DataFrame(
        {
            "SEQN": [float(100_000 + i // foods) for i in range(rows)],
            f"DR{day}ILINE": [float(i % foods + 1) for i in range(rows)],
            f"DR{day}IFDCD": [float(rng.choice(codes)) for _ in range(rows)],
            f"DR{day}IGRMS": [float(rng.randint(5, 400)) for _ in range(rows)],
            f"DR{day}IVK": [round(rng.uniform(0, 50), 1) for _ in range(rows)],
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--foods", type=int, default=15, help="foods a person-day")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import pyreadstat

    codes = fndds_codes()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files: list[tuple[str, Path, str]] = []
        days = [day_file(d, args.people, args.foods, codes, seed=d) for d in (1, 2)]
        for day, frame in zip((1, 2), days, strict=True):
            path = folder / f"DR{day}IFF.XPT"
            pyreadstat.write_xport(frame, str(path), file_format_version=5)
            files.append((f"DR{day}IFF.XPT", path, "read_sas"))
        both = pd.concat(
            [days[0], days[1].set_axis(days[0].columns, axis=1).assign(SEQN=lambda f: f.SEQN + 1e6)]
        )
        stacked = folder / "DR1IFF_both_days.csv"
        both.drop(columns="DR1ILINE").to_csv(stacked, index=False)
        files.append(("both days as one CSV", stacked, "read_csv"))
        print(machine())
        print(f"{'file':<22} {'rows':>9} {'seconds':>8} {'x pandas':>9} {'peak MiB':>9}")
        for label, path, reader in files:
            rows = len(both) if reader == "read_csv" else len(days[0])
            baseline = [sys.executable, "-c", f"import pandas; pandas.{reader}({str(path)!r})"]
            base, _ = median_run(baseline, args.runs)
            seconds, peak = median_run([K2CALC, "report", str(path), "--format", "csv"], args.runs)
            print(
                f"{label:<22} {rows:>9,} {seconds:>8.2f} {seconds / base:>9.2f} "
                f"{peak / 2**20:>9.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
