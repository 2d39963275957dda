"""Charts as data: an Apache ECharts option built here, drawn by static/js/charts.js.

A `Chart` carries its ECharts option and the table behind it (`core.sheets.Table`): the table
is the chart's text alternative on the page, its .xlsx/.csv download and what tests compare with
the API. Values stay `Decimal` and travel to the browser as strings ("123.45"), which ECharts
reads as numbers on a value axis; nothing here turns money into floats.

Every chart turns on ECharts' `aria` support: decal patterns on bars and areas (so series stay
apart when printed in greyscale) and a generated description for screen readers.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.sheets import Table

# Colours that stay distinguishable in greyscale: each step differs in lightness, not just hue.
PALETTE = ["#1f4e79", "#e07b24", "#6b6b6b", "#2e8b57", "#0b0b0b", "#b9a0d6", "#a52a2a", "#9ac6e8"]
THRESHOLD_COLOUR = "#a52a2a"
# The parts a chart does not name one by one ("the other 980 enterprises"): grey, without a pattern.
REST_COLOUR = "#c9ced6"
ROUND_STEPS = [Decimal(step) for step in ("1", "1.2", "1.5", "2", "2.5", "3", "4", "5", "6", "8", "10")]


@dataclass
class Chart:
    """One chart on a dashboard: `key` names it in the page and in `?chart=<key>&export=csv`."""

    key: str
    title: str
    option: dict
    table: Table
    demo: bool = False
    note: str = ""
    kind: str = field(default="bar")
    height: int | None = None  # px, for charts whose size follows their rows (one bar per cluster)

    downloads: dict[str, str] = field(default_factory=dict)  # format → query string, set when rendered

    @property
    def empty(self) -> bool:
        """Nothing to draw: no rows, or rows whose every value is a gap (an empty axis tells nobody anything)."""
        if not self.table.rows:
            return True
        series = self.option.get("series", [])
        return bool(series) and all(_point(v) is None for s in series for v in s.get("data", []))

    @property
    def element_id(self) -> str:
        """The id of the page's JSON data block that holds the option."""
        return f"chart-data-{self.key}"


def _number(value: Decimal | int | None) -> str | int | None:
    """A value as ECharts reads it: Decimals as exact strings, None as a gap."""
    if value is None:
        return None
    return value if isinstance(value, int) else str(value)


def _point(value: object) -> object:
    return value.get("value") if isinstance(value, dict) else value


# Category labels longer than this (in characters) are turned on a vertical chart with many categories,
# so that every one is drawn whole; ECharts would otherwise drop some (hideOverlap) or clip the first.
LONG_LABEL = 4
MANY_CATEGORIES = 4
ROTATED_DEGREES = 30


def _category_axis(categories: Sequence[str], *, horizontal: bool) -> dict:
    """Every category named: no label skipped or hidden, long ones turned on a crowded vertical axis."""
    label: dict = {"interval": 0}
    crowded = len(categories) > MANY_CATEGORIES and any(len(c) > LONG_LABEL for c in categories)
    if crowded and not horizontal:
        label["rotate"] = ROTATED_DEGREES
    return {"type": "category", "data": list(categories), "axisLabel": label}


def _label_px(text: str) -> int:
    """The drawn width of an axis label at ECharts' default 12 px font: CJK characters square, others ~7 px."""
    return sum(12 if ord(ch) > 0x2E7F else 7 for ch in text)


def _rotated_room(categories: Sequence[str]) -> int:
    """Room (px) left of the plot for the first rotated label, which reaches left of its tick and past the
    value axis's labels; ECharts' containLabel does not count that overhang."""
    overhang = max(_label_px(c) for c in categories) * math.cos(math.radians(ROTATED_DEGREES))
    return max(8, math.ceil(overhang) - 20)


def bar_rows_height(rows: int) -> int:
    """The height (px) of a horizontal bar chart with one bar per row, every name legible."""
    return max(240, 90 + 24 * rows)


def _base(title: str) -> dict:
    return {
        "color": PALETTE,
        "animation": False,  # printed pages and screenshots show the final state
        "aria": {"enabled": True, "decal": {"show": True}, "label": {"description": title}},
        "grid": {"left": 8, "right": 24, "top": 48, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "confine": True},
        "legend": {"top": 0, "type": "scroll"},
    }


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | int | None]
    kind: str = "bar"  # "bar" or "line"
    stack: str | None = None


@dataclass(frozen=True)
class Threshold:
    """A horizontal target line (e.g. 100亿元) drawn across a value chart."""

    label: str
    value: Decimal


def axis_chart(*, categories: Sequence[str], series: Sequence[Series], unit: str,
               thresholds: Sequence[Threshold] = (), horizontal: bool = False) -> dict:
    """Bars and/or lines over categories (clusters, quarters), with optional target lines."""
    option = _base(unit)
    category_axis = _category_axis(categories, horizontal=horizontal)
    value_axis = {"type": "value", "name": unit}
    if horizontal:
        # The unit under the axis, centred: at the axis's end it would stand outside the canvas.
        value_axis |= {"nameLocation": "middle", "nameGap": 24}
        option["grid"]["bottom"] = 30
    option["xAxis"], option["yAxis"] = (value_axis, category_axis) if horizontal else (category_axis, value_axis)
    if "rotate" in category_axis["axisLabel"]:
        option["grid"]["left"] = _rotated_room(categories)
    option["series"] = [
        {"name": s.name, "type": s.kind, "data": [_number(v) for v in s.values],
         **({"stack": s.stack} if s.stack else {}), **({"connectNulls": False} if s.kind == "line" else {})}
        for s in series
    ]
    if thresholds and option["series"]:
        axis = "xAxis" if horizontal else "yAxis"
        option["series"][0]["markLine"] = {
            "symbol": "none", "silent": True,
            "lineStyle": {"color": THRESHOLD_COLOUR, "type": "dashed"},
            "label": {"formatter": "{b}", "position": "insideEndTop"},
            "data": [{"name": t.label, axis: _number(t.value)} for t in thresholds],
        }
    return option


def fit_value_axis(option: dict, *, top: Decimal | None, horizontal: bool = False) -> dict:
    """Stretch the value axis of an `axis_chart` up to at least `top`, rounded up to a round number.

    ECharts scales the axis to the data only, so a target line above every bar (a 1000亿元 goal
    over 200亿元 bars) would not be drawn; pass the highest value and threshold to keep both in view.
    """
    if top is None or top <= 0:
        return option
    top = Decimal(top) * Decimal("1.05")  # room for the line's label above the highest line
    if top.adjusted() < 1:
        ceiling = int(top) + 1
    else:
        magnitude = Decimal(10) ** top.adjusted()
        ceiling = next(int(step * magnitude) for step in ROUND_STEPS if step * magnitude >= top)
    option["xAxis" if horizontal else "yAxis"]["max"] = ceiling
    return option


def funnel_chart(*, stages: Sequence[tuple[str, int]], unit: str) -> dict:
    """A pipeline funnel: one block per stage, widest first, each labelled with its count."""
    option = _base(unit)
    option["tooltip"] = {"trigger": "item"}
    option["series"] = [{
        "name": unit, "type": "funnel", "sort": "none", "gap": 2, "minSize": "8%", "left": "10%", "width": "80%",
        "label": {"show": True, "position": "inside", "formatter": "{b}: {c}"},
        "data": [{"name": name, "value": count} for name, count in stages],
    }]
    return option


def pie_chart(*, parts: Sequence[tuple[str, Decimal | None]], unit: str,
              rest: tuple[str, Decimal] | None = None) -> dict:
    """Shares of a whole (enterprises in a cluster's output); `rest`, the parts not named one by one, in grey."""
    option = _base(unit)
    option["tooltip"] = {"trigger": "item", "formatter": "{b}: {c} ({d}%)"}
    data = [{"name": name, "value": _number(value)} for name, value in parts]
    if rest is not None:
        data.append({"name": rest[0], "value": _number(rest[1]),
                     "itemStyle": {"color": REST_COLOUR, "decal": {"symbol": "none"}}})
    option["series"] = [{"name": unit, "type": "pie", "radius": ["35%", "70%"], "top": 32, "data": data}]
    return option


def largest_first(rows: Sequence[tuple], keep: int | None) -> tuple[list[tuple], int]:
    """(cluster, value) rows, the largest value first (rows without a value last, then by the cluster's code): the
    first `keep`, or every row with None, and how many were left out. `value` has `.value` (a roll-up Value)."""
    ordered = sorted(rows, key=lambda row: (row[1] is None, -(row[1].value if row[1] else 0), row[0].code))
    left_out = 0 if keep is None else max(len(ordered) - keep, 0)
    return ordered[:len(ordered) - left_out], left_out


def demo_title(title: str, demo: bool) -> str:
    """A chart title that says so when demo rows fed it."""
    return f"{title}（{_('demo data')}）" if demo else title
