"""The briefing as a Word document (.docx, python-docx), in the order of the HTML page (templates/briefing/).

Chinese text is set in 宋体 (headings in 黑体), the fonts Chinese offices expect; a machine without them (LibreOffice
on Linux) substitutes a Chinese font through fontconfig.
"""
from __future__ import annotations

import io

from django.utils.translation import gettext as _

from .charts import ChartImage
from .content import Briefing
from .text import TableText

BODY_FONT, HEADING_FONT = "宋体", "黑体"
# cluster, quarter, growth, year to date, its growth, stage targets, status, demo
CLUSTER_COLUMNS_CM = (3.2, 1.7, 1.5, 1.8, 1.5, 3.1, 2.0, 1.2)
# park, 七通一平, overdue, area, area target, factories, factory target, demo
PARK_COLUMNS_CM = (3.4, 1.6, 1.6, 1.6, 1.6, 2.0, 2.8, 1.4)


def _east_asian(style_or_run, name: str) -> None:
    from docx.oxml.ns import qn

    fonts = style_or_run.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _table(document, table: TableText, widths_cm: tuple[float, ...]) -> None:
    """A ruled table in 9 pt; `widths_cm`: the columns' widths (the page holds 16 cm)."""
    from docx.shared import Cm, Pt

    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.autofit = False
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    for column, width in zip(grid.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the table's grid (LibreOffice reads it), and each cell (Word reads those)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)


def docx_bytes(briefing: Briefing, sections: dict, charts: list[ChartImage] | None) -> bytes:
    """The document, from the sections `briefing.views.sections` wrote (the same the HTML page shows)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)  # A4, 2.5 cm margins: 16 cm of text
    page.left_margin = page.right_margin = page.top_margin = page.bottom_margin = Cm(2.5)
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    _east_asian(normal, BODY_FONT)
    for level in (0, 1):
        style = document.styles["Title" if level == 0 else "Heading 1"]
        _east_asian(style, HEADING_FONT)
    document.styles["Title"].font.size = Pt(18)
    heading = document.add_heading(sections["title"], level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(sections["subtitle"]).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for sentence in sections["sources"]:
        document.add_paragraph(sentence).runs[0].italic = True

    document.add_heading(_("Overview"), level=1)
    document.add_paragraph(sections["opening"])
    document.add_heading(_("Every cluster"), level=1)
    _table(document, sections["clusters"], CLUSTER_COLUMNS_CM)
    document.add_paragraph(sections["goal_year_note"])
    document.add_heading(_("Goals at risk or off track"), level=1)
    for goal in sections["goals"]:
        document.add_paragraph(goal.heading, style="List Bullet")
        document.add_paragraph(goal.figures)
        if goal.pipeline:
            document.add_paragraph(goal.pipeline)
        document.add_paragraph(goal.remedy)
    if not sections["goals"]:
        document.add_paragraph(_("No goal is at risk or off track."))
    document.add_heading(_("Progress, problems and next steps by cluster"), level=1)
    for cluster, texts in sections["commentary"]:
        if cluster:
            document.add_paragraph(cluster, style="List Bullet")
        for text in texts:
            document.add_paragraph(text)
    document.add_heading(_("Parks"), level=1)
    _table(document, sections["parks"], PARK_COLUMNS_CM)
    document.add_paragraph(sections["parks_note"])
    document.add_heading(_("Investment"), level=1)
    for sentence in sections["investment"]:
        document.add_paragraph(sentence)
    document.add_paragraph(_("Key projects that moved stage in the quarter:"))
    for sentence in sections["moves"]:
        document.add_paragraph(sentence, style="List Bullet")
    document.add_heading(_("Reporting"), level=1)
    for sentence in sections["reporting"]:
        document.add_paragraph(sentence)
    document.add_heading(_("Charts"), level=1)
    if charts is None:
        document.add_paragraph(sections["no_charts"])
    for chart in charts or ():
        document.add_picture(io.BytesIO(chart.png), width=Cm(chart.width_cm))
        document.add_paragraph(chart.title).alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
