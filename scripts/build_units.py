#!/usr/bin/env python3
"""Write ``k2calc/data/units.csv`` from pint (``--check``: exit 1 if it is stale)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from k2calc.units import build_unit_table

OUT = Path(__file__).resolve().parent.parent / "k2calc" / "data" / "units.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if units.csv is stale")
    args = parser.parse_args(argv)
    fresh = build_unit_table()
    if args.check:
        if OUT.read_text(encoding="utf-8") != fresh:
            print(
                "k2calc/data/units.csv out of date: run python scripts/build_units.py",
                file=sys.stderr,
            )
            return 1
        return 0
    OUT.write_text(fresh, encoding="utf-8")
    print(f"wrote {OUT.name} ({len(fresh.splitlines()) - 1} spellings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
