"""Building blocks of request bodies and query parameters, each accepting exactly what its schema says.

- `InputSerializer`: a body with a key it does not know is refused (400 naming the key), so a typo
  (`ouput_value`) is not silently ignored; the schema says `additionalProperties: false`.
- `IntegerField`: a JSON integer (`5`; not `5.0`, `"5"` or `true`, which DRF would take);
  `QueryIntegerField`: an integer in a query string, ASCII digits with an optional minus (not
  `5.0`, which Django and DRF would read as 5, nor `²`, which `int()` refuses).
- `AmountField`: an amount as a decimal string (never a JSON number: amounts travel as strings,
  like everywhere in this API), at least 0, within the field's digits and an optional maximum;
  `-0` is stored and echoed as `0`. Its schema `pattern` is derived from those bounds, so a
  generated client and the fuzzer know the range without reading prose. The string is read by
  the one amount parser of the pages and the import (`core.numbers.parse_amount`), so what a
  Chinese IME types (`１２．３`) or a spreadsheet copies (`1,234.5`) means the same everywhere, and
  an error quotes at most a short prefix of the input.
"""
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.numbers import NumberError, parse_amount, parse_integer

NO_NUL = r"^[^\u0000]*$"
# At least one character that str.strip() keeps (DRF trims text before checking it is not blank):
# whitespace as Python counts it includes the separators U+001C–U+001F, which `\s` in other regex
# engines does not, so they are named.
NOT_BLANK = r"^[^\u0000]*[^\s\u0000\u001c-\u001f][^\u0000]*$"


class IntegerField(serializers.IntegerField):
    """An integer in a JSON body: a JSON integer, as the schema says."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(serializers.CharField):
    """Text in a JSON body: a JSON string, as the schema says (DRF would take a number and turn it into text)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class QueryIntegerField(serializers.IntegerField):
    """An integer in a query string: ASCII digits, as the schema says."""

    def to_internal_value(self, data: Any) -> int:
        try:
            return parse_integer(data, strict=True)
        except NumberError as error:
            raise serializers.ValidationError(error.message, code=error.code) from error


class InputSerializer(serializers.Serializer):
    """A request body: only the declared fields, each validated; anything else is a 400."""

    def to_internal_value(self, data: Any) -> dict:
        if isinstance(data, dict):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {str(key)[:50]: [_("Unknown field; see the schema for the fields this request takes.")]
                     for key in unknown[:10]}, code="unknown_field")
        return super().to_internal_value(data)


def _integers_up_to(limit: int) -> str:
    """A regex alternation matching the integers 0..limit written without leading zeros."""
    digits = str(limit)
    alternatives = ["0"]
    if len(digits) > 1:
        alternatives.append(rf"[1-9]\d{{0,{len(digits) - 2}}}" if len(digits) > 2 else "[1-9]")
    for position, digit in enumerate(digits):
        lowest = 1 if position == 0 else 0
        rest = len(digits) - position - 1
        if int(digit) > lowest:
            high = int(digit) - 1
            span = str(lowest) if high == lowest else f"[{lowest}-{high}]"
            alternatives.append(digits[:position] + span + (rf"\d{{{rest}}}" if rest else ""))
    if limit > 0:
        alternatives.append(digits)
    return "|".join(dict.fromkeys(alternatives))


def decimal_pattern(*, integer_digits: int, places: int, maximum: Decimal | None = None) -> str:
    """The ECMA regex of a non-negative decimal string with at most `places` decimals, ≤ maximum.

    Without a maximum the bound is the digits (10^integer_digits − 1 and all its decimals); a
    maximum must be a whole number.
    """
    fraction = rf"(?:\.\d{{1,{places}}})?"
    if maximum is None:
        return rf"^(?:0|[1-9]\d{{0,{integer_digits - 1}}}){fraction}$"
    if maximum != maximum.to_integral_value() or maximum < 0:
        raise ValueError(f"maximum must be a non-negative whole number, not {maximum}")
    top = int(maximum)
    exact = rf"{top}(?:\.0{{1,{places}}})?"
    if top == 0:
        return f"^{exact}$"
    return f"^(?:(?:{_integers_up_to(top - 1)}){fraction}|{exact})$"


class AmountField(serializers.DecimalField):
    """A non-negative amount sent as a decimal string, e.g. "12.5" (see the module docstring)."""

    default_error_messages = {
        "not_a_string": _('Send the amount as a decimal string, e.g. "12.5", not as a JSON number.'),
    }

    def __init__(self, *, max_digits: int, decimal_places: int, maximum: Decimal | None = None, **kwargs) -> None:
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, min_value=Decimal(0),
                         max_value=maximum, **kwargs)
        self.pattern = decimal_pattern(integer_digits=max_digits - decimal_places, places=decimal_places,
                                       maximum=maximum)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        # DRF's DecimalField takes "" as null; the schema says null is null and "" is not an amount.
        return serializers.Field.validate_empty_values(self, data)

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str):
            self.fail("not_a_string")
        try:
            return parse_amount(data, places=self.decimal_places, max_digits=self.max_digits)  # -0 is 0
        except NumberError as error:
            raise serializers.ValidationError(error.message, code=error.code) from error
