"""Every date input carries ISO yyyy-mm-dd whatever the language: browsers discard any other value."""
from datetime import date

import pytest
from django.utils import translation

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
        form = ReadinessItemForm(data={"status": "done", "completed_on": "2011-06-18", "note": ""})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["completed_on"] == DAY
