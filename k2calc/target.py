"""The daily target range and where a total falls in it (stdlib only: cheap to import)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from k2calc.bounds import MAX_TARGET_MCG
from k2calc.errors import TargetError

DEFAULT_MIN_MCG = 45.0
DEFAULT_MAX_MCG = 200.0
BELOW, WITHIN, ABOVE, UNKNOWN = "below", "within", "above", "unknown"
# In the order of the bands below; ``unknown``: no K2 was measured (NaN), never judged.
STATUSES = (BELOW, WITHIN, ABOVE, UNKNOWN)
UNKNOWN_BAND = STATUSES.index(UNKNOWN)
JUDGED = (BELOW, WITHIN, ABOVE)  # the statuses a known K2 total can have

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class Target:
    """The daily target range in mcg; 45 and 200 themselves are within."""

    min_mcg: float = DEFAULT_MIN_MCG
    max_mcg: float = DEFAULT_MAX_MCG

    def __post_init__(self) -> None:
        if not (0 <= self.min_mcg <= self.max_mcg <= MAX_TARGET_MCG):  # also refuses inf, NaN
            raise TargetError(
                f"target {self.min_mcg:g}–{self.max_mcg:g} mcg: "
                f"need 0 <= minimum <= maximum <= {MAX_TARGET_MCG:g}"
            )

    def band(self, total_mcg: Any) -> Any:
        """The one rule: 0 below, 1 within, 2 above, and 3 (unknown) for NaN, a K2 nobody
        measured; for a number, or a numpy array of them."""
        known = total_mcg == total_mcg  # False for NaN only
        judged = 1 * (total_mcg >= self.min_mcg) + 1 * (total_mcg > self.max_mcg)
        return judged * known + UNKNOWN_BAND * (1 - known)

    def as_dict(self) -> dict[str, float]:
        """The machine-readable shape: ``target_min_mcg`` and ``target_max_mcg``."""
        return {"target_min_mcg": self.min_mcg, "target_max_mcg": self.max_mcg}

    def status(self, total_mcg: float | None) -> str:
        """``below``, ``within`` or ``above`` the range; ``unknown`` for ``None`` or NaN (no
        K2 measured: never below, never zero)."""
        return STATUSES[self.band(math.nan if total_mcg is None else total_mcg)]

    @staticmethod
    def outside(status: str) -> bool:
        """True for ``below`` and ``above``: what ``--check`` exits 3 for (never unknown)."""
        return status in (BELOW, ABOVE)

    def statuses(self, totals_mcg: npt.ArrayLike) -> npt.NDArray[np.object_]:
        """``status`` of every total in a column, by the same rule."""
        import numpy as np

        bands = self.band(np.asarray(totals_mcg, dtype=float))
        statuses: npt.NDArray[np.object_] = np.asarray(STATUSES, dtype=object)[bands]
        return statuses
