"""A plain-text bar chart of amounts against the target (no rich; used by compare and log)."""

from __future__ import annotations

from collections.abc import Sequence

from k2calc.target import Target

BAR_EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_FULL = "█"
MARK = "┊"
OVERFLOW = "▸"
NOT_APPLICABLE = "n/a"
MAX_LABEL_WIDTH = 20
SCALE_CAP = 3.0  # the scale stops at 3 × the target's maximum, so one huge value squashes no one


def _fit(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _mark_header(marks: list[tuple[int, str]], offset: int) -> str:
    """The figures of the marks, each starting above its column, pushed right on overlap."""
    line = ""
    for column, text in marks:
        start = max(offset + column, len(line) + 1 if line else 0)
        line = line.ljust(start) + text
    return line


def bar_lines(
    rows: Sequence[tuple[str, float | None]], target: Target | None, width: int = 80
) -> list[str]:
    """A horizontal bar per (label, mcg), with the target's minimum and maximum drawn across
    (no marks with no ``target``: K1 has none).

    The scale runs to the largest value, at least the target's maximum and at most
    ``SCALE_CAP`` times it; a bar past the scale ends in ``▸``. A row without a value
    (``None``) gets no bar and ``n/a``. The first line labels the marks; every line fits
    in ``width``.
    """
    if not rows:
        return []
    values = [NOT_APPLICABLE if v is None else f"{v:,.1f}" for _, v in rows]
    label_width = min(MAX_LABEL_WIDTH, max(len(label) for label, _ in rows))
    value_width = max(len(v) for v in values)
    bar_width = max(10, width - label_width - value_width - 3)  # "label │bars value"
    top = 0.0 if target is None else target.max_mcg
    largest = max([top, *(v for _, v in rows if v is not None)])
    scale = min(largest, SCALE_CAP * top) if top > 0 else largest
    scale = scale or 1.0

    def column(mcg: float) -> int:
        return min(bar_width - 1, int(mcg / scale * bar_width))

    marks: dict[int, str] = {}
    for figure in () if target is None else (target.min_mcg, target.max_mcg):
        at = column(figure)
        text = f"{figure:g}" if figure == round(figure) else f"{figure:,.1f}"
        marks[at] = f"{marks[at]}/{text}" if at in marks else text
    lines = [_mark_header(sorted(marks.items()), label_width + 2) + " mcg"]
    for (label, value), value_text in zip(rows, values, strict=True):
        cells = [MARK if i in marks else " " for i in range(bar_width)]
        if value is not None:
            full, eighths = divmod(round(min(value, scale) / scale * bar_width * 8), 8)
            cells[:full] = BAR_FULL * full
            if eighths and full < bar_width:
                cells[full] = BAR_EIGHTHS[eighths]
            if value > scale:
                cells[-1] = OVERFLOW
        name = _fit(label, label_width)
        lines.append(f"{name:<{label_width}} │{''.join(cells)} {value_text:>{value_width}}")
    return lines
