"""The charts of a page, drawn as SVG by matplotlib (imported only when a page is made).

A day not logged, or logged with no K2 measured, is a gap with a mark saying so, never a bar
of 0. Each function takes the calendar days shown and the logged days' intakes by date.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from k2calc.days import DayIntake, K1Band
from k2calc.output import Chart
from k2calc.target import Target

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN = 7.0  # the content width of a printed page (180 mm)
HEIGHT_IN = 2.6
# MK-4, MK-7, other MK, then K2 given only as a total: one colour each, told apart in grey
FORM_COLOURS = (("MK-4", "#1f5fa8"), ("MK-7", "#e08a00"), ("Other MK", "#5b9a3c"))
UNSPLIT = ("Not split by form", "#9a9a9a")
K1_COLOUR = "#006a7a"
BAND_COLOUR = "#d9ead3"
OUTSIDE_COLOUR = "#b3261e"
GAP_COLOUR = "#eeeeee"


def _figure(height: float = HEIGHT_IN) -> tuple[Figure, Axes]:
    import matplotlib

    matplotlib.use("svg")  # no display, no GUI toolkit
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text as text: small, searchable, the page's own font
            "svg.hashsalt": "k2calc",  # the same ids every run: a page made twice is the same
            "font.size": 8,
            "font.family": "sans-serif",
        }
    )
    figure = Figure(figsize=(WIDTH_IN, height))
    # fixed margins, room for the legend below: laid out once (a tight box draws twice)
    figure.subplots_adjust(left=0.08, right=0.99, top=0.95, bottom=0.3)
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _bars(
    axes: Axes,
    positions: Sequence[float],
    heights: Sequence[float],
    colour: str,
    label: str,
    bottoms: Sequence[float] | None = None,
) -> None:
    """Bars as one collection of rectangles (far faster to draw than a patch per bar), with
    a legend entry; a height of 0 draws nothing."""
    from matplotlib.collections import PolyCollection

    base = bottoms or [0.0] * len(heights)
    boxes = [
        [(x - BAR / 2, b), (x - BAR / 2, b + h), (x + BAR / 2, b + h), (x + BAR / 2, b)]
        for x, h, b in zip(positions, heights, base, strict=True)
        if h
    ]
    axes.add_collection(PolyCollection(boxes, facecolors=colour, linewidths=0, zorder=2))
    axes.fill_between([], [], color=colour, label=label)  # the legend's swatch


BAR = 0.8  # a bar's width, in days


def _date_axis(axes: Axes, dates: Sequence[str]) -> None:
    """Day positions 0… labelled with dates, a label every few days so they never crowd."""
    step = max(1, len(dates) // 12)
    ticks = list(range(0, len(dates), step))
    axes.set_xticks(ticks, [dt.date.fromisoformat(dates[i]).strftime("%b %d") for i in ticks])
    axes.set_xlim(-0.6, len(dates) - 0.4)
    axes.tick_params(axis="x", labelrotation=0)


def _gaps(axes: Axes, dates: Sequence[str], missing: Mapping[str, str]) -> None:
    """A grey column with the reason written up it for each day with no figure."""
    for position, date in enumerate(dates):
        if date in missing:
            axes.axvspan(position - 0.45, position + 0.45, color=GAP_COLOUR, zorder=0, lw=0)
            axes.text(
                position,
                0.5,
                missing[date],
                transform=axes.get_xaxis_transform(),
                rotation=90,
                ha="center",
                va="center",
                fontsize=7,
                color="#444444",
            )


NOT_LOGGED_MARK = "not logged"
NOT_MEASURED_MARK = "not measured"


def k2_by_day(dates: Sequence[str], days: Mapping[str, DayIntake], target: Target) -> str:
    """K2 a day stacked by form (MK-4, MK-7, other MK, and K2 not split by form) against the
    target band; days not logged, and days with no K2 measured, grey gaps saying so."""
    figure, axes = _figure()
    axes.axhspan(target.min_mcg, target.max_mcg, color=BAND_COLOUR, zorder=0, lw=0)
    axes.annotate(
        f"target {target.min_mcg:g}–{target.max_mcg:g}",
        (1, target.max_mcg),
        xycoords=("axes fraction", "data"),
        ha="right",
        va="bottom",
        fontsize=7,
        color="#3b6e2f",
    )
    positions = range(len(dates))
    bottom = [0.0] * len(dates)
    parts = [(*FORM_COLOURS[0], "mk4_mcg"), (*FORM_COLOURS[1], "mk7_mcg")]
    parts += [(*FORM_COLOURS[2], "other_mk_mcg"), (*UNSPLIT, "unsplit_mk_mcg")]
    for label, colour, key in parts:
        heights = [(getattr(days[d].vitamin_k, key) or 0.0) if d in days else 0.0 for d in dates]
        if any(heights):
            _bars(axes, positions, heights, colour, label, bottom)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    missing = {d: NOT_LOGGED_MARK for d in dates if d not in days}
    missing |= {d: NOT_MEASURED_MARK for d in dates if d in days and not _k2_known(days[d])}
    _gaps(axes, dates, missing)
    _date_axis(axes, dates)
    axes.set_ylabel("mcg K2")
    axes.set_ylim(0, max([target.max_mcg * 1.1, *bottom]) * 1.05)
    _legend(axes)
    return _svg(figure)


def _k2_known(day: DayIntake) -> bool:
    return day.vitamin_k.total_mcg is not None


def _legend(axes: Axes) -> None:
    axes.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncols=6, frameon=False)


def k1_by_day(dates: Sequence[str], days: Mapping[str, DayIntake], band: K1Band) -> str:
    """K1 a day against the person's own mean and a band of ± ``band.share`` around it; the
    days outside it in red (a comparison of the person with themselves, not advice)."""
    figure, axes = _figure()
    axes.axhspan(
        band.low_mcg,
        band.high_mcg,
        color=BAND_COLOUR,
        zorder=0,
        lw=0,
        label=f"own mean ± {band.share:.0%}: {band.low_mcg:,.0f}–{band.high_mcg:,.0f}",
    )
    label = f"own mean {band.mean_mcg:,.0f}"
    axes.axhline(band.mean_mcg, color="#333333", lw=1, ls="--", zorder=1, label=label)
    outside = set(band.days_outside)
    values = {d: days[d].vitamin_k.k1_mcg or 0.0 for d in dates if d in days}
    for label, colour, shown in (
        ("K1, within the band", K1_COLOUR, [d for d in values if d not in outside]),
        ("K1, outside the band", OUTSIDE_COLOUR, [d for d in values if d in outside]),
    ):
        if shown:
            _bars(axes, [dates.index(d) for d in shown], [values[d] for d in shown], colour, label)
    missing = {d: NOT_LOGGED_MARK for d in dates if d not in days}
    missing |= {
        d: NOT_MEASURED_MARK for d in dates if d in days and days[d].vitamin_k.k1_mcg is None
    }
    _gaps(axes, dates, missing)
    _date_axis(axes, dates)
    axes.set_ylabel("mcg K1")
    axes.set_ylim(0, (max([band.high_mcg, *values.values()]) * 1.1) or 1.0)
    _legend(axes)
    return _svg(figure)


def weekly(weeks: Sequence[Mapping[str, Any]]) -> str:
    """Weekly means of K2 and of K1 (days logged only), side by side, each on its own scale."""
    figure, axes = _figure(height=2.2)
    figure.delaxes(axes)
    labels = [dt.date.fromisoformat(w["week_start"]).strftime("%b %d") for w in weeks]
    for position, (key, name, colour) in enumerate(
        (("mean_mcg", "K2", FORM_COLOURS[0][1]), ("k1_mean_mcg", "K1 (not K2)", K1_COLOUR))
    ):
        panel = figure.add_subplot(1, 2, position + 1)
        panel.spines[["top", "right"]].set_visible(False)
        panel.bar(range(len(weeks)), [w[key] for w in weeks], 0.7, color=colour)
        panel.set_xticks(range(len(weeks)), labels, rotation=45 if len(weeks) > 6 else 0)
        panel.set_title(f"{name}: mean a day, by week (mcg)", fontsize=8)
        for i, week in enumerate(weeks if len(weeks) <= LABELLED_WEEKS else ()):
            panel.annotate(
                f"{week['days']} d",
                (i, 0),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                fontsize=6,
                color="white",
            )
    figure.subplots_adjust(wspace=0.3, top=0.85)
    return _svg(figure)


LABELLED_WEEKS = 8  # more weeks than this, and the bars are too narrow to say their days


def day_charts(
    dates: Sequence[str], days: Mapping[str, DayIntake], target: Target, band: K1Band
) -> tuple[Chart, Chart]:
    """K2 a day by form against the target, and K1 a day against the own-mean band."""
    k2 = Chart(
        f"K2 a day by form, against the target {target.min_mcg:g}–{target.max_mcg:g} mcg",
        k2_by_day(dates, days, target),
        "A grey column is a gap (a day not logged, or no K2 measured), never a 0.",
    )
    k1 = Chart(
        f"K1 a day against the own mean ± {band.share:.0%}",
        k1_by_day(dates, days, band),
        "Red: a day outside the band. A comparison of the days with their own mean, "
        "not a target and not advice.",
    )
    return k2, k1
