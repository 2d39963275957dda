"""Quarters as the plan reports them, and their deadlines."""
from datetime import date

import pytest
from django.utils import translation

from core.periods import Quarter


def test_parse_accepts_the_usual_spellings():
    assert Quarter.parse("2011-3") == Quarter.parse("2011Q3") == Quarter.parse(" 2011q3 ") == Quarter(2011, 3)
    assert Quarter.parse("2011-5") is None
    assert Quarter.parse("") is None


def test_neighbours_and_days():
    q = Quarter(2011, 1)
    assert (q.previous, q.next, q.a_year_earlier) == (Quarter(2010, 4), Quarter(2011, 2), Quarter(2010, 1))
    assert (q.first_day, q.last_day) == (date(2011, 1, 1), date(2011, 3, 31))
    assert Quarter(2011, 4).last_day == date(2011, 12, 31)
    assert Quarter(2011, 3).earlier_in_year() == [Quarter(2011, 1), Quarter(2011, 2)]


def test_a_quarter_is_over_the_day_after_its_last_day():
    q = Quarter(2011, 3)
    assert not q.is_over(date(2011, 9, 30))
    assert q.is_over(date(2011, 10, 1))
    assert Quarter.last_ended(date(2011, 10, 1)) == q


def test_the_label_is_chinese_by_default_and_english_on_request():
    with translation.override("zh-hans"):
        assert Quarter(2011, 3).label == "2011年第3季度"
    with translation.override("en"):
        assert Quarter(2011, 3).label == "Q3 2011"


def test_the_quarter_number_is_checked():
    with pytest.raises(ValueError, match="quarter"):
        Quarter(2011, 5)
