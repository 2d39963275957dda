"""Form parts shared by every app."""
from django import forms


class ISODateInput(forms.DateInput):
    """`<input type="date">` whose value is always ISO `yyyy-mm-dd`.

    Browsers discard any other value of a date input, and Django would otherwise render the
    active language's format (2011/06/18 in zh-hans), so a saved date looked empty on the page.
    """

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ISODateField(forms.DateField):
    """A date field rendered as an ISO date input; it accepts ISO whatever the language."""

    widget = ISODateInput
    input_formats = ["%Y-%m-%d"]
