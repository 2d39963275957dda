"""Numbers that people, spreadsheets and clients send: parsed one way everywhere.

Two kinds, each with one parser used by every form, filter, import cell and API field:

- **Ids and counts** (`parse_integer`, `parse_id`): ASCII digits 0–9 only. `str.isdigit()` is true for
  superscripts (²), circled digits (①) and other scripts' digits, which `int()` refuses or reads as
  something nobody typed; here they are all "not a whole number". A spreadsheet's or JSON's integral
  number (3, 3.0) is accepted as what it is.
- **Amounts** (`parse_amount`): a decimal with at most `places` decimals and `max_digits` digits.
  Full-width digits and punctuation typed with a Chinese IME (１２．３, １，２３４) are NFKC-normalised
  to ASCII; other non-ASCII characters (², ①, ٣) are refused rather than normalised into digits.
  A comma only groups thousands (1,234.5); "1,5" is ambiguous (1.5? 15?) and refused. NaN and
  Infinity are refused; exponents are read (1e3) but a value too large for the field is refused before
  any arithmetic, so 1e9999999 costs nothing. A spreadsheet's binary float noise within 1e-9 of a
  value with `places` decimals (0.30000000000000004) is rounded to it; a real further decimal is
  refused. -0 becomes 0.

Every error message quotes at most `QUOTED` characters of the input (`quote`), so a megabyte of digits
is never echoed back. The Django form fields at the end put these parsers behind ordinary fields.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, localcontext

from django import forms
from django.utils.translation import gettext as _

from core.forms import ListSelect

MAX_ID = 2**63 - 1  # a bigint primary key: an id beyond this cannot exist and must not reach the database
QUOTED = 20  # characters of an offending input quoted in a message
MAX_TEXT = 100  # longer text is not a number anyone typed (a 4-decimal amount with grouping has ~15)
NOISE = Decimal("1e-9")  # binary float noise a spreadsheet adds to a decimal value (0.1 + 0.2)
_MAX_EXPONENT = 100  # |exponent| beyond this is not an amount (and is not worth computing with)

_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_STRICT_INTEGER = re.compile(r"-?[0-9]+")
_PLAIN = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
_COMMA_NUMBER = re.compile(r"[+-]?[0-9]*(?:,[0-9]*)+(?:\.[0-9]*)?")
_FULL_WIDTH = range(0xFF01, 0xFF5F)  # NFKC maps these one to one onto ASCII ! … ~
_SPACES = "\u3000\u00a0"  # the ideographic space an IME types, and the no-break space


class NumberError(ValueError):
    """Not a number of the kind asked for. `message` is for the user; `code` is one of
    invalid, ambiguous, places, too_large (a parser's caller may word its own message per code)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def quote(value: object) -> str:
    """At most QUOTED characters of `value` for a message, non-printable characters replaced."""
    if isinstance(value, int) and value.bit_length() > 64:
        text = f"{Decimal(value):.6e}"  # str() of a huge int is slow, and refused past 4,300 digits
    else:
        text = str(value)
    shown = "".join(ch if ch.isprintable() else "\ufffd" for ch in text[:QUOTED])
    return shown + "…" if len(text) > QUOTED else shown


def _not_whole(value: object) -> NumberError:
    return NumberError(_("“%(text)s” is not a whole number (digits 0–9).") % {"text": quote(value)}, "invalid")


def parse_integer(value: object, *, strict: bool = False) -> int:
    """A whole number: an int, an integral float or Decimal (a spreadsheet's 3.0), or text of ASCII digits
    with an optional sign and at most 30 digits. Ranges are the caller's (validators, `parse_id`).

    `strict`: text only, and exactly an integer as an OpenAPI schema writes one (`12`, `-3`; not `+3`,
    ` 3` or `3.0`): the API's query parameters, which promise no more than the schema says."""
    if strict:
        if not isinstance(value, str) or not _STRICT_INTEGER.fullmatch(value):
            raise _not_whole(value)
        if len(value.lstrip("-")) > 30:
            raise _too_large(value)
        return int(value)
    if isinstance(value, bool):
        raise _not_whole(value)
    if isinstance(value, int):
        if value.bit_length() > 100:
            raise _too_large(value)
        return value
    if isinstance(value, float | Decimal):
        number = Decimal(value) if isinstance(value, float) else value
        if not number.is_finite() or (not number.is_zero() and number.adjusted() > 30):
            raise _not_whole(value)
        if number != number.to_integral_value():
            raise _not_whole(value)
        return int(number)
    text = str(value).strip() if isinstance(value, str) else None
    if text is None or not _INTEGER.fullmatch(text):
        raise _not_whole(value)
    return int(text)


def parse_id(value: object, *, maximum: int = MAX_ID) -> int:
    """A row's id: a whole number from 1 to `maximum` (a bigint key by default)."""
    try:
        number = parse_integer(value)
    except NumberError:
        number = None
    if number is None or not 1 <= number <= maximum:
        raise NumberError(_("“%(text)s” is not an id (a whole number from 1, digits 0–9).") % {"text": quote(value)},
                          "invalid")
    return number


def id_in_query(query, name: str) -> int | None:
    """The id in a page's `?<name>=` filter, None when absent or empty; raises NumberError naming `name`."""
    text = query.get(name, "")
    if not text.strip():
        return None
    try:
        return parse_id(text)
    except NumberError as error:
        raise NumberError(f"{name}: {error.message}", error.code) from error


def _too_large(value: object) -> NumberError:
    return NumberError(_("“%(text)s” is too large.") % {"text": quote(value)}, "too_large")


def _invalid(value: object) -> NumberError:
    return NumberError(_("“%(text)s” is not a number.") % {"text": quote(value)}, "invalid")


def _ascii(text: str) -> str:
    """NFKC for what an IME types (full-width forms, ideographic space); any other non-ASCII is refused."""
    if text.isascii():
        return text
    if any(ord(ch) > 127 and ord(ch) not in _FULL_WIDTH and ch not in _SPACES for ch in text):
        raise _invalid(text)
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ")


def _decimal_of_text(value: str) -> Decimal:
    if len(value) > MAX_TEXT:
        raise _invalid(value)
    text = _ascii(value).strip()
    if "," in text:
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
        elif _COMMA_NUMBER.fullmatch(text) and any(ch.isdigit() for ch in text):
            raise NumberError(_("“%(text)s” is ambiguous: a comma only separates thousands (1,234.5); use a "
                                "decimal point (1.5).") % {"text": quote(value)}, "ambiguous")
        else:
            raise _invalid(value)
    if not _PLAIN.fullmatch(text):
        raise _invalid(value)
    mantissa, _e, exponent = text.lower().partition("e")
    if len(exponent.lstrip("+-").lstrip("0")) > 9:  # beyond what Decimal reads, and nobody's amount
        if exponent.startswith("-") or not any(ch in "123456789" for ch in mantissa):
            return Decimal(0)  # so many zeros after the point that it is noise around zero
        raise _too_large(value)
    return Decimal(text)


def parse_amount(value: object, *, places: int = 4, max_digits: int | None = 12) -> Decimal:
    """An amount with at most `places` decimals (and `max_digits` digits in all), quantized to `places`.

    Takes text as typed, or a number as a spreadsheet or JSON holds it (int, float, Decimal).
    """
    if isinstance(value, bool):
        raise _invalid(value)
    if isinstance(value, str):
        number = _decimal_of_text(value)
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value)) if value == value and abs(value) != float("inf") else Decimal("NaN")
    elif isinstance(value, Decimal):
        number = value
    else:
        raise _invalid(value)
    if not number.is_finite():
        raise _invalid(value)
    step = Decimal(1).scaleb(-places)
    if number.is_zero() or number.adjusted() < -9:  # zero, -0, or noise around zero
        return Decimal(0).quantize(step)
    if number.adjusted() > _MAX_EXPONENT:  # checked before any arithmetic: 1e9999999 costs nothing
        raise _too_large(value)
    with localcontext() as context:
        context.prec = 2 * _MAX_EXPONENT + MAX_TEXT
        rounded = number.quantize(step)
        if abs(number - rounded) > NOISE:
            raise NumberError(_("at most %(places)s decimal places.") % {"places": places}, "places")
    if max_digits is not None and rounded.adjusted() >= max_digits - places:
        raise _too_large(value)
    return rounded.copy_abs() if rounded.is_zero() else rounded


# --- form fields ------------------------------------------------------------------------------------

def _form_error(error: NumberError) -> forms.ValidationError:
    # The message quotes the input, which may hold "%": passed as a parameter, never formatted itself
    # (django-filter applies `message % params` to every error).
    return forms.ValidationError("%(problem)s", code=error.code, params={"problem": error.message})


class IntegerField(forms.IntegerField):
    """Django's IntegerField reading ASCII digits only (through `parse_integer`); ranges as usual.
    A subclass with `strict = True` takes only what an OpenAPI integer is (the API's filters)."""

    strict = False

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        try:
            return parse_integer(value, strict=self.strict)
        except NumberError as error:
            raise _form_error(error) from error


class AmountField(forms.DecimalField):
    """Django's DecimalField reading amounts through `parse_amount` (full-width, grouping, float noise)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value, places=self.decimal_places, max_digits=self.max_digits)
        except NumberError as error:
            raise _form_error(error) from error


class ModelChoiceField(forms.ModelChoiceField):
    """A choice of row by id: the id is parsed by `parse_id` before any lookup. Drawn as a `ListSelect`."""

    widget = ListSelect

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, self.queryset.model) or self.to_field_name:
            return super().to_python(value)
        try:
            value = parse_id(value)
        except NumberError as error:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from error
        return super().to_python(value)
