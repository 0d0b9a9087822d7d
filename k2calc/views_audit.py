"""The view of ``match``: every distinct food string of a file, the food chosen and how."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from k2calc.audit import KEYS, AuditRow, how_counts
from k2calc.bounds import shown
from k2calc.output import Column, Grid, View

NOT_FOUND = "—"


HOW_STYLE = {"unknown": "red", "ambiguous": "red", "typo": "yellow", "ranked": "yellow"}


def _how(row: AuditRow) -> Any:
    from rich.text import Text

    return Text(row.how, style=HOW_STYLE.get(row.how, ""))


def audit_view(rows: Sequence[AuditRow]) -> View:
    """One row per food string: rows using it, the food chosen, how, the runner-up."""
    columns = [
        Column("Rows", lambda r: f"{r.rows:,}", numeric=True),
        Column("In the file", lambda r: shown(r.input, 200)),
        Column("How", _how),
        Column("Food chosen", lambda r: shown(r.food or NOT_FOUND, 200)),
        Column("NDB", lambda r: r.ndb_no or "", drop=1),
        Column("Runner-up / problem", lambda r: shown(r.problem or r.runner_up or "", 300)),
    ]
    used = sum(r.rows for r in rows)
    counts = " · ".join(f"{n} {how}" for how, n in how_counts(list(rows)).items())
    records = [r.as_dict() for r in rows]
    blocks: list[Any] = [
        Grid(columns, rows, "Food strings and the foods chosen"),
        f"{len(rows):,} food strings in {used:,} rows: {counts}",
    ]
    return View(records, records, blocks, keys=KEYS)
