"""Property test of the reported year to date (累计): random sequences of entering quarters 1-4 (as the quarter's own
value or as 累计, on the entry screen's path), correcting, returning, reopening, approving and settling one unit's
year. After every step:
(a) an approved figure's reported 累计 and quarter value are what they were when it was approved (or last
    settled): nothing changes them silently;
(b) `ytd_mismatch` is up exactly when a figure reported as 累计 has all its quarters and its 累计 is not their sum;
(c) every figure's values are what the test computes on its own.
"""
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from clusters import selectors, services
from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from core.periods import Quarter

pytestmark = pytest.mark.django_db

YEAR = 2011
amounts = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


@dataclass
class Expected:
    """What the test believes about one quarter's figure, kept apart from the database."""

    own: Decimal
    ytd: Decimal | None  # the 累计 as reported (None: reported as the quarter's own value)
    status: str = FigureStatus.DRAFT
    approved_as: tuple | None = None  # (ytd, own) when approved or last settled while approved


class Year:
    def __init__(self, editor, planner):
        self.editor, self.planner = editor, planner
        self.cluster = Cluster.objects.get(code="linghai-main")
        QuarterlyFigure.objects.filter(cluster=self.cluster, year=YEAR).delete()
        self.expected: dict[int, Expected] = {}

    def row(self, quarter: int) -> QuarterlyFigure:
        return QuarterlyFigure.objects.get(cluster=self.cluster, year=YEAR, quarter=quarter)

    def editable(self) -> list[int]:
        return [q for q in range(1, 5) if q not in self.expected
                or self.expected[q].status in (FigureStatus.DRAFT, FigureStatus.RETURNED)]

    def in_status(self, status: str) -> list[int]:
        return [q for q, e in self.expected.items() if e.status == status]

    def earlier(self, quarter: int) -> Decimal | None:
        if any(q not in self.expected for q in range(1, quarter)):
            return None
        return sum((self.expected[q].own for q in range(1, quarter)), Decimal(0))

    def mismatched(self, quarter: int) -> bool:
        e, earlier = self.expected[quarter], self.earlier(quarter)
        return e.ytd is not None and earlier is not None and e.ytd != earlier + e.own

    def enter(self, quarter: int, value: Decimal, as_ytd: bool) -> None:
        earlier = self.earlier(quarter)
        typed = earlier + value if as_ytd and earlier is not None else value
        mode = "ytd" if as_ytd and earlier is not None else "quarter"
        version = self.row(quarter).version if quarter in self.expected else None
        services.figures_enter_quarter(user=self.editor, quarter=Quarter(YEAR, quarter), mode=mode, entries=[
            services.EntryInput(unit=f"c{self.cluster.pk}", value=f"{typed}", version=version)])
        old = self.expected.get(quarter)
        if mode == "ytd":
            self.expected[quarter] = Expected(own=value, ytd=typed, status=old.status if old else FigureStatus.DRAFT)
        elif old is None or old.own != value:
            self.expected[quarter] = Expected(own=value, ytd=None, status=old.status if old else FigureStatus.DRAFT)

    def approve(self, quarter: int) -> None:
        figure = self.row(quarter)
        figure = services.figure_submit(user=self.editor, figure_id=figure.pk, expected_version=figure.version)
        services.figure_approve(user=self.planner, figure_id=figure.pk, expected_version=figure.version)
        e = self.expected[quarter]
        e.status, e.approved_as = FigureStatus.APPROVED, (e.ytd, e.own)

    def send_back(self, quarter: int) -> None:
        figure = self.row(quarter)
        if figure.status == FigureStatus.APPROVED:
            services.figure_reopen(user=self.planner, figure_id=figure.pk, expected_version=figure.version,
                                   reason="复核")
        else:
            figure = services.figure_submit(user=self.editor, figure_id=figure.pk, expected_version=figure.version)
            services.figure_return(user=self.planner, figure_id=figure.pk, expected_version=figure.version,
                                   reason="复核")
        e = self.expected[quarter]
        e.status, e.approved_as = FigureStatus.RETURNED, None

    def settle(self, quarter: int, keep: str) -> None:
        e, earlier = self.expected[quarter], self.earlier(quarter)
        if keep == "ytd" and e.ytd < earlier:
            keep = "quarter"  # the reported 累计 cannot stand below the earlier quarters
        figure = self.row(quarter)
        services.figure_resolve_ytd(user=self.editor, figure_id=figure.pk, expected_version=figure.version, keep=keep)
        if keep == "ytd":
            e.own = e.ytd - earlier
        else:
            e.ytd = earlier + e.own
        if e.status == FigureStatus.APPROVED:
            e.approved_as = (e.ytd, e.own)

    def check(self) -> None:
        rows = {f.quarter: f for f in selectors.with_ytd_check(
            QuarterlyFigure.objects.filter(cluster=self.cluster, year=YEAR))}
        assert set(rows) == set(self.expected)
        for quarter, e in self.expected.items():
            f = rows[quarter]
            assert (f.output_value, f.reported_ytd, f.status) == (e.own, e.ytd, e.status)  # (c)
            assert f.entry_mode == ("ytd" if e.ytd is not None else "quarter")
            if e.status == FigureStatus.APPROVED:
                assert (f.reported_ytd, f.output_value) == e.approved_as  # (a)
            assert f.ytd_mismatch == self.mismatched(quarter)  # (b)


@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_approved_year_to_date_changes_silently_and_the_flag_follows_the_sums(agri_editor, planner, data):
    year = Year(agri_editor, planner)
    for _step in range(data.draw(st.integers(4, 16), label="steps")):
        actions = ["enter"] * 3 if year.editable() else []
        actions += ["approve"] * 2 if year.editable() and any(q in year.expected for q in year.editable()) else []
        actions += ["send_back"] if year.in_status(FigureStatus.APPROVED) else []
        actions += ["settle"] if any(year.mismatched(q) for q in year.expected) else []
        if not actions:
            break
        action = data.draw(st.sampled_from(actions), label="action")
        event(action)
        if action == "enter":
            quarter = data.draw(st.sampled_from(year.editable()), label="quarter")
            year.enter(quarter, data.draw(amounts, label="value"), data.draw(st.booleans(), label="as 累计"))
        elif action == "approve":
            year.approve(data.draw(st.sampled_from([q for q in year.editable() if q in year.expected])))
        elif action == "send_back":
            year.send_back(data.draw(st.sampled_from(year.in_status(FigureStatus.APPROVED))))
        else:
            quarter = data.draw(st.sampled_from([q for q in year.expected if year.mismatched(q)]))
            year.settle(quarter, data.draw(st.sampled_from(["ytd", "quarter"]), label="keep"))
        year.check()
        if any(year.mismatched(q) for q in year.expected):
            event("a figure flagged")
