"""Options that name a diary's own columns, shared by ``report``, ``log import`` and ``match``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Annotated

import typer

from k2calc.bounds import safe_lines
from k2calc.cli.common import Options
from k2calc.errors import K2Error

if TYPE_CHECKING:
    from k2calc.diary import Plan


def _column_option(canonical: str, example: str) -> object:
    return typer.Option(
        f"--{canonical}-column",
        metavar="NAME",
        help=f"The file's column to read as {canonical} (e.g. '{example}').",
    )


SubjectColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--subject-column",
        metavar="NAME",
        help="The file's column that names people (e.g. 'Client'); '' for none: the whole "
        "file is one person.",
    ),
]
DateColumnOpt = Annotated[str | None, _column_option("date", "Day")]
FoodColumnOpt = Annotated[str | None, _column_option("food", "Food Name")]
AmountColumnOpt = Annotated[str | None, _column_option("amount", "Serving")]
MealColumnOpt = Annotated[str | None, _column_option("meal", "Group")]
GramsColumnOpt = Annotated[str | None, _column_option("grams", "FoodAmt")]


def diary_columns(
    subject_column: SubjectColumnOpt = None,
    date_column: DateColumnOpt = None,
    food_column: FoodColumnOpt = None,
    amount_column: AmountColumnOpt = None,
    meal_column: MealColumnOpt = None,
    grams_column: GramsColumnOpt = None,
) -> dict[str, str]:
    """The mapping the options give (canonical → the file's column)."""
    given = {
        "subject": subject_column,
        "date": date_column,
        "food": food_column,
        "amount": amount_column,
        "meal": meal_column,
        "grams": grams_column,
    }
    return {k: v.strip() for k, v in given.items() if v is not None}


# A diary's own column names, from the --*-column options (``None``: every column by its
# own name, the library's default).
DiaryColumnsOpt = Annotated[Mapping[str, str] | None, Options(diary_columns)]
# The same without --subject-column and --meal-column, for a command that reads neither.
AuditColumnsOpt = Annotated[
    Mapping[str, str] | None, Options(diary_columns, omit=("subject_column", "meal_column"))
]


def announce(label: str) -> Callable[[Plan], None]:
    """A callback printing on stderr which columns were read and ignored, unless every
    column was read under its own name."""

    def show(plan: Plan) -> None:
        if not plan.plain:
            typer.echo(safe_lines(f"k2calc: {plan.describe(label)}"), err=True)

    return show


@contextlib.contextmanager
def column_hints() -> Iterator[None]:
    """Add the option to use to a header error from the library (which names no flags)."""
    from k2calc.diary import MappingError, PersonColumnError

    try:
        yield
    except PersonColumnError as exc:
        raise K2Error(
            f"{exc.base}; give --subject-column '{exc.column}', or --subject-column '' "
            "if it does not name people"
        ) from None
    except MappingError as exc:
        raise K2Error(f"{exc} (see --{exc.canonical}-column)") from None
