"""Charts drawn on the server as inline SVG, so they work without JavaScript and under the strict CSP.

No `style` attributes and no scripts: geometry and colours are SVG presentation attributes (which the
CSP's style-src does not govern), with classes the stylesheet (assets/tenderbox.scss) can refine. Each
chart is an image to assistive technology: `role="img"`, an `aria-label`, and `<title>`/`<desc>`
saying what it shows; the page puts the same numbers in a table beside it, which is the accessible
form of the data. Values are never coloured alone: a point that missed its target is drawn hollow.

    line_chart(title=..., description=..., labels=[...], series=[Series("Acme", [1, 2, None])], target=3)
    bar_chart(title=..., description=..., labels=[...], values=[...], target=3)

`None` is a period with no value: a gap in the line, no bar.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count

from markupsafe import Markup, escape

WIDTH = 640
PLOT_HEIGHT = 200
MARGIN_LEFT = 64
MARGIN_RIGHT = 24
MARGIN_TOP = 52  # the title, then the unit above the y axis
LABELS_HEIGHT = 48  # x labels, up to two lines each
LEGEND_ROW = 20
MAX_X_LABELS = 12
# Arial at 12px averages about 6.6px a character: enough to lay out legends and wrap labels.
CHAR_WIDTH = 6.6
# GOV.UK Design System colours: text, blue, green, purple, orange, pink, turquoise; red for misses.
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
TARGET = "#00703c"
SERIES_COLOURS = ("#1d70b8", "#4c2c92", "#f47738", "#d53880", "#28a197", "#505a5f")
MARKERS = ("circle", "square", "diamond", "triangle")

_ids = count(1)


@dataclass(frozen=True)
class Series:
    """One line: a name for the legend and a value (or None) per x label."""

    name: str
    values: list
    met: list = field(default_factory=list)  # per value: True met target, False missed, None unknown


def fmt(value) -> str:
    """A number as people read it: thousands separated, at most two decimals, no trailing zeros."""
    number = Decimal(str(value))
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def nice_ticks(lo: float, hi: float, *, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick values covering lo..hi: steps of 1, 2, 2.5 or 5 times a power of ten (whole steps
    only when the values are counts)."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1, math.ceil(step))
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    n = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(n + 1)]


def _num(v) -> float | None:
    return None if v is None else float(v)


def _attrs(**attrs) -> str:
    return " ".join(f'{k.rstrip("_").replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items())


class _Frame:
    """The plot area, the scale from values to y pixels, and the rows of the legend under it."""

    def __init__(self, labels, values, *, width, plot_height, include_zero, integer=False, legend=()):
        self.width = width
        self.left, self.right = MARGIN_LEFT, width - MARGIN_RIGHT
        self.top = MARGIN_TOP
        self.bottom = MARGIN_TOP + plot_height
        known = [v for v in values if v is not None]
        lo, hi = (min(known), max(known)) if known else (0.0, 1.0)
        if known:
            # A little headroom, so that no point sits on the frame's edge (bars keep their zero).
            pad = (hi - lo) * 0.05
            lo, hi = (lo if include_zero and lo >= 0 else lo - pad), hi + pad
        if include_zero:
            lo, hi = min(lo, 0.0), max(hi, 0.0)
        self.ticks = nice_ticks(lo, hi, integer=integer)
        self.lo, self.hi = self.ticks[0], self.ticks[-1]
        self.labels = labels
        self.band = (self.right - self.left) / max(len(labels), 1)
        self.legend = _layout_legend(list(legend), self.left, self.right)
        rows = 1 + max((row for row, _, _ in self.legend), default=-1)
        self.legend_top = self.bottom + LABELS_HEIGHT
        self.height = self.legend_top + rows * LEGEND_ROW + 8

    def y(self, value: float) -> float:
        return round(self.bottom - (value - self.lo) / (self.hi - self.lo) * (self.bottom - self.top), 2)

    def x(self, index: int) -> float:
        return round(self.left + self.band * (index + 0.5), 2)


def _layout_legend(items: list[tuple], left: float, right: float) -> list[tuple[int, float, tuple]]:
    """(row, x, item) for each legend item, wrapping to a new row when the next would not fit."""
    placed, row, x = [], 0, left
    for item in items:
        width = 24 + CHAR_WIDTH * len(item[0]) + 16
        if x > left and x + width > right:
            row, x = row + 1, left
        placed.append((row, x, item))
        x += width
    return placed


def _wrap(label: str, width: float) -> list[str]:
    """A label in at most two lines that fit the band; a longer one is cut with an ellipsis (the table
    and the point's tooltip have it whole)."""
    most = max(3, int(width // CHAR_WIDTH))
    lines, line = [], ""
    for word in label.split():
        candidate = f"{line} {word}".strip()
        if len(candidate) <= most or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return [text if len(text) <= most else text[: most - 1].rstrip() + "…" for text in lines]


def _open(chart_id: str, title: str, description: str, frame: _Frame, kind: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart app-chart--{kind}" '
        f'viewBox="0 0 {frame.width} {frame.height}" role="img" aria-label="{escape(title)}" '
        f'aria-describedby="{chart_id}-desc" font-family="arial, sans-serif" font-size="14">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<text class="app-chart__title" x="{frame.left}" y="22" font-size="18" font-weight="bold" '
        f'fill="{TEXT}">{escape(title)}</text>',
    ]


def _axes(frame: _Frame, unit: str) -> list[str]:
    out = ['<g class="app-chart__axes">']
    for tick in frame.ticks:
        y = frame.y(tick)
        out.append(
            f'<line class="app-chart__grid" {_attrs(x1=frame.left, x2=frame.right, y1=y, y2=y)} '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text class="app-chart__tick" x="{frame.left - 8}" y="{y + 5}" text-anchor="end" '
            f'fill="{TEXT}">{escape(fmt(tick))}</text>'
        )
    out.append(
        f'<line class="app-chart__axis" {_attrs(x1=frame.left, x2=frame.left, y1=frame.top, y2=frame.bottom)}'
        f' stroke="{TEXT}" stroke-width="1"/>'
    )
    out.append(
        '<line class="app-chart__axis" '
        f"{_attrs(x1=frame.left, x2=frame.right, y1=frame.bottom, y2=frame.bottom)}"
        f' stroke="{TEXT}" stroke-width="1"/>'
    )
    # Thin the x labels out so that they never overlap; the table beside the chart has every period.
    every = max(1, math.ceil(len(frame.labels) / MAX_X_LABELS))
    for i, label in enumerate(frame.labels):
        x = frame.x(i)
        out.append(
            f'<line class="app-chart__tick-mark" {_attrs(x1=x, x2=x, y1=frame.bottom, y2=frame.bottom + 5)} '
            f'stroke="{TEXT}" stroke-width="1"/>'
        )
        if i % every == 0:
            lines = _wrap(label, frame.band * every - 4)
            spans = "".join(
                f'<tspan x="{x}" dy="{0 if n == 0 else 14}">{escape(text)}</tspan>'
                for n, text in enumerate(lines)
            )
            out.append(
                f'<text class="app-chart__label" x="{x}" y="{frame.bottom + 20}" text-anchor="middle" '
                f'font-size="12" fill="{TEXT}">{spans}</text>'
            )
    if unit:
        # Left-aligned at the chart's edge above the axis, so a long unit is never cut off.
        out.append(
            f'<text class="app-chart__unit" x="4" y="{frame.top - 12}" font-size="12" '
            f'fill="{TEXT}">{escape(unit)}</text>'
        )
    out.append("</g>")
    return out


def _target(frame: _Frame, target: float | None, unit: str) -> list[str]:
    if target is None:
        return []
    y = frame.y(target)
    label = f"Target {fmt(target)}{_unit_suffix(unit)}"
    return [
        f'<g class="app-chart__target"><line {_attrs(x1=frame.left, x2=frame.right, y1=y, y2=y)} '
        f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>',
        f'<text x="{frame.right}" y="{y - 6}" text-anchor="end" font-size="12" font-weight="bold" '
        f'fill="{TARGET}">{escape(label)}</text></g>',
    ]


def _unit_suffix(unit: str) -> str:
    return unit if unit == "%" else (f" {unit}" if unit else "")


def _marker(shape: str, x: float, y: float, colour: str, hollow: bool, tip: str) -> str:
    fill = "#ffffff" if hollow else colour
    state = " app-chart__point--missed" if hollow else ""
    paint = f'class="app-chart__point{state}" fill="{fill}" stroke="{colour}" stroke-width="2"'
    if shape == "square":
        body = f'<rect x="{x - 5}" y="{y - 5}" width="10" height="10" {paint}>'
        end = "</rect>"
    elif shape == "diamond":
        body = f'<polygon points="{x},{y - 6} {x + 6},{y} {x},{y + 6} {x - 6},{y}" {paint}>'
        end = "</polygon>"
    elif shape == "triangle":
        body = f'<polygon points="{x},{y - 6} {x + 6},{y + 5} {x - 6},{y + 5}" {paint}>'
        end = "</polygon>"
    else:
        body = f'<circle cx="{x}" cy="{y}" r="5" {paint}>'
        end = "</circle>"
    return body + f"<title>{escape(tip)}</title>{end}"


def _legend_items(entries, *, target: bool, misses: bool, miss_shape: str = "circle") -> list[tuple]:
    items = [(name, "marker", colour, shape) for name, colour, shape in entries]
    if target:
        items.append(("Target", "target", TARGET, ""))
    if misses:
        items.append(("Hollow: target missed", "missed", SERIES_COLOURS[0], miss_shape))
    return items


def _legend(frame: _Frame) -> list[str]:
    """The key under the plot: each series' marker and name, the target line, what hollow means."""
    out = ['<g class="app-chart__legend">']
    for row, x, (name, kind, colour, shape) in frame.legend:
        y = frame.legend_top + row * LEGEND_ROW
        if kind == "target":
            out.append(
                f'<line {_attrs(x1=x, x2=x + 18, y1=y - 4, y2=y - 4)} stroke="{TARGET}" stroke-width="2" '
                'stroke-dasharray="6 4"/>'
            )
        else:
            out.append(_marker(shape, round(x + 8, 2), y - 4, colour, kind == "missed", name))
        out.append(f'<text x="{round(x + 24, 2)}" y="{y}" font-size="12" fill="{TEXT}">{escape(name)}</text>')
    out.append("</g>")
    return out


def _met(flags: list, i: int):
    return flags[i] if flags and i < len(flags) else None


def line_chart(
    *,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    target=None,
    unit: str = "",
    width: int = WIDTH,
    plot_height: int = PLOT_HEIGHT,
) -> Markup:
    """A line per series over the x labels, with the target as a dashed line."""
    chart_id = f"chart-{next(_ids)}"
    values = [_num(v) for s in series for v in s.values]
    styles = [
        (SERIES_COLOURS[n % len(SERIES_COLOURS)], MARKERS[n % len(MARKERS)]) for n in range(len(series))
    ]
    misses = any(v is not None and _met(s.met, i) is False for s in series for i, v in enumerate(s.values))
    legend = _legend_items(
        [(s.name, c, m) for s, (c, m) in zip(series, styles, strict=True)],
        target=target is not None,
        misses=misses,
    )
    frame = _Frame(
        labels,
        [*values, _num(target)],
        width=width,
        plot_height=plot_height,
        include_zero=False,
        legend=legend,
    )
    out = _open(chart_id, title, description, frame, "line")
    out += _axes(frame, unit)
    out += _target(frame, _num(target), unit)
    for n, (s, (colour, shape)) in enumerate(zip(series, styles, strict=True)):
        out.append(f'<g class="app-chart__series app-chart__series--{n % len(SERIES_COLOURS) + 1}">')
        # A gap where a period has no value: the line is broken, never drawn through it.
        runs, run = [], []
        for i, v in enumerate(s.values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(f"{frame.x(i)},{frame.y(float(v))}")
        if run:
            runs.append(run)
        for r in runs:
            if len(r) > 1:
                out.append(
                    f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width="3" '
                    'stroke-linejoin="round"/>'
                )
        for i, v in enumerate(s.values):
            if v is None:
                continue
            met = _met(s.met, i)
            tip = f"{s.name}, {labels[i]}: {fmt(v)}{_unit_suffix(unit)}"
            if met is not None:
                tip += ", target met" if met else ", target missed"
            out.append(_marker(shape, frame.x(i), frame.y(float(v)), colour, met is False, tip))
        out.append("</g>")
    out += _legend(frame)
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text and attribute value above is escaped


def bar_chart(
    *,
    title: str,
    description: str,
    labels: list[str],
    values: list,
    target=None,
    unit: str = "",
    met: list | None = None,
    name: str = "Value",
    integer: bool = False,
    width: int = WIDTH,
    plot_height: int = PLOT_HEIGHT,
) -> Markup:
    """A bar per x label from zero, with the target as a dashed line; a missed target is a hollow bar.
    `integer` keeps the ticks whole, for counts."""
    chart_id = f"chart-{next(_ids)}"
    numbers = [_num(v) for v in values]
    colour = SERIES_COLOURS[0]
    misses = any(v is not None and _met(met, i) is False for i, v in enumerate(numbers))
    legend = _legend_items(
        [(name, colour, "square")], target=target is not None, misses=misses, miss_shape="square"
    )
    frame = _Frame(
        labels,
        [*numbers, _num(target)],
        width=width,
        plot_height=plot_height,
        include_zero=True,
        integer=integer,
        legend=legend,
    )
    out = _open(chart_id, title, description, frame, "bar")
    out += _axes(frame, unit)
    bar_width = round(min(frame.band * 0.6, 64), 2)
    zero = frame.y(0.0)
    out.append('<g class="app-chart__series app-chart__series--1">')
    for i, v in enumerate(numbers):
        if v is None:
            continue
        top = frame.y(v)
        y, h = (top, round(zero - top, 2)) if v >= 0 else (zero, round(top - zero, 2))
        flag = _met(met, i)
        tip = f"{labels[i]}: {fmt(v)}{_unit_suffix(unit)}"
        if flag is not None:
            tip += ", target met" if flag else ", target missed"
        cls = "app-chart__bar app-chart__bar--missed" if flag is False else "app-chart__bar"
        fill = "#ffffff" if flag is False else colour
        # A zero is drawn as a 1px bar on the axis, so that "none" is seen, not mistaken for missing.
        out.append(
            f'<rect class="{cls}" x="{round(frame.x(i) - bar_width / 2, 2)}" y="{y}" width="{bar_width}" '
            f'height="{max(h, 1)}" fill="{fill}" stroke="{colour}" stroke-width="2">'
            f"<title>{escape(tip)}</title></rect>"
        )
    out.append("</g>")
    out += _target(frame, _num(target), unit)
    out += _legend(frame)
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text and attribute value above is escaped
