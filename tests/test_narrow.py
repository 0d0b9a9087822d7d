"""Tables on a narrow terminal: the forms shown always add up to the total, a line says what
was hidden and how to see it, and the legend explains only the columns shown."""

from __future__ import annotations

import pytest
from helpers import Invoke

ITEMS = ("30 g natto", "2 eggs", "1 oz gouda")  # gouda's 13.4 mcg is K2 not split by form


def _table(stdout: str) -> tuple[list[str], list[list[str]]]:
    """The header and body rows (footer included) of the first box table in ``stdout``."""
    lines = stdout.splitlines()
    parts = [[c.strip() for c in line.split("┃")[1:-1]] for line in lines if "┃" in line]
    header = [" ".join(p for p in column if p) for column in zip(*parts, strict=True)]
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in lines if line.startswith("│")]
    return header, rows


def _number(cell: str) -> float:
    return 0.0 if cell in {"—", "n/s"} else float(cell.rstrip("*†").replace(",", ""))


def _forms_add_up(header: list[str], rows: list[list[str]], forms: list[str]) -> None:
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        assert sum(_number(cells[f]) for f in forms) == pytest.approx(
            _number(cells["Total"]), abs=0.11
        )


def test_at_full_width_the_unsplit_part_has_its_column(
    k2: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    run = k2("total", *ITEMS)
    header, rows = _table(run.stdout)
    assert header[3:8] == ["MK-4", "MK-7", "Other MK", "n/s", "Total"]
    _forms_add_up(header, rows, ["MK-4", "MK-7", "Other MK", "n/s"])
    assert rows[-1][6] == "13.4"  # gouda's 28.35 g × 47.3 mcg/100 g, not split by form
    assert "Hidden" not in run.stdout


def test_at_80_columns_the_band_goes_first_and_a_line_says_so(k2: Invoke) -> None:
    run = k2("total", *ITEMS)
    header, rows = _table(run.stdout)
    assert "Range" not in header and "Other MK" in header and "n/s" in header
    _forms_add_up(header, rows, ["MK-4", "MK-7", "Other MK", "n/s"])
    assert "Hidden to fit 80 columns: Range; a wider terminal or -f csv shows every column." in (
        run.stdout
    )


def test_then_other_and_unsplit_are_summed_in_one_column(
    k2: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    run = k2("total", *ITEMS)
    header, rows = _table(run.stdout)
    assert header[3:7] == ["MK-4", "MK-7", "Other + unsplit", "Total"]
    _forms_add_up(header, rows, ["MK-4", "MK-7", "Other + unsplit"])
    assert rows[-1][5] == "15.8"  # other MK 2.4 (eggs) + unsplit 13.4 (gouda)
    text = " ".join(run.stdout.split())
    assert "Hidden to fit 72 columns: Range, Other MK, n/s (Other MK and n/s summed as " in text
    assert "'Other + unsplit')" in text


def test_then_every_form_goes_at_once_and_the_legend_follows(
    k2: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    run = k2("total", *ITEMS)
    header, _ = _table(run.stdout)
    assert header == ["Item", "Food", "Grams", "Total", "K1"]
    text = " ".join(run.stdout.split())
    assert "Hidden to fit 60 columns: Range, Other MK, n/s, MK-4, MK-7;" in text
    assert "n/s not split by form" not in run.stdout  # no form column shown to explain
    assert "K1 phylloquinone" in text


def test_no_form_is_dropped_alone(k2: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    # Foods without unsplit K2: MK-4, MK-7 and Other MK are shown together or not at all.
    for width in range(40, 121, 4):
        monkeypatch.setenv("COLUMNS", str(width))
        header, _ = _table(k2("total", "30 g natto", "2 eggs", "1 slice cheddar").stdout)
        shown = {"MK-4", "MK-7", "Other MK"} & set(header)
        assert shown in (set(), {"MK-4", "MK-7", "Other MK"}), (width, header)
