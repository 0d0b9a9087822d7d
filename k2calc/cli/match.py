"""The ``match`` command: a matching audit of every distinct food string of a diary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from k2calc.cli.columns import AuditColumnsOpt, announce, column_hints
from k2calc.cli.common import FoodsOpt, FormatOpt, OutputOpt, fail, food_table, user_errors
from k2calc.output import Format, emit

if TYPE_CHECKING:
    from k2calc.diary import Plan

    pass


@user_errors
def match(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="A diary CSV as report reads it (or a Cronometer servings export); - reads stdin.",
        ),
    ],
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    foods_file: FoodsOpt = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit with status 1 when any string is matched short of an exact name, an "
            "alias or an NDB code (after printing the audit).",
        ),
    ] = False,
    columns: AuditColumnsOpt = None,
) -> None:
    """Show how every distinct food string of a diary is matched, to review before a report.

    One row per distinct string, most in need of review first (unknown, ambiguous, typo,
    ranked, then code, alias, exact; most used first): the food chosen, its NDB number,
    how it was found, the runner-up the ranking passed over, and how many rows use the
    string. Fix a string with your own foods file (--foods) whose aliases name it, and
    run again; --strict then makes sure no food was guessed.

    \b
    Examples:
      k2calc match cohort.csv
      k2calc match servings.csv --format csv > matches.csv
      k2calc match cohort.csv --foods my-aliases.csv --strict
    """
    from k2calc.audit import audit_strings, count_foods, how_counts
    from k2calc.views_audit import audit_view

    label = "stdin" if file == "-" else file
    source: Path | TextIO = sys.stdin if file == "-" else Path(file)
    plans: list[Plan] = []
    said = announce(label)

    def on_plan(plan: Plan) -> None:
        plans.append(plan)
        said(plan)

    with column_hints():
        counts = count_foods(source, columns, on_plan)
    rows = audit_strings(counts, food_table(foods_file), any(p.cronometer for p in plans))
    emit(audit_view(rows), fmt, output)
    unsure = [r for r in rows if not r.sure]
    if strict and unsure:
        found = how_counts(unsure)
        listed = ", ".join(f"{n} {how}" for how, n in found.items() if n)
        fail(
            f"{label}: {len(unsure)} of {len(rows)} food strings are not exact names, aliases "
            f"or NDB codes ({listed}); name them in a --foods file's aliases"
        )


def register(app: typer.Typer) -> None:
    """Add the ``match`` command to ``app``."""
    app.command()(match)
