"""One formatter for numbers and periods (core.formats), one template library over it ({% load jinzhou %})."""
from decimal import Decimal

from django.template import Context, Template

from core import formats


def render(text: str, **context) -> str:
    return Template("{% load jinzhou %}" + text).render(Context(context))


def test_percent_is_one_filter_with_an_optional_sign():
    assert render("{{ r|percent }}", r=Decimal("0.8751")) == "87.5 %"
    assert render('{{ r|percent:"signed" }}', r=Decimal("0.125")) == "+12.5 %"
    assert render('{{ r|percent:"signed" }}', r=Decimal("-0.5")) == "-50.0 %"


def test_a_missing_percentage_is_empty_so_a_template_can_default_it():
    assert render('{{ r|percent|default:"—" }}', r=None) == "—"
    assert formats.percent(None, signed=True) == ""


def test_python_and_templates_format_the_same_way():
    assert formats.percent(Decimal("0.125"), signed=True) == render('{{ r|percent:"signed" }}', r=Decimal("0.125"))
    assert formats.amount(Decimal("12345.5000")) == render("{{ v|amount }}", v=Decimal("12345.5000")) == "12,345.5"


def test_chart_percentages_are_numbers_rounded_to_the_places_asked():
    assert formats.percent_value(Decimal("0.12355")) == Decimal("12.36")
    assert formats.percent_value(Decimal("0.12355"), Decimal("0.1")) == Decimal("12.4")
    assert formats.percent_value(None) is None


def test_the_outlier_limit_is_shown_in_whole_percent(settings):
    settings.ENTRY_OUTLIER_THRESHOLD = Decimal("0.5")
    assert render("{% outlier_limit %}") == "50"
