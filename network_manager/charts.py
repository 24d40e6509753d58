"""The dashboard's charts as SVG drawn on the server: no script (the CSP forbids inline
ones), no style attributes, and the page prints as it looks.

Every series pairs a colour with a pattern (solid, hatched, dotted…) and a dark outline,
so the series stay apart on a black-and-white print; each bar carries its value as text
and a <title> for hover. The page shows the same figures in a table for screen readers.
"""

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from network_manager.selectors import MeetingsChart, WarmthPoint

WIDTH = 900
HEIGHT = 330
MARGIN_LEFT = 56
MARGIN_RIGHT = 12
MARGIN_BOTTOM = 44
LEGEND_ROW = 24
FONT = 14
SMALL = 12


@dataclass(frozen=True)
class Fill:
    """A series' look: `base` colour, `ink` for pattern, outline and labels."""

    base: str
    ink: str
    pattern: str  # solid, hatch, backhatch, dots, cross, lines

    def paint(self, pattern_id: str) -> str:
        return self.base if self.pattern == "solid" else f"url(#{pattern_id})"


# Dark solid, light hatched, light dotted, cross-hatched, striped, back-hatched: six looks
# that stay distinct in grey; more teams repeat them (the labels still tell them apart).
TEAM_FILLS = [
    Fill("#2f54c9", "#14266b", "solid"),
    Fill("#f5c27a", "#8a5300", "hatch"),
    Fill("#c9ebd6", "#16794a", "dots"),
    Fill("#dfe6fb", "#213f9c", "cross"),
    Fill("#f8d4cf", "#b42318", "lines"),
    Fill("#ffffff", "#1d2530", "backhatch"),
]

WARMTH_FILLS = {
    "warm": Fill("#16794a", "#0b3d25", "solid"),
    "cooling": Fill("#fbe0a8", "#8a5300", "hatch"),
    "cold": Fill("#dbe4ee", "#3e5873", "dots"),
}


@dataclass
class Bars:
    """One series: its name, its fill and one value per column."""

    label: str
    fill: Fill
    values: list[int]


def _f(number: float) -> str:
    """A coordinate, to one decimal (format_html escapes its arguments into strings)."""
    return f"{number:.1f}"


def _pattern(pattern_id: str, fill: Fill) -> SafeString:
    if fill.pattern == "solid":
        return mark_safe("")
    marks = {
        "hatch": '<rect width="2.5" height="7" fill="{ink}"/>',
        "backhatch": '<rect width="2.5" height="7" fill="{ink}"/>',
        "cross": '<rect width="2" height="7" fill="{ink}"/>'
        '<rect width="7" height="2" fill="{ink}"/>',
        "lines": '<rect width="7" height="2.5" fill="{ink}"/>',
        "dots": '<circle cx="3.5" cy="3.5" r="1.6" fill="{ink}"/>',
    }[fill.pattern]
    rotate = {"hatch": 45, "backhatch": -45, "cross": 45}.get(fill.pattern, 0)
    return format_html(
        '<pattern id="{}" patternUnits="userSpaceOnUse" width="7" height="7"'
        ' patternTransform="rotate({})"><rect width="7" height="7" fill="{}"/>{}</pattern>',
        pattern_id,
        rotate,
        fill.base,
        format_html(marks, ink=fill.ink),
    )


def _nice_step(highest: int, ticks: int = 5) -> int:
    """A step of 1, 2 or 5 × 10ⁿ giving at most `ticks` gridlines up to `highest`."""
    if highest <= ticks:
        return 1
    raw = highest / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _legend(chart_id: str, series: list[Bars]) -> tuple[list[SafeString], int]:
    """Swatch and name per series, wrapped into rows; returns the parts and the height."""
    parts, x, y = [], MARGIN_LEFT, 4
    for index, bars in enumerate(series):
        width = 22 + int(len(bars.label) * FONT * 0.55) + 18
        if x + width > WIDTH and x > MARGIN_LEFT:
            x, y = MARGIN_LEFT, y + LEGEND_ROW
        parts.append(
            format_html(
                '<g class="chart__legend-item"><rect x="{}" y="{}" width="16" height="16"'
                ' fill="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="{}">{}</text></g>',
                x,
                y,
                bars.fill.paint(f"{chart_id}-p{index}"),
                bars.fill.ink,
                x + 22,
                y + 13,
                FONT,
                bars.label,
            )
        )
        x += width
    return parts, y + LEGEND_ROW + 8


def bar_chart(
    *,
    chart_id: str,
    title: str,
    y_label: str,
    columns: list[tuple[str, str]],
    column_titles: list[str],
    series: list[Bars],
    value_text: Callable[[int], str] = str,
    stacked: bool = False,
) -> SafeString:
    """Grouped (or stacked) bars with a y axis, column labels (two lines), a legend,
    a value on each bar and a <title> per bar."""
    parts: list[SafeString] = [
        format_html('<title id="{}-title">{}</title>', chart_id, title),
        mark_safe("<defs>"),
        *(_pattern(f"{chart_id}-p{i}", bars.fill) for i, bars in enumerate(series)),
        mark_safe("</defs>"),
    ]
    legend, top = _legend(chart_id, series)
    parts += legend
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - top - MARGIN_BOTTOM
    bottom = top + plot_h
    if stacked:
        highest = max(
            (sum(col) for col in zip(*(s.values for s in series), strict=True)), default=0
        )
    else:
        highest = max((max(s.values, default=0) for s in series), default=0)
    step = _nice_step(highest)
    ceiling = max(step, math.ceil(highest / step) * step)
    # Leaves room above the highest bar for its value.
    scale = (plot_h - 16) / ceiling

    parts += _y_axis(top, bottom, ceiling, step, scale, y_label)
    slot = plot_w / max(len(columns), 1)
    per_column = 1 if stacked else max(len(series), 1)
    bar_w = min(slot * 0.8 / per_column, 48)
    group_w = bar_w * per_column
    for c, (label, sublabel) in enumerate(columns):
        x0 = MARGIN_LEFT + c * slot + (slot - group_w) / 2
        centre = MARGIN_LEFT + c * slot + slot / 2
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" text-anchor="middle">{}</text>',
                _f(centre),
                bottom + 17,
                SMALL + 1,
                label,
            )
        )
        if sublabel:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="{}" text-anchor="middle"'
                    ' class="chart__muted">{}</text>',
                    _f(centre),
                    bottom + 33,
                    SMALL,
                    sublabel,
                )
            )
        base = bottom
        for s, bars in enumerate(series):
            value = bars.values[c]
            height = value * scale
            x = x0 if stacked else x0 + s * bar_w
            y = base - height if stacked else bottom - height
            bar_title = _("{series}, {column}: {value}").format(
                series=bars.label, column=column_titles[c], value=value_text(value)
            )
            parts.append(
                format_html(
                    '<rect class="chart__bar" x="{}" y="{}" width="{}" height="{}"'
                    ' fill="{}" stroke="{}" stroke-width="1"><title>{}</title></rect>',
                    _f(x + 0.5),
                    _f(y),
                    _f(max(bar_w - 1, 1)),
                    _f(height),
                    bars.fill.paint(f"{chart_id}-p{s}"),
                    bars.fill.ink,
                    bar_title,
                )
            )
            if value:
                parts.append(_value_label(x + bar_w / 2, y, height, value, bar_w, stacked))
            if stacked:
                base -= height
    return format_html(
        '<svg class="chart" id="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title"'
        ' font-family="system-ui, sans-serif">{}</svg>',
        chart_id,
        WIDTH,
        HEIGHT,
        chart_id,
        mark_safe("".join(parts)),
    )


def _value_label(
    x: float, y: float, height: float, value: int, bar_w: float, stacked: bool
) -> SafeString:
    """The value above a grouped bar, or inside a stacked segment on a white chip."""
    size = SMALL if bar_w >= 14 else 9
    if not stacked:
        return format_html(
            '<text class="chart__value" x="{}" y="{}" font-size="{}"'
            ' text-anchor="middle">{}</text>',
            _f(x),
            _f(y - 3),
            size,
            value,
        )
    if height < size + 4:
        return mark_safe("")
    chip_w = len(str(value)) * size * 0.65 + 6
    middle = y + height / 2
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#ffffff"'
        ' stroke="#5f6b7a" stroke-width="0.5"/>'
        '<text class="chart__value" x="{}" y="{}" font-size="{}"'
        ' text-anchor="middle">{}</text>',
        _f(x - chip_w / 2),
        _f(middle - size / 2 - 2),
        _f(chip_w),
        size + 4,
        _f(x),
        _f(middle + size / 2 - 1),
        size,
        value,
    )


def _y_axis(
    top: float, bottom: float, ceiling: int, step: int, scale: float, y_label: str
) -> list[SafeString]:
    parts = []
    for tick in range(0, ceiling + 1, step):
        y = bottom - tick * scale
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="{}" text-anchor="end">{}</text>',
                MARGIN_LEFT,
                WIDTH - MARGIN_RIGHT,
                _f(y),
                _f(y),
                "#5f6b7a" if tick == 0 else "#dfe3e9",
                MARGIN_LEFT - 6,
                _f(y + 4),
                SMALL,
                tick,
            )
        )
    middle = (top + bottom) / 2
    parts.append(
        format_html(
            '<text x="14" y="{}" font-size="{}" text-anchor="middle"'
            ' transform="rotate(-90 14 {})">{}</text>',
            _f(middle),
            SMALL + 1,
            _f(middle),
            y_label,
        )
    )
    return parts


def _month_columns(months: list[datetime.date]) -> list[tuple[str, str]]:
    """Short month names; the year under the first month and under each January."""
    return [
        (date_format(m, "M"), str(m.year) if i == 0 or m.month == 1 else "")
        for i, m in enumerate(months)
    ]


def meetings_chart(chart: MeetingsChart) -> SafeString:
    """Meetings per month, one bar per team in each month."""
    series = [
        Bars(s.team.name, TEAM_FILLS[i % len(TEAM_FILLS)], s.counts)
        for i, s in enumerate(chart.series)
    ]
    return bar_chart(
        chart_id="meetings-chart",
        title=_("Meetings per month per team, last 12 months"),
        y_label=_("Meetings"),
        columns=_month_columns(chart.months),
        column_titles=[date_format(m, "F Y") for m in chart.months],
        series=series,
        value_text=meetings_text,
    )


def warmth_trend_chart(points: list[WarmthPoint]) -> SafeString:
    """Relationships by warmth at each monthly snapshot and today, stacked."""
    columns, titles = [], []
    for i, point in enumerate(points):
        last = i == len(points) - 1
        if last:
            columns.append((_("Today"), ""))
            titles.append(_("today"))
        else:
            first_or_january = i == 0 or point.taken_on.month == 1
            columns.append(
                (
                    date_format(point.taken_on, "M"),
                    str(point.taken_on.year) if first_or_january else "",
                )
            )
            titles.append(date_format(point.taken_on))
    series = [
        Bars(_("Warm"), WARMTH_FILLS["warm"], [p.counts.warm for p in points]),
        Bars(_("Cooling"), WARMTH_FILLS["cooling"], [p.counts.cooling for p in points]),
        Bars(_("Cold"), WARMTH_FILLS["cold"], [p.counts.cold for p in points]),
    ]
    return bar_chart(
        chart_id="warmth-chart",
        title=_("Relationships by warmth, monthly"),
        y_label=_("Relationships"),
        columns=columns,
        column_titles=titles,
        series=series,
        value_text=relationships_text,
        stacked=True,
    )


def meetings_text(count: int) -> str:
    return ngettext("%(count)d meeting", "%(count)d meetings", count) % {"count": count}


def relationships_text(count: int) -> str:
    return ngettext("%(count)d relationship", "%(count)d relationships", count) % {"count": count}
