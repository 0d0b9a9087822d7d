"""The machine-readable shape of a record, said once: the fields it shows, in order."""

from __future__ import annotations

from typing import Any, ClassVar


class Record:
    """A dataclass whose ``as_dict`` is its ``SHOWN`` fields in that order, where a value
    with its own ``as_dict`` (a ``VitaminK``, an ``Intake``) is spread in its place."""

    SHOWN: ClassVar[tuple[str, ...]] = ()

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape (keys end in their unit; ``null`` = not measured)."""
        shape: dict[str, Any] = {}
        for key in self.SHOWN:
            value = getattr(self, key)
            nested = getattr(value, "as_dict", None)
            shape.update(nested() if nested is not None else {key: value})
        return shape
