"""Render the example pages in headless Chromium and check them as a person would see them.

    python scripts/render_pages.py [--chromium PATH] [--out DIR] [--screenshot FILE]

For each example page (docs/example-*.html, made by scripts/update_docs.py): a PNG screenshot
and a PDF on A4 and on Letter, each checked not blank; the DOM Chromium dumps, checked to hold
every logged day's K2 and K1 figures (a report's: every subject's means) from the JSON of
the same command; and the page's width laid
out in a window as wide as A4's printable width, checked to need no more. Run by .ci/run
after it installs Chromium with apt; not part of the pip-only test command.
``--screenshot FILE`` also writes the first page's screenshot there (README's picture).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from update_docs import EXAMPLE_PAGES, ROOT, example_week_output  # noqa: E402

# Chromium headless as root in a container, with nothing fetched from the network.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
MM_PER_INCH = 25.4
CSS_PX_PER_INCH = 96
PDF_PT_PER_INCH = 72
PAPERS = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}  # mm
PAGE_MARGIN_MM = 12.0  # the page's @page margin
MIN_INK = 0.02  # at least this share of a screenshot's pixels is not background
MIN_COLOURS = 16  # and it has at least this many colours (text, charts, table rules)


def chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One headless Chromium run with a fresh profile folder."""
    shutil.rmtree(profile, ignore_errors=True)
    command = [binary, *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        raise SystemExit(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


def check_png(path: Path) -> str:
    """A screenshot with ink on it: enough non-white pixels and colours."""
    from PIL import Image  # matplotlib's own dependency

    with Image.open(path) as image:
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=1 << 24) or []
        total = pixels.width * pixels.height
    white = sum(count for count, rgb in colours if isinstance(rgb, tuple) and min(rgb) >= 250)
    ink = 1 - white / total
    if ink < MIN_INK or len(colours) < MIN_COLOURS:
        raise SystemExit(f"{path}: blank ({ink:.1%} ink, {len(colours)} colours)")
    return f"{pixels.width}x{pixels.height}, {ink:.1%} ink, {len(colours)} colours"


def check_pdf(path: Path, paper: str) -> str:
    """A PDF of at least one page, every page of ``paper`` size, with content drawn."""
    data = path.read_bytes()
    if not data.startswith(b"%PDF"):
        raise SystemExit(f"{path}: not a PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    width, height = (mm / MM_PER_INCH * PDF_PT_PER_INCH for mm in PAPERS[paper])
    if not boxes or any(abs(float(w) - width) > 1 or abs(float(h) - height) > 1 for w, h in boxes):
        raise SystemExit(f"{path}: pages {boxes[:3]} are not {paper} ({width:.0f}x{height:.0f})")
    streams = len(re.findall(rb"\bstream\r?\n", data))
    if streams < len(boxes) or len(data) < 20_000:
        raise SystemExit(f"{path}: nothing drawn ({len(data)} bytes, {streams} streams)")
    return f"{len(boxes)} page(s) {paper}, {len(data):,} bytes"


def day_figures(command: list[str]) -> list[str]:
    """The K2 total and K1 of every logged day (of a log), or the K2 and K1 means of every
    subject (of a report's summary), as the page shows them, from the JSON."""
    document = json.loads(example_week_output([*command, "--format", "json"]))
    rows, keys = document["days"], ("total_mcg", "k1_mcg")
    if command[0] == "report":
        rows, keys = document["summary"], ("mean_mcg", "k1_mean_mcg")
    return [f"{row[key]:,.1f}" for row in rows for key in keys if row[key] is not None]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--out", type=Path, help="where to keep the renderings")
    parser.add_argument("--screenshot", type=Path, help="write the first page's PNG here too")
    options = parser.parse_args()
    out = options.out or Path(tempfile.mkdtemp(prefix="k2calc-pages-"))
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    for number, (page, command) in enumerate(EXAMPLE_PAGES.items()):
        stem = page.stem
        shown = page.read_text(encoding="utf-8")
        if shown != example_week_output([*command, "--format", "html"]):
            raise SystemExit(f"{page.relative_to(ROOT)} is stale: run scripts/update_docs.py")
        url = page.resolve().as_uri()
        png = out / f"{stem}.png"
        chromium(options.chromium, profile, "--window-size=900,1500", f"--screenshot={png}", url)
        print(f"{stem}.png: {check_png(png)}")
        if number == 0 and options.screenshot:
            shutil.copyfile(png, options.screenshot)
        for paper in PAPERS:
            sized = out / f"{stem}-{paper}.html"
            sized.write_text(
                shown.replace("</head>", f"<style>@page {{ size: {paper}; }}</style></head>"),
                encoding="utf-8",
            )
            pdf = out / f"{stem}-{paper}.pdf"
            chromium(
                options.chromium,
                profile,
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                sized.as_uri(),
            )
            print(f"{stem}-{paper}.pdf: {check_pdf(pdf, paper)}")
        dom = chromium(options.chromium, profile, "--dump-dom", url).stdout
        missing = [f for f in day_figures(command) if f not in dom]
        if missing or "Not medical advice." not in dom:
            raise SystemExit(f"{stem}: the dumped DOM lacks the day figures {missing}")
        print(f"{stem}: the DOM holds every day's K2 and K1 figure")
        # The narrowest printable width (A4 less its margins) in CSS pixels: the page's
        # layout must need no more, or print would cut or shrink it.
        printable = round((PAPERS["A4"][0] - 2 * PAGE_MARGIN_MM) / MM_PER_INCH * CSS_PX_PER_INCH)
        probe = out / f"{stem}-width.html"
        probe.write_text(
            shown.replace(
                "</body>",
                "<script>document.body.dataset.width="
                "document.documentElement.scrollWidth</script></body>",
            ),
            encoding="utf-8",
        )
        laid_out = chromium(
            options.chromium,
            profile,
            f"--window-size={printable},1000",
            "--dump-dom",
            probe.as_uri(),
        ).stdout
        width = re.search(r'data-width="(\d+)"', laid_out)
        if width is None or int(width[1]) > printable:
            found = width[1] if width else "?"
            raise SystemExit(f"{stem}: {found} px wide, more than A4's printable {printable} px")
        print(f"{stem}: {width[1]} px wide, fits A4's printable {printable} px")
    return 0


if __name__ == "__main__":
    sys.exit(main())
