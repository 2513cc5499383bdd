"""Bar and line charts drawn on the server as inline SVG: no script, readable without one, printable.

`bar_chart` and `line_chart` take labels and one or more named series (bars stacked when several); the SVG carries a
title and a description for screen readers, and every bar or point a <title> with its exact value. The
data is also shown as a table by the pages that use it, so nothing is only in the picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#2f6fb3", "#2e9e5b", "#d9822b", "#c23b3b", "#7a5cc2", "#6b7785")


@dataclass
class Series:
    name: str
    values: list[float | None]  # None: no value there (a gap in a line, nothing in a bar)
    color: str = ""


def bar_chart(title: str, labels: list[str], series: list[Series], *, width: int = 640, height: int = 220,
              unit: str = "", max_value: float | None = None) -> Markup:
    """An SVG bar chart (stacked when given several series), sized by viewBox so it scales to its box."""
    left, bottom, top, right = LEFT, BOTTOM, TOP, RIGHT
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    peak = max_value if max_value is not None else 4 * math.ceil(max(totals + [1]) / 4)  # counts: whole ticks
    slot = plot_w / max(len(labels), 1)
    bar_w = min(60.0, max(4.0, slot * 0.6))
    parts = _frame(title, width, height, peak, unit)
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        base = float(top + plot_h)
        for n, s in enumerate(series):
            value = s.values[i] or 0
            if value <= 0:
                continue
            h = plot_h * value / peak
            base -= h
            color = s.color or PALETTE[n % len(PALETTE)]
            parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{color}">'
                         f"<title>{escape(label)}: {escape(s.name)} {_fmt(value)}{escape(unit)}</title></rect>")
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" font-size="10" '
                     f'fill="#333">{escape(label)}</text>')
    if len(series) > 1:
        parts += _legend(series, height)
    parts.append("</svg>")
    return Markup("".join(parts))


LEFT, BOTTOM, TOP, RIGHT = 40, 36, 12, 8  # the plot's margins inside the viewBox


def _frame(title: str, width: int, height: int, peak: float, unit: str) -> list[str]:
    """The SVG's opening with its title, and the value axis: five grid lines with their values."""
    plot_h = height - TOP - BOTTOM
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{_id(title)}-t" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="{_id(title)}-t">{escape(title)}</title>']
    for step in range(5):
        y = TOP + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e2e6e9"/>'
                     f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="#555">'
                     f"{_fmt(peak * step / 4)}{escape(unit)}</text>")
    return parts


def _legend(series: list[Series], height: int) -> list[str]:
    parts, x = [], LEFT
    for n, s in enumerate(series):
        color = s.color or PALETTE[n % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{height - 12}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{x + 14}" y="{height - 3}" font-size="10" fill="#333">{escape(s.name)}</text>')
        x += 24 + 7 * len(s.name)
    return parts


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _id(title: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())[:40]


def line_chart(title: str, labels: list[str], series: list[Series], *, width: int = 640,
               height: int = 220, unit: str = "", max_value: float | None = None) -> Markup:
    """An SVG line chart, one line per series; a None value is a gap (a day with no data), not a zero."""
    left, bottom, top, right = LEFT, BOTTOM, TOP, RIGHT
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    peak = max_value if max_value is not None else 4 * math.ceil(max(values + [1]) / 4)
    step_x = plot_w / max(len(labels) - 1, 1)
    first_x = left if len(labels) > 1 else left + plot_w / 2  # a single day sits in the middle
    parts = _frame(title, width, height, peak, unit)
    for i, label in enumerate(labels):
        parts.append(f'<text x="{first_x + step_x * i:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                     f'font-size="10" fill="#333">{escape(label)}</text>')
    for n, s in enumerate(series):
        color = s.color or PALETTE[n % len(PALETTE)]
        points = [(first_x + step_x * i, top + plot_h - plot_h * v / peak, label, v)
                  for i, (label, v) in enumerate(zip(labels, s.values, strict=False)) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _label, _v in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y, label, v in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                         f"<title>{escape(label)}: {escape(s.name)} {_fmt(v)}{escape(unit)}</title></circle>")
    parts += _legend(series, height)
    parts.append("</svg>")
    return Markup("".join(parts))
