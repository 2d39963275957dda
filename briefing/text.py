"""The briefing's sentences and tables, written from the numbers in a `Briefing` (translated: the document is
made in Chinese, the page in the reader's language). The .docx (`document.py`) and the HTML page print the same.

Numbers are shown as the API gives them, rounded for reading: amounts in 亿 with two decimals (`amount`), growth in
percent with one decimal (`percent`). Where a number is missing the text says what is missing; it never prints 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from clusters.choices import GoalKind
from clusters.completeness import Standing
from core.formats import goal_status
from dashboards.investment import UNITS
from investment.choices import Origin
from progress.goals import GoalEvaluation, Status

from .commentary import MISSING, NO_REMARK, NOT_COLLECTED
from .content import Briefing, ClusterLine

HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


def amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def percent(ratio: Decimal) -> str:
    """A growth or share ratio as a percentage with one decimal, without its sign (0.1254 → 12.5)."""
    return f"{abs(ratio * HUNDRED).quantize(TENTH)}"


def title(briefing: Briefing) -> str:
    return _("Jinzhou industrial clusters: quarterly briefing (%(period)s)") % {"period": briefing.period.label}


def subtitle(briefing: Briefing) -> str:
    if briefing.department is None:
        return _("The whole city")
    return _("%(department)s: its own clusters") % {"department": briefing.department}


def _change(ratio: Decimal | None) -> str:
    if ratio is None:
        return _("with no figure for the same period last year to compare")
    if ratio < 0:
        return _("down %(percent)s%% on the same period last year") % {"percent": percent(ratio)}
    return _("up %(percent)s%% on the same period last year") % {"percent": percent(ratio)}


def _listed(items: list[str]) -> str:
    return pgettext("list separator", ", ").join(items)


MISSING_LABELS = {
    Standing.MISSING: gettext_lazy("not entered"), Standing.DRAFT: gettext_lazy("draft, not submitted"),
    Standing.RETURNED: gettext_lazy("returned, not resubmitted"), Standing.SUBMITTED: gettext_lazy("awaiting review"),
}


def missing_label(line: ClusterLine) -> str:
    return str(MISSING_LABELS.get(line.missing, MISSING_LABELS[Standing.MISSING]))


def sources(briefing: Briefing) -> list[str]:
    """What the numbers are: approved only; demo data labelled."""
    said = [_("Built from approved figures only (the roll-up the dashboards and the API use), as of %(date)s.")
            % {"date": date_format(briefing.made_on, "DATE_FORMAT")}]
    if briefing.demo:
        said.append(_("Numbers marked 演示数据 are demo data generated for trying the system, not reported figures."))
    return said


def opening(briefing: Briefing) -> list[str]:
    """The opening paragraph(s): output, growth, year to date, clusters ≥ 100亿元 against the stage goal, goals."""
    whose = (_("the city's") if briefing.department is None
             else _("%(department)s's") % {"department": briefing.department})
    said = []
    total = briefing.total
    if total is None:
        units = briefing.reporting.total
        said.append(_("No approved figure is in for %(period)s yet: of %(units)s reporting units, %(missing)s have not "
                      "submitted (not entered, draft or returned) and %(review)s await review.") % {
            "period": briefing.period.label, "units": units.units, "missing": units.not_submitted,
            "review": units.awaiting_review})
    else:
        said.append(_("In %(period)s %(whose)s clusters produced %(value)s 亿元, %(change)s; in the year to date "
                      "%(ytd)s 亿元, %(ytd_change)s.") % {
            "period": briefing.period.label, "whose": whose, "value": amount(total.value),
            "change": _change(total.yoy_growth), "ytd": amount(total.ytd_value),
            "ytd_change": _change(total.ytd_yoy_growth)})
        if missing := briefing.missing_lines:
            said.append(_("%(n)s clusters have no approved figure for the quarter and are not in these totals: "
                          "%(names)s.") % {"n": len(missing), "names": _listed(
                              [f"{line.cluster.name_zh}（{missing_label(line)}）" for line in missing])})
    if goal := briefing.scale_goal:
        said.append(_("Across the city %(count)s clusters have reached 100亿元 in %(year)s so far; the stage goal is "
                      "%(target)s by %(deadline)s (%(status)s).") % {
            "count": int(goal.current), "year": goal.year, "target": int(goal.target),
            "deadline": goal.goal.deadline_year, "status": goal_status(goal.status)})
    counts = briefing.status_counts()
    others = [text % {"n": counts[status]} for status, text in (
        (Status.MISSED, _("%(n)s missed")), (Status.NO_DATA, _("%(n)s without data")),
        (Status.MANUAL, _("%(n)s judged by a planner"))) if counts.get(status)]
    if not briefing.goals:
        said.append(_("None of these clusters has a stage goal of its own."))
        return said
    said.append(_("Of the %(total)s stage goals evaluated for %(year)s, %(met)s are met, %(on_track)s on track, "
                  "%(at_risk)s at risk and %(off_track)s off track%(others)s.") % {
        "total": len(briefing.goals), "year": briefing.year, "met": counts[Status.MET],
        "on_track": counts[Status.ON_TRACK], "at_risk": counts[Status.AT_RISK], "off_track": counts[Status.OFF_TRACK],
        "others": (_("; also %(list)s") % {"list": _listed(others)}) if others else ""})
    return said


@dataclass(frozen=True)
class TableText:
    headers: list[str]
    rows: list[list[str]]

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """(header, value) per cell: a phone shows each cell under its header's name."""
        return [list(zip(self.headers, row, strict=True)) for row in self.rows]


def _cell(value: Decimal | None, format_) -> str:
    return format_(value) if value is not None else "—"


def _signed(ratio: Decimal | None) -> str:
    return _cell(ratio, lambda r: ("−" if r < 0 else "+") + percent(r))


def cluster_table(briefing: Briefing) -> TableText:
    """Every cluster in the plan's order: the quarter, growth, year to date, its stage targets and status."""
    rows = []
    for line in briefing.clusters:
        targets = "；".join(_("%(year)s: %(threshold)s") % {"year": e.goal.deadline_year,
                                                            "threshold": f"{e.goal.threshold:,.0f}"}
                           for e in line.evaluations) or _("none of its own")
        judged = line.judged
        status = (f"{goal_status(judged.status)}（{judged.goal.deadline_year}）" if judged else "—")
        row = line.row
        if row is None:
            numbers = [missing_label(line), "—", "—", "—"]
        else:
            numbers = [amount(row.value), _signed(row.yoy_growth), amount(row.ytd_value), _signed(row.ytd_yoy_growth)]
        rows.append([line.cluster.name_zh, *numbers, targets, status,
                     _("demo data") if row is not None and row.demo_units else ""])
    return TableText([_("Cluster"), _("Output in the quarter (亿元)"), _("Growth (%)"), _("Year to date (亿元)"),
                      _("Year-to-date growth (%)"), _("Stage targets (亿元)"), _("Status"), _("demo data")], rows)


def goal_year_note(briefing: Briefing) -> str:
    return _("Stage goals are evaluated for %(year)s with every approved quarter of the year so far, as on the "
             "stage-goals page.") % {"year": briefing.year}


@dataclass(frozen=True)
class GoalText:
    heading: str
    figures: str
    remedy: str
    pipeline: str = ""  # what the trend says by the deadline and what the projects under way add


def _named(e: GoalEvaluation) -> str:
    return _listed([_("%(project)s (%(value)s 亿元)") % {"project": c.name, "value": amount(c.value)}
                    for c in e.contributions])


def goal_pipeline(e: GoalEvaluation) -> str:
    """The goal projected to its deadline on the trend, then with the projects under way, named with what each
    adds in the deadline year (progress.goals: trend + pipeline). Empty for goals without a projection."""
    if e.status_with_pipeline is None:
        return ""
    deadline, status, with_status = e.goal.deadline_year, goal_status(e.status), goal_status(e.status_with_pipeline)
    if e.goal.kind == GoalKind.CLUSTER_COUNT:
        trend = _("On the trend %(n)s clusters reach %(threshold)s亿元 by %(deadline)s (%(status)s).") % {
            "n": e.projected_count, "threshold": f"{e.goal.threshold:,.0f}", "deadline": deadline, "status": status}
        added = (_("With the projects under way, %(projects)s, %(n)s clusters (%(status)s).") % {
            "projects": _named(e), "n": e.projected_count_with_pipeline, "status": with_status}
            if e.contributions else _("No project under way adds to it."))
        return paragraph([trend, added])
    trend = (_("On the trend %(value)s 亿元 by %(deadline)s (%(status)s).") % {
        "value": amount(e.projected), "deadline": deadline, "status": status} if e.projected is not None
        else _("No full year yet to project from (%(status)s).") % {"status": status})
    if not e.contributions:
        return paragraph([trend, _("No project under way adds to it by %(deadline)s.") % {"deadline": deadline}])
    values = {"added": amount(sum((c.value for c in e.contributions), Decimal(0))), "deadline": deadline,
              "projects": _named(e), "status": with_status}
    if e.projected_with_pipeline is None:
        return paragraph([trend, _("The projects under way add %(added)s 亿元 in %(deadline)s: %(projects)s "
                                   "(%(status)s).") % values])
    values["value"] = amount(e.projected_with_pipeline)
    return paragraph([trend, _("The projects under way add %(added)s 亿元 in %(deadline)s: %(projects)s; with them "
                               "%(value)s 亿元 (%(status)s).") % values])


def _goal_figures(e: GoalEvaluation) -> str:
    """Where a goal stands: clusters counted for a count goal, 亿元 (and the growth rates) for a cluster's goal."""
    if e.goal.kind == GoalKind.CLUSTER_COUNT:
        return _("%(current)s clusters at %(threshold)s亿元 or more, %(target)s wanted by %(deadline)s; %(projected)s "
                 "projected at the growth achieved") % {
            "current": int(e.current), "threshold": f"{e.goal.threshold:,.0f}", "target": int(e.target),
            "deadline": e.goal.deadline_year, "projected": e.projected_count if e.projected_count is not None else "—"}
    said = _("current %(current)s of %(target)s %(unit)s") % {
        "current": _cell(e.current, amount), "target": _cell(e.target, amount), "unit": e.goal.unit}
    if e.needed_cagr is not None and e.achieved_cagr is not None:
        said += _("; growth needed %(needed)s%% a year, achieved %(achieved)s%%") % {
            "needed": percent(e.needed_cagr), "achieved": percent(e.achieved_cagr)}
    return said


def worrying_goals(briefing: Briefing) -> list[GoalText]:
    """Goals at risk or off track, each with its projection on the trend and with the projects under way, and its
    department's 原因及措施 (or the sentence that it is not collected)."""
    texts = []
    for e in briefing.worrying:
        figures = _goal_figures(e)
        remedy = briefing.commentary.goals.get(e.goal.pk) or str(
            NO_REMARK if briefing.commentary.collected else NOT_COLLECTED)
        texts.append(GoalText(f"{e.goal.description_zh}（{goal_status(e.status)}）", figures,
                              _("Causes and remedies: %(text)s") % {"text": remedy}, goal_pipeline(e)))
    return texts


def cluster_commentary(briefing: Briefing) -> list[tuple[str, list[str]]]:
    """(cluster, its three texts) per cluster, or one line saying that the commentary is not collected."""
    if not briefing.commentary.collected:
        return [("", [str(NOT_COLLECTED)])]
    out = []
    for line in briefing.clusters:
        text = briefing.commentary.clusters.get(line.cluster.pk)
        out.append((line.cluster.name_zh, [
            _("Progress: %(text)s") % {"text": text.progress}, _("Problems: %(text)s") % {"text": text.problems},
            _("Next steps: %(text)s") % {"text": text.next_steps}] if text else [str(MISSING)]))
    return out


def park_table(briefing: Briefing) -> TableText:
    rows = [[park.name, f"{park.items_done}/{park.items}", str(park.items_overdue),
             _cell(park.area_km2, amount), f"{park.area_target_km2:g}–{park.area_stretch_km2:g}",
             f"{park.factory_built_m2:,.0f}", f"{park.factory_target_min_m2:,.0f}–{park.factory_target_max_m2:,.0f}",
             _("demo data") if park.is_demo else ""] for park in briefing.parks]
    return TableText([_("Park"), _("七通一平 items done"), _("Overdue at the quarter's end"), _("Area (km²)"),
                      _("Area target (km²)"), _("Standard factories (m²)"), _("Factory target (m²)"),
                      _("demo data")], rows)


def parks_note(briefing: Briefing) -> str:
    return _("As recorded on %(date)s; overdue: not done although its deadline had passed by %(end)s.") % {
        "date": date_format(briefing.made_on, "DATE_FORMAT"), "end": date_format(briefing.period.last_day,
                                                                                  "DATE_FORMAT")}


def investment(briefing: Briefing) -> list[str]:
    said = []
    for inflow in briefing.inflows:
        name, unit = Origin(inflow.origin).label, UNITS[inflow.origin]
        if inflow.row is None:
            said.append(_("%(origin)s: no figure recorded for %(period)s.") % {"origin": name,
                                                                               "period": briefing.period.label})
            continue
        values = {"origin": name, "unit": unit, "ytd": amount(inflow.row.ytd_value)}
        if inflow.target is None:
            said.append(_("%(origin)s (whole city): %(ytd)s %(unit)s in the year to date; no target is recorded for "
                          "the year.") % values)
        else:
            said.append(_("%(origin)s (whole city): %(ytd)s %(unit)s in the year to date against the year's target "
                          "of %(target)s %(unit)s (%(share)s%%).") % {
                **values, "target": amount(inflow.target.amount),
                "share": percent(inflow.row.ytd_value / inflow.target.amount)})
    return said


def moves(briefing: Briefing) -> list[str]:
    if not briefing.moves:
        return [_("No key project moved stage in %(period)s.") % {"period": briefing.period.label}]
    return [_("%(project)s: %(from)s → %(to)s on %(date)s") % {
        "project": m.project.name, "from": m.get_from_stage_display() or "—", "to": m.get_to_stage_display(),
        "date": date_format(m.moved_on, "DATE_FORMAT")} + (f"（{_('demo data')}）" if m.is_demo else "")
        for m in briefing.moves]


def reporting(briefing: Briefing) -> list[str]:
    standing = briefing.reporting
    said = [_("Deadline for %(period)s: %(date)s.") % {"period": briefing.period.label,
                                                      "date": date_format(standing.deadline, "DATE_FORMAT")}]
    behind = [s for s in standing.departments if s.not_submitted or s.awaiting_review]
    for summary in behind:
        said.append(_("%(department)s: %(missing)s not submitted (%(overdue)s of them overdue), %(review)s awaiting "
                      "review.") % {"department": summary.department, "missing": summary.not_submitted,
                                    "overdue": summary.overdue, "review": summary.awaiting_review})
    if not behind:
        said.append(_("Every reporting unit is approved."))
    return said


def no_charts() -> str:
    return _("The charts are left out: no font with Chinese characters was found on the server (install "
             "fonts-wqy-microhei or fonts-noto-cjk).")


def paragraph(sentences: list[str]) -> str:
    """Sentences as one paragraph: run together in Chinese (each ends in 。), spaced otherwise."""
    return ("" if (get_language() or "").startswith("zh") else " ").join(sentences)


def sections(briefing: Briefing) -> dict:
    """Everything the document and the page print, in the active language."""
    return {
        "title": title(briefing), "subtitle": subtitle(briefing), "sources": sources(briefing),
        "opening": paragraph(opening(briefing)), "clusters": cluster_table(briefing),
        "goal_year_note": goal_year_note(briefing), "goals": worrying_goals(briefing),
        "commentary": cluster_commentary(briefing), "parks": park_table(briefing), "parks_note": parks_note(briefing),
        "investment": investment(briefing), "moves": moves(briefing), "reporting": reporting(briefing),
        "no_charts": no_charts(),
    }
