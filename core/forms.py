"""Form parts shared by every app."""
from django import forms
from django.utils.html import escape
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
    """A single `<select>` whose options are written here, from its choices, rather than through Django's
    `optgroups` (an attributes dictionary copied per option) and a template per option: the same markup, but a
    list of a province's 216 clusters took 10 ms to render that way (the goals page's what-if panel draws two).
    As Django's, only the first option of the value is marked selected."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        chosen = set(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                inner = "".join(self._option(sub_value, sub_label, chosen) for sub_value, sub_label in label)
                options.append(f'<optgroup label="{escape(option_value)}">{inner}</optgroup>')
            else:
                options.append(self._option(option_value, label, chosen))
        written = "".join(f" {key}" if item is True else f' {key}="{escape(item)}"'
                          for key, item in self.build_attrs(self.attrs, attrs).items() if item is not False)
        return mark_safe(f'<select name="{escape(name)}"{written}>{"".join(options)}</select>')  # noqa: S308 - escaped

    @staticmethod
    def _option(value, label, chosen: set[str]) -> str:
        value = "" if value is None else str(value)
        selected = value in chosen
        if selected:
            chosen.clear()  # the first match only
        return f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(label)}</option>'
