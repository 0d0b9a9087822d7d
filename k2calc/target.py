"""The daily target range and where a total falls in it (stdlib only: cheap to import)."""

from __future__ import annotations

from dataclasses import dataclass

from k2calc.bounds import MAX_TARGET_MCG
from k2calc.errors import UsageError

DEFAULT_MIN_MCG = 45.0
DEFAULT_MAX_MCG = 200.0
BELOW, WITHIN, ABOVE = "below", "within", "above"


@dataclass(frozen=True)
class Target:
    """The daily target range in mcg; 45 and 200 themselves are within."""

    min_mcg: float = DEFAULT_MIN_MCG
    max_mcg: float = DEFAULT_MAX_MCG

    def __post_init__(self) -> None:
        if not (0 <= self.min_mcg <= self.max_mcg <= MAX_TARGET_MCG):  # also refuses inf, NaN
            raise UsageError(
                f"target --min {self.min_mcg:g} / --max {self.max_mcg:g}: "
                f"need 0 <= min <= max <= {MAX_TARGET_MCG:g}"
            )

    def status(self, total_mcg: float) -> str:
        """``below``, ``within`` or ``above`` the range."""
        if total_mcg < self.min_mcg:
            return BELOW
        return WITHIN if total_mcg <= self.max_mcg else ABOVE
