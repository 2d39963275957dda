"""Form parts shared by every app."""
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


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


class ListSelect(forms.Select):
    """A `<select>` whose options are written here rather than through Django's template per option: the same
    markup, but a list of a province's 216 clusters took 10 ms to render (the goals page's what-if panel)."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
                (option["value"], flatatt(option["attrs"]), option["label"]) for option in options))
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name
                          else rendered)
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]),
                           mark_safe("".join(groups)))  # noqa: S308 - each part escaped by format_html above
