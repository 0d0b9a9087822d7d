"""The page form of a view (``--format html``): one self-contained HTML file to print or hand over.

Inline CSS and SVG only: no script, no font, image or style sheet from the network. The tables
and lines are the view's table form (its ``blocks``), cell for cell; the page puts a header
above them (whom and what it is about, the dates, the target, when and by which k2calc and
food table it was made), its charts and sections (``View.page``) after them, then the sources
behind the values shown and the not-medical-advice line. It prints on A4 and Letter alike:
the page size is the printer's, the content narrower than either.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

from k2calc import __version__
from k2calc.output import PAGE_WIDTH, Block, FrameTable, Grid, Legend, Page, TextChart, View

if TYPE_CHECKING:
    from rich.text import Text

NOT_ADVICE = (
    "Not medical advice. k2calc reports what published food tables say about the foods "
    "logged. If you take warfarin or another vitamin K antagonist, keep your vitamin K intake "
    "steady and talk to your clinician before changing it."
)
# rich colours of the table form, as the page's classes (kept dark enough to print)
COLOUR_CLASSES = ("yellow", "green", "red", "cyan")

STYLE = """
:root { --ink: #1b1b1b; --rule: #bbb; --faint: #f3f3f3; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial,
  sans-serif; color: var(--ink); margin: 0 auto; padding: 12px; max-width: 180mm;
  print-color-adjust: exact; -webkit-print-color-adjust: exact; }
header { border-bottom: 2px solid var(--ink); margin-bottom: 10px; }
h1 { font-size: 15pt; margin: 0 0 2px; }
h2 { font-size: 11.5pt; margin: 14px 0 4px; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 10px 0 2px; break-after: avoid; }
h2.starts { break-before: page; font-size: 13pt; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 1px 10px;
  margin: 4px 0 8px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 4px 0 6px; font-size: 8.5pt;
  font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 2px 0; }
th, td { border-bottom: 1px solid var(--rule); padding: 1px 6px; vertical-align: top;
  text-align: left; white-space: pre-line; }
thead th { border-bottom: 1.5px solid var(--ink); }
thead { display: table-header-group; }
tfoot td { border-top: 1.5px solid var(--ink); font-weight: 600; }
tr { break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
th.num { text-align: right; }
table.wide { font-size: 7pt; }
table.wide th, table.wide td { padding: 1px 3px; }
table.card td { border: none; }
tr.bold td { font-weight: 600; background: var(--faint); }
tbody + tbody { border-top: 1.5px solid var(--ink); }
p.line { margin: 2px 0; white-space: pre-wrap; }
pre { font-size: 8pt; margin: 4px 0; }
figure { margin: 8px 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 8.5pt; }
.bold { font-weight: 600; }
.dim { color: #555; }
.yellow { color: #8a5a00; } .green { color: #1b6e20; } .red { color: #b3261e; }
.cyan { color: #006a7a; }
footer { border-top: 1px solid var(--ink); margin-top: 14px; font-size: 8.5pt; }
footer ol { padding-left: 18px; margin: 4px 0; }
p.advice { font-weight: 600; }
@page { margin: 12mm; }
@media print { body { padding: 0; max-width: none; } }
"""


def made_at() -> dt.datetime:
    """When the page is made: now, or ``SOURCE_DATE_EPOCH`` where set (reproducible pages)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


def write_page(view: View, file: TextIO) -> None:
    """``view`` as one self-contained HTML page."""
    wide = PAGE_WIDTH.set(UNBOUNDED)
    try:
        file.write(_page(view))
    finally:
        PAGE_WIDTH.reset(wide)


UNBOUNDED = 10**6  # a page's tables keep every column
WIDE_COLUMNS = 12  # a table of more columns is set smaller, to fit A4's width


def _page(view: View) -> str:
    page = view.page
    title = " · ".join(part for part in (page.subject, page.about or "k2calc") if part)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="k2calc {__version__}">',
        f"<title>{_escape(title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        _header(page, title),
        "<main>",
    ]
    charts = page.charts()
    pictured = bool(charts)
    parts.extend(_block(block, pictured) for block in view.blocks)
    for chart in charts:
        if chart.starts:
            parts.append(f'<h2 class="starts">{_escape(chart.starts)}</h2>')
        note = f"<figcaption>{_escape(chart.note)}</figcaption>" if chart.note else ""
        parts.append(f"<figure><h3>{_escape(chart.heading)}</h3>{_bare_svg(chart.svg)}{note}")
        parts.append("</figure>")
    parts.extend(_block(block, pictured) for block in page.sections)
    parts += ["</main>", _footer(page), "</body></html>"]
    return "\n".join(part for part in parts if part) + "\n"


def _header(page: Page, title: str) -> str:
    facts = [
        ("Person", page.subject),
        ("Dates", page.period),
        ("Target", page.target),
        ("Values", page.table_values),
        ("Made", f"{made_at():%Y-%m-%d %H:%M} UTC by k2calc {__version__}, {table_line()}"),
    ]
    listed = "".join(
        f"<dt>{_escape(name)}</dt><dd>{_escape(value)}</dd>" for name, value in facts if value
    )
    return f'<header><h1>{_escape(title)}</h1><dl class="facts">{listed}</dl></header>'


def table_line() -> str:
    """Which food table the values come from: the built-in one, by its SHA-256."""
    from k2calc.foods import builtin_digest

    return f"food table foods.csv (SHA-256 {builtin_digest()[:12]})"


def _footer(page: Page) -> str:
    cited = page_sources(page.foods)
    listing = "".join(
        f"<li><b>{_escape(key)}</b>: {_escape(citation)} <span class='dim'>"
        f"({_escape(', '.join(foods))})</span></li>"
        for key, (citation, foods) in cited.items()
    )
    sources = f"<h2>Sources of the values shown</h2><ol>{listing}</ol>" if listing else ""
    return f'<footer>{sources}<p class="advice">{_escape(NOT_ADVICE)}</p></footer>'


def page_sources(foods: Iterable[str]) -> dict[str, tuple[str, list[str]]]:
    """The sources of the built-in ``foods`` named, as {key: (citation, foods citing it)}."""
    from k2calc.foods import Food, builtin_table, fold_key, source_citations

    rows, index = builtin_table()
    citations = source_citations()
    cited: dict[str, tuple[str, list[str]]] = {}
    for name in dict.fromkeys(foods):
        position = index.get(fold_key(name))
        if position is None:
            continue  # a food of the user's own file or a supplement: no table source
        for key in Food(*rows[position]).sources:
            cited.setdefault(key, (citations.get(key, ""), []))[1].append(name)
    return dict(sorted(cited.items()))


def _block(block: Block, pictured: bool) -> str:
    if isinstance(block, TextChart):
        return "" if pictured else f"<pre>{_escape(block)}</pre>"
    if isinstance(block, Grid):
        return _table(block)
    if isinstance(block, Legend):
        return f'<p class="line">{_rich(block.text(None))}</p>'  # a page shows every column
    if isinstance(block, FrameTable):
        import pandas as pd

        from k2calc.frames import as_records

        batches = list(block.rows.batches())
        rows = as_records(pd.concat(batches)) if batches else []
        return "\n".join(_block(b, pictured) for b in block.blocks(rows))
    if isinstance(block, str):
        return f'<p class="line">{_escape(block.strip(chr(10)))}</p>' if block.strip() else ""
    return f'<p class="line">{_rich(block)}</p>'


def _table(grid: Grid) -> str:
    columns = [c for c in grid.columns if not c.stands_for]  # every column, no stand-ins
    numeric = [_class_attribute(("num" if c.numeric else "") + " " + c.style) for c in columns]
    caption = f"<caption>{_escape(grid.title)}</caption>" if grid.title else ""
    head = ""
    if not grid.bare:
        cells = "".join(
            f"<th{n}>{_heading(c.header)}</th>" for c, n in zip(columns, numeric, strict=True)
        )
        head = f"<thead><tr>{cells}</tr></thead>"
    bodies: list[list[str]] = [[]]
    previous: Any = None
    for row in grid.rows:
        if previous is not None and grid.section_after and grid.section_after(previous, row):
            bodies.append([])
        style = grid.row_style(row) if grid.row_style else ""
        row_class = _class_attribute(style or "")
        cells = "".join(
            f"<td{n}>{_cell(c.cell(row))}</td>" for c, n in zip(columns, numeric, strict=True)
        )
        bodies[-1].append(f"<tr{row_class}>{cells}</tr>")
        previous = row
    body = "".join(f"<tbody>{''.join(rows)}</tbody>" for rows in bodies if rows)
    foot = ""
    if grid.footer:
        cells = "".join(
            f"<td{n}>{_escape(c.footer)}</td>" for c, n in zip(columns, numeric, strict=True)
        )
        foot = f"<tfoot><tr>{cells}</tr></tfoot>"
    kind = ' class="card"' if grid.bare else ' class="wide"' if len(columns) > WIDE_COLUMNS else ""
    return f"<table{kind}>{caption}{head}{body}{foot}</table>"


def _heading(text: str) -> str:
    """A column's heading that may break after a slash when long ("Below/within/above"),
    never at a hyphen ("MK-7")."""
    escaped = _escape(text).replace("-", NON_BREAKING_HYPHEN)
    return escaped.replace("/", "/<wbr>") if len(text) > LONG_HEADER else escaped


NON_BREAKING_HYPHEN = "\u2011"


LONG_HEADER = 8


def _class_attribute(style: str) -> str:
    classes = " ".join(w for w in style.split() if w == "num" or w in _classes(w))
    return f' class="{classes}"' if classes else ""


def _classes(style: str) -> str:
    """A rich style ("bold green") as the page's classes for it."""
    return " ".join(w for w in style.split() if w in ("bold", "dim", *COLOUR_CLASSES))


def _cell(value: Any) -> str:
    return _escape(value) if isinstance(value, str) else _rich(value)


def _rich(text: Text) -> str:
    """A rich ``Text`` as HTML: each styled stretch in a span of its colour and weight (the
    page's classes), whatever the terminal's colour settings."""
    plain = text.plain
    cuts = sorted({0, len(plain), *(s.start for s in text.spans), *(s.end for s in text.spans)})
    parts = []
    for start, end in itertools.pairwise(cuts):
        styles = [str(text.style)]
        styles += [str(s.style) for s in text.spans if s.start <= start and end <= s.end]
        classes = _classes(" ".join(styles))
        content = _escape(plain[start:end])
        parts.append(f'<span class="{classes}">{content}</span>' if classes else content)
    return "".join(parts)


def _escape(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _bare_svg(svg: str) -> str:
    """An SVG document as an element to put in a page (no XML prologue or doctype)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else ""
