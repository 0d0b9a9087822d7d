"""The ``k2calc`` command: a thin typer layer over the library. Heavy imports stay lazy."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from k2calc import __version__
from k2calc.cli import calc, compare, completion, config, log, match, recipe, report
from k2calc.cli.common import new_app

HELP = """Vitamin K2 (menaquinones) in your food, by form: MK-4, MK-7 and the others.

Totals a day's food against a target of 45-200 mcg K2 a day from a cited food table
(USDA SR28 and published studies). A form nobody measured is shown as not measured,
never as zero, and a total that rests on one is a lower bound.

Not medical advice. If you take warfarin or another vitamin K antagonist, keep your
vitamin K intake steady and talk to your clinician before changing it.

\b
Examples:
  k2calc total "30 g natto" "2 eggs" "1 oz gouda"
  k2calc foods cheese --sort total --limit 10
  k2calc show natto
  k2calc compare natto gouda "egg yolk"
  k2calc log add "2 eggs" --meal breakfast
  k2calc report diary.csv --summary
  k2calc match diary.csv
"""

app = new_app("k2calc", HELP, completion=True)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"k2calc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_show_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
    measured_only: Annotated[
        bool,
        typer.Option(
            "--measured-only",
            envvar="K2CALC_MEASURED_ONLY",
            help="Count measurements only: the inferred zeros of non-fermented plant foods "
            "(graded 'inferred') become not measured.",
        ),
    ] = False,
) -> None:
    """Vitamin K2 calculator."""
    from k2calc.foods import choose_measured_only

    choose_measured_only(measured_only)


calc.register(app)
compare.register(app)
log.register(app)
report.register(app)
match.register(app)
recipe.register(app)
completion.register(app)
config.register(app)


def main() -> None:
    """Entry point of the console script and ``python -m k2calc``."""
    for stream in (sys.stdout, sys.stderr):  # never a traceback for text the locale lacks
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    app()
