"""Calendar quarters as the plan reports them: 2011年第3季度, their deadlines and neighbours.

A `Quarter` is a value (year, quarter) that knows its first and last day, the quarter before
it, the same quarter a year earlier and its reporting deadline (ENTRY_DEADLINE_DAYS after the
quarter's last day, 15 by default).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

# The plan's base year (2011): where every trend starts, and the period shown before any roll-up exists.
PLAN_YEAR = 2011

_PATTERN = re.compile(r"^\s*([0-9]{4})\s*(?:-|Q|q|/)\s*([1-4])\s*$")


def quarter_choices() -> list[tuple[int, str]]:
    """The quarter menu's choices (第1季度 … / Q1 …). A form passes the function itself, so the labels are
    translated for each request, not once at import."""
    return [(q, _("Q%(quarter)s") % {"quarter": q}) for q in range(1, 5)]


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1..4, not {self.quarter}")

    @classmethod
    def parse(cls, text: str | None) -> Quarter | None:
        """'2011-3' or '2011Q3' → Quarter(2011, 3); anything else → None."""
        match = _PATTERN.match(text or "")
        return cls(int(match[1]), int(match[2])) if match else None

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_ended(cls, today: date | None = None) -> Quarter:
        """The most recent quarter that is over: the one being reported now."""
        return cls.containing(today or timezone.localdate()).previous

    @classmethod
    def last_past_deadline(cls, today: date | None = None) -> Quarter:
        """The most recent quarter whose reporting deadline has passed."""
        today = today or timezone.localdate()
        quarter = cls.last_ended(today)
        return quarter if quarter.is_overdue(today) else quarter.previous

    def __str__(self) -> str:
        return f"{self.year}-{self.quarter}"

    @property
    def label(self) -> str:
        return _("Q%(quarter)s %(year)s") % {"year": self.year, "quarter": self.quarter}

    @property
    def index(self) -> int:
        """Quarters since year 0: consecutive quarters differ by one."""
        return self.year * 4 + self.quarter - 1

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        return cls(index // 4, index % 4 + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter.from_index(self.index - 1)

    @property
    def next(self) -> Quarter:
        return Quarter.from_index(self.index + 1)

    @property
    def a_year_earlier(self) -> Quarter:
        return Quarter(self.year - 1, self.quarter)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next.first_day - timedelta(days=1)

    @property
    def deadline(self) -> date:
        return self.last_day + timedelta(days=settings.ENTRY_DEADLINE_DAYS)

    def is_over(self, today: date | None = None) -> bool:
        return self.last_day < (today or timezone.localdate())

    def is_overdue(self, today: date | None = None) -> bool:
        return self.deadline < (today or timezone.localdate())

    def earlier_in_year(self) -> list[Quarter]:
        """Q1 … the quarter before this one, in the same year (empty for Q1)."""
        return [Quarter(self.year, q) for q in range(1, self.quarter)]

