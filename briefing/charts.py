"""The briefing's two charts as PNG images drawn on the server with matplotlib: each cluster's output in the year
to date against the 100 / 200 / 1000亿元 lines, and how far each stage goal has come (with its status with the
projects under way where they change it).

Chinese text needs a font with Chinese characters: fontconfig is asked for one (`fc-list :lang=zh`, e.g. Debian's
fonts-wqy-microhei or fonts-noto-cjk, installed in the Docker image and in CI). Without one the charts are left
out (`charts_for` returns None) and the briefing says so, rather than printing boxes.
"""
from __future__ import annotations

import base64
import functools
import io
import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from core.formats import goal_status
from dashboards.charts import PALETTE, THRESHOLD_COLOUR
from progress.goals import GoalEvaluation

from .content import Briefing

SCALE_LINES = (Decimal(100), Decimal(200))
LARGE = Decimal(1000)
STATUS_COLOURS = {"met": "#2e8b57", "on_track": "#1f4e79", "at_risk": "#e07b24", "off_track": "#a52a2a",
                  "missed": "#0b0b0b", "no_data": "#6b6b6b"}
DPI = 150
WIDTH_IN = 7.5
# The output chart draws the largest clusters only, as a briefing's "前20名" does: a bar per cluster of a province
# (200 and more) is a picture ten thousand pixels tall that no one reads and that costs a worker 100 MB to draw,
# and each bar costs its label's text layout (about 4 ms). The table lists them all.
CHART_CLUSTERS = 20
# zlib level 3 instead of matplotlib's 6: the same size within 1 % for these flat-coloured charts, 10 % faster.
PNG_OPTIONS = {"compress_level": 3}
# The least distance between two scale lines' numbers, as a share of the value axis (a number is ~5 % wide).
LABEL_GAP = Decimal("0.06")


@dataclass(frozen=True)
class ChartImage:
    title: str
    png: bytes
    width_cm: float = 16.0

    @property
    def data_uri(self) -> str:
        """The image inline in the HTML page (the CSP allows data: images), so the page prints on its own."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def chinese_font() -> Path | None:
    """A font file with Chinese characters, as fontconfig lists them (honours FONTCONFIG_FILE); None without one.
    Asked once per process and configuration (fc-list takes about 10 ms): a font installed later needs a restart."""
    return _listed_font(os.environ.get("FONTCONFIG_FILE"))


@functools.cache
def _listed_font(config: str | None) -> Path | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listed = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, check=False,  # noqa: S603
                            timeout=30).stdout
    files = sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip())
    return Path(files[0]) if files else None


def preload() -> None:
    """Load matplotlib now, as far as drawing a chart loads it (the Agg canvas, the PNG writer, the Chinese font
    and its glyph cache): the web server's master does, before its workers fork (gunicorn_conf.when_ready), so
    that every worker shares it instead of loading it on its first briefing."""
    font = chinese_font()
    if font is None:
        return
    from matplotlib import font_manager, rc_context

    font_manager.fontManager.addfont(str(font))
    with rc_context({"font.family": [font_manager.FontProperties(fname=str(font)).get_name()]}):
        figure = _figure(1.0, ["锦州产业集群"], 8)
        figure.subplots().set_title("锦州产业集群 0123456789")
        _png(figure)


def _figure(height_in: float, labels: list[str], label_size: float):
    """A figure of one horizontal bar chart whose bars are labelled `labels` (in points of `label_size`), its
    margins computed here: matplotlib's layout engine lays every label out a dozen times, a third of the drawing's
    cost, which grows with the bars."""
    from matplotlib.figure import Figure  # the object API: no pyplot state, safe in a web process

    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
    label_in = max((_text_width_pt(label, label_size) for label in labels), default=0) / 72 + 0.15
    figure.subplots_adjust(left=min(label_in, WIDTH_IN / 2) / WIDTH_IN, right=1 - 0.25 / WIDTH_IN,
                           top=1 - 0.4 / height_in, bottom=0.55 / height_in)
    return figure


def _bar_labels(axes, labels: list[str], size: float) -> None:
    """Each bar's name left of the axis, as a text of its own rather than a tick label (a tick is two lines and two
    texts, made and measured per bar: a third of a chart of twenty bars)."""
    from matplotlib.transforms import blended_transform_factory

    axes.set_yticks([])
    beside = blended_transform_factory(axes.transAxes, axes.transData)
    for index, label in enumerate(labels):
        axes.text(-0.01, index, label, transform=beside, ha="right", va="center", fontsize=size)


def _text_width_pt(text: str, size: float) -> float:
    """About how wide `text` is drawn: a full em for a wide (Chinese) character, 0.6 em for any other."""
    return size * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def _png(figure) -> bytes:
    """The figure as PNG, its drawing released at once: a figure holds reference cycles, so its canvas (a bitmap
    of several MB) would otherwise wait for Python's cycle collector, which big C buffers do not prompt; a web
    worker grew by 9 MB with every briefing until it ran."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs=PNG_OPTIONS)
    figure.clear()
    figure.canvas.renderer = None
    return buffer.getvalue()


def _output_chart(briefing: Briefing) -> ChartImage | None:
    lines = [line for line in briefing.clusters if line.row is not None]
    if not lines:
        return None
    lines.sort(key=lambda line: line.row.ytd_value)
    left_out, lines = len(lines) - min(len(lines), CHART_CLUSTERS), lines[-CHART_CLUSTERS:]
    values = [float(line.row.ytd_value) for line in lines]  # drawing only: the numbers themselves stay Decimal
    highest = max(line.row.ytd_value for line in lines)
    scale = [*SCALE_LINES, *([LARGE] if highest * 2 >= LARGE else [])]
    figure = _figure(1.2 + 0.32 * len(lines), [line.cluster.name_zh for line in lines], 8)
    axes = figure.subplots()
    axes.barh(range(len(lines)), values, color=PALETTE[0],
              hatch=["//" if line.row.demo_units else "" for line in lines], edgecolor="white")
    _bar_labels(axes, [line.cluster.name_zh for line in lines], 8)
    numbered = numbered_lines(scale, max(highest, *scale))
    for value in scale:
        axes.axvline(float(value), color=THRESHOLD_COLOUR, linestyle="--", linewidth=1)
        if value in numbered:
            axes.text(float(value), len(lines) - 0.4, f" {value:,.0f}", color=THRESHOLD_COLOUR, fontsize=8)
    axes.set_xlabel(_("Output in the year to date (亿元)"))
    axes.spines[["top", "right"]].set_visible(False)
    title = _("Clusters' output in the year to %(period)s against 100 / 200 / 1000亿元") % {
        "period": briefing.period.label}
    axes.set_title(title, fontsize=10, y=1, pad=6)  # placed, not fitted above the ticks: a sixth of the drawing
    if left_out:  # in the caption: drawn in the picture, it ran past its edge
        title += _(" (the %(shown)s largest; the other %(left_out)s are in the table)") % {
            "shown": len(lines), "left_out": left_out}
    if any(line.row.demo_units for line in lines):
        title += _(" (hatched: demo data)")
    return ChartImage(title, _png(figure))


def numbered_lines(lines: list[Decimal], top: Decimal) -> list[Decimal]:
    """The scale lines (ascending) whose number is written beside them on an axis up to `top`: each at least
    `LABEL_GAP` of the axis from the previous numbered one, so that 100 and 200 beside a bar of 15,000 do not
    run into each other (the chart's title names every line)."""
    numbered: list[Decimal] = []
    for line in lines:
        if not numbered or line - numbered[-1] >= top * LABEL_GAP:
            numbered.append(line)
    return numbered


def goal_bar_label(e: GoalEvaluation) -> str:
    """A goal's bar label: how far it has come and its status on the trend, and the status with the projects under
    way where they change it (trend + pipeline)."""
    label = f" {e.attained * 100:.0f}% · {goal_status(e.status)}"
    if e.status_with_pipeline and e.status_with_pipeline != e.status:
        label += _("; with the projects under way: %(status)s") % {"status": goal_status(e.status_with_pipeline)}
    return label


def _goals_chart(briefing: Briefing) -> ChartImage | None:
    judged = [e for e in briefing.goals if e.attained is not None]
    if not judged:
        return None
    judged.reverse()  # horizontal bars read top-down: the first goal goes last
    figure = _figure(1.2 + 0.3 * len(judged), [e.goal.description_zh for e in judged], 7)
    axes = figure.subplots()
    shown = [min(float(e.attained) * 100, 150) for e in judged]  # a goal past 150 % is drawn at 150 %
    axes.barh(range(len(judged)), shown, color=[STATUS_COLOURS.get(e.status, PALETTE[2]) for e in judged])
    _bar_labels(axes, [e.goal.description_zh for e in judged], 7)
    for index, e in enumerate(judged):
        axes.text(shown[index], index, goal_bar_label(e), va="center", fontsize=7)
    axes.axvline(100, color=THRESHOLD_COLOUR, linestyle="--", linewidth=1)
    axes.set_xlim(0, 190)
    axes.set_xlabel(_("Attained (% of the target)"))
    axes.spines[["top", "right"]].set_visible(False)
    title = _("Stage goals: how far each has come (%(year)s)") % {"year": briefing.year}
    axes.set_title(title, fontsize=10, y=1, pad=6)
    return ChartImage(title, _png(figure))


def charts_for(briefing: Briefing) -> list[ChartImage] | None:
    """The charts that have data to draw; None when no Chinese font is installed (the charts are left out)."""
    font = chinese_font()
    if font is None:
        return None
    from matplotlib import font_manager, rc_context

    font_manager.fontManager.addfont(str(font))
    name = font_manager.FontProperties(fname=str(font)).get_name()
    # Glyphs unhinted: FreeType's autohinter (matplotlib's default) was a fifth of a chart's drawing with this CJK
    # font, and at 150 dpi the letters look the same.
    with rc_context({"font.family": [name], "axes.unicode_minus": False, "hatch.color": "#ffffff",
                     "text.hinting": "no_hinting"}):
        return [chart for chart in (_output_chart(briefing), _goals_chart(briefing)) if chart is not None]
