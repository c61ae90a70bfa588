"""Charts as inline SVG: no script, no stylesheet or font from the network, so a report opens offline.

A chart is a set of series over dates, each a line with an optional band (an interval per point), drawn on
shared axes: dates along x, the value along y, with a legend.
"""

import datetime
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 28
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


@dataclass(frozen=True)
class Series:
    name: str
    days: list[datetime.date]
    values: list[float | None]
    lows: list[float | None] | None = None
    highs: list[float | None] | None = None


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    return start if high == low else start + (value - low) / (high - low) * (end - start)


def line_chart(series: list[Series], y_range: tuple[float, float], y_label: str) -> str:
    """An SVG line chart of `series` (points without a value are skipped), bands drawn under the lines."""
    days = sorted({day for one in series for day in one.days})
    if not days:
        return '<p class="empty">No data.</p>'
    first, last = days[0].toordinal(), days[-1].toordinal()
    low, high = y_range
    base = HEIGHT - BOTTOM

    def x(day: datetime.date) -> float:
        return _scale(day.toordinal(), first, last, LEFT, WIDTH - RIGHT)

    def y(value: float) -> float:
        return _scale(value, low, high, HEIGHT - BOTTOM, TOP)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(y_label)}">',
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#999"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#999"/>',
        f'<text x="4" y="{TOP + 4}" font-size="11">{high:g}</text>',
        f'<text x="4" y="{HEIGHT - BOTTOM}" font-size="11">{low:g}</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="11">{days[0]}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" font-size="11" text-anchor="end">{days[-1]}</text>',
    ]
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        if one.lows is not None and one.highs is not None:
            band = [(d, lo, hi) for d, lo, hi in zip(one.days, one.lows, one.highs, strict=True)
                    if lo is not None and hi is not None]  # fmt: skip
            if band:
                upper = [f"{x(d):.1f},{y(hi):.1f}" for d, _, hi in band]
                lower = [f"{x(d):.1f},{y(lo):.1f}" for d, lo, _ in reversed(band)]
                parts.append(f'<polygon class="band" points="{" ".join(upper + lower)}" fill="{colour}" '
                             'fill-opacity="0.15"/>')  # fmt: skip
        points = [
            f"{x(d):.1f},{y(v):.1f}" for d, v in zip(one.days, one.values, strict=True) if v is not None
        ]
        if points:
            parts.append(f'<polyline class="line" points="{" ".join(points)}" fill="none" stroke="{colour}" '
                         'stroke-width="2"/>')  # fmt: skip
        legend_y = TOP + 14 * index + 8
        parts.append(
            f'<rect x="{WIDTH - RIGHT + 10}" y="{legend_y - 8}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT + 24}" y="{legend_y + 1}" font-size="11">{escape(one.name)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
