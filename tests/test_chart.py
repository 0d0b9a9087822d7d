"""The text bar chart shared by `compare` and `log show`."""

from __future__ import annotations

from k2calc.chart import BAR_FULL, MARK, OVERFLOW, SCALE_CAP, bar_lines
from k2calc.target import Target


def test_scale_marks_and_width() -> None:
    lines = bar_lines([("a", 200.0), ("bb", 100.0), ("c", None)], Target(45, 200), width=80)
    assert all(len(line) <= 80 for line in lines)
    # label 2 + " │" + bars + " " + value 5 ("200.0"): 80 − 2 − 5 − 3 = 70 cells
    header, a, b, c = lines
    bars_a = a[a.index("│") + 1 :].split(" ")[0]
    assert bars_a == BAR_FULL * 70  # 200 of a 200 scale fills every cell
    assert b[4:].startswith(BAR_FULL * 35 + " ")  # 100 / 200 × 70 = 35 cells
    assert c.endswith("n/a") and BAR_FULL not in c
    mark_45 = 4 + 15  # int(45 / 200 × 70) = 15 cells in
    assert c[mark_45] == MARK and header[mark_45 : mark_45 + 2] == "45"
    assert header.endswith("200 mcg")


def test_scale_grows_with_the_largest_value_up_to_the_cap() -> None:
    lines = bar_lines([("a", 400.0), ("b", 100.0)], Target(45, 200), width=60)
    # 60 − 1 − 5 − 3 = 51 cells on a 400 mcg scale: b fills round(100/400 × 51 × 8)/8 cells
    assert lines[1].count(BAR_FULL) == 51
    assert lines[2].count(BAR_FULL) == 12  # 12.75 cells: 12 full and a ¾ cell
    assert lines[2].count(MARK) == 1  # 45 (cell 5) is under the bar; 200 (cell 25) shows


def test_one_huge_value_overflows_instead_of_squashing_the_rest() -> None:
    lines = bar_lines([("natto", 939.0), ("egg", 100.0)], Target(45, 200), width=60)
    natto, egg = lines[1:]
    assert OVERFLOW in natto  # 939 > 3 × 200: past the scale
    cells = 60 - 5 - 5 - 3
    expected = int(100 / (SCALE_CAP * 200) * cells)  # egg on a 600 mcg scale, not 939
    assert egg.count(BAR_FULL) == expected


def test_no_rows_no_lines() -> None:
    assert bar_lines([], Target()) == []
