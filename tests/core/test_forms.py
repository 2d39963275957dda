"""Every date input carries ISO yyyy-mm-dd whatever the language: browsers discard any other value. A list select
writes Django's markup."""
import re
from datetime import date

import pytest
from django import forms
from django.utils import translation

from clusters.models import Cluster
from core.forms import ListSelect
from core.numbers import ModelChoiceField
from funds.forms import DisbursementForm, MatchingFundEditForm, MatchingFundForm
from investment.forms import StageMoveForm
from parks.forms import ReadinessItemForm

DAY = date(2011, 6, 18)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("form_class", "field", "needs_user"), [
    (ReadinessItemForm, "completed_on", False),
    (DisbursementForm, "paid_on", True),
    (MatchingFundForm, "established_on", False),
    (MatchingFundEditForm, "established_on", False),
    (StageMoveForm, "moved_on", False),
])
def test_a_date_input_renders_its_value_in_iso(db, planner, language, form_class, field, needs_user):
    extra = {"user": planner} if needs_user else {}
    with translation.override(language):
        html = str(form_class(initial={field: DAY}, **extra)[field])
    assert 'type="date"' in html
    assert 'value="2011-06-18"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_iso_date_is_accepted_in_every_language(language):
    with translation.override(language):
        form = ReadinessItemForm(data={"seen": "1", "status": "done", "completed_on": "2011-06-18", "note": ""})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["completed_on"] == DAY


def _tags(html: str) -> str:
    """Markup without the whitespace Django's templates put between tags."""
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize(("choices", "value"), [
    ([("", "---------"), (1, "光伏 & <新能源>"), (2, 'say "二"'), (None, "none")], 2),
    ([("", "---------"), ("大组", [(1, "一"), (2, "二")]), ("other", [(3, "三")])], "3"),
    ([(1, "一"), (1, "又一")], 1),  # the same value twice: only the first is selected
    ([(1, "一")], None),
])
def test_a_list_select_writes_djangos_markup(choices, value):
    attrs = {"id": "id_x", "required": True, "data-x": "<y>"}
    ours = ListSelect(choices=choices).render("x", value, attrs=attrs)
    django = forms.Select(choices=choices).render("x", value, attrs=attrs)
    assert _tags(ours) == _tags(django)


def test_a_model_choice_field_draws_its_rows_as_django_would(db):
    field = ModelChoiceField(queryset=Cluster.objects.order_by("code"), required=False)
    chosen = Cluster.objects.get(code="pv")
    ours = field.widget.render("cluster", chosen.pk, attrs={"id": "id_cluster"})
    django = forms.Select(choices=field.choices).render("cluster", chosen.pk, attrs={"id": "id_cluster"})
    assert _tags(ours) == _tags(django)
    assert f'<option value="{chosen.pk}" selected>{chosen}</option>' in ours
