"""The one parser of numbers that enter the app (core.numbers): ids and amounts, as people, spreadsheets
and clients send them. The property tests feed it the classes of input that used to answer 500."""
from decimal import Decimal

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from core.numbers import (
    MAX_ID,
    QUOTED,
    AmountField,
    IntegerField,
    NumberError,
    parse_amount,
    parse_id,
    parse_integer,
    quote,
)

from ..nasty import UNICODE_DIGITS, nasty_text

# --- amounts ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("12.3", "12.3000"),
    ("１２．３", "12.3000"),  # full-width, as a Chinese IME types it
    ("１，２３４．５", "1234.5000"),
    ("1,234.5", "1234.5000"),
    ("1,234,567.25", "1234567.2500"),
    ("  12.3\u3000", "12.3000"),
    ("0.30000000000000004", "0.3000"),  # a spreadsheet's binary float noise
    ("-0", "0.0000"),
    ("-0.0000", "0.0000"),
    ("+3", "3.0000"),
    (".5", "0.5000"),
    ("1e3", "1000.0000"),
    ("12.3e-1", "1.2300"),
    ("99999999.9999", "99999999.9999"),
])
def test_an_amount_is_read(text, value):
    result = parse_amount(text)
    assert result == Decimal(value)
    assert str(result) == value


@pytest.mark.parametrize(("value", "expected"), [
    (0.30000000000000004, "0.3000"), (12.3, "12.3000"), (12, "12.0000"), (Decimal("-0"), "0.0000"),
    (-0.0, "0.0000"), (Decimal("0.1") + Decimal("0.2"), "0.3000"), (0.1 + 0.2, "0.3000"),
])
def test_numbers_as_spreadsheets_and_json_hold_them_are_read(value, expected):
    assert str(parse_amount(value)) == expected


@pytest.mark.parametrize(("text", "code"), [
    ("1,5", "ambiguous"), ("12,34", "ambiguous"), ("1,2345", "ambiguous"), ("1234,567", "ambiguous"),
    ("12.34567", "places"), ("0.00001", "places"), (1e-05, "places"),
    ("1e9999999", "too_large"), ("1e999999", "too_large"), ("1e99999999999999", "too_large"),
    ("100000000", "too_large"), ("99999999.99999999999", "too_large"), (1e300, "too_large"),
    pytest.param(10**5000, "too_large", id="10**5000"), (Decimal("1e5000"), "too_large"),
    ("NaN", "invalid"), ("nan", "invalid"), ("Infinity", "invalid"), ("-inf", "invalid"), (float("nan"), "invalid"),
    (float("inf"), "invalid"), (Decimal("NaN"), "invalid"), (Decimal("-Infinity"), "invalid"),
    ("²", "invalid"), ("1²", "invalid"), ("①", "invalid"), ("١٢", "invalid"), ("12。3", "invalid"),
    ("", "invalid"), (" ", "invalid"), (".", "invalid"), ("e5", "invalid"), ("1e", "invalid"), ("--1", "invalid"),
    ("1.2.3", "invalid"), ("0x10", "invalid"), ("1_000", "invalid"), ("1 234", "invalid"), ("12\x00", "invalid"),
    pytest.param("1" * 5000, "invalid", id="5000 digits"), (True, "invalid"), (None, "invalid"), ([1], "invalid"),
])
def test_what_is_not_an_amount_is_refused_with_a_reason(text, code):
    with pytest.raises(NumberError) as refused:
        parse_amount(text)
    assert refused.value.code == code


def test_a_fraction_of_noise_around_zero_is_zero():
    assert parse_amount("1e-99999999999") == 0
    assert parse_amount("0.0000000001") == 0


def test_places_and_digits_follow_the_field():
    assert parse_amount("12.34", places=2, max_digits=14) == Decimal("12.34")
    with pytest.raises(NumberError):
        parse_amount("12.345", places=2, max_digits=14)
    assert parse_amount("1,234", places=0, max_digits=10) == 1234
    with pytest.raises(NumberError):
        parse_amount("12345678901", places=0, max_digits=10)


def test_an_error_quotes_only_a_short_prefix_of_the_input():
    with pytest.raises(NumberError) as refused:
        parse_amount("1e" + "9" * 1_000_000)
    assert len(refused.value.message) < 100
    assert "…" in refused.value.message


@given(st.decimals(min_value=Decimal("-99999999.9999"), max_value=Decimal("99999999.9999"), places=4))
def test_every_four_decimal_amount_survives_text_and_float(value):
    assert parse_amount(f"{value:f}") == value
    assert parse_amount(f"{value:,f}") == value
    assert parse_amount(float(value)) == value  # what a spreadsheet stores: the nearest binary float


@given(nasty_text() | st.floats() | st.integers() | st.decimals())
@settings(max_examples=500)
def test_the_amount_parser_answers_a_value_or_a_number_error(value):
    try:
        result = parse_amount(value)
    except NumberError as error:
        message = error.message
        assert len(message) < 200
    else:
        assert result.is_finite()
        assert result == result.quantize(Decimal("0.0001"))
        assert abs(result) < 10**8
        assert not (result.is_zero() and result.is_signed())


# --- ids and whole numbers --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [*UNICODE_DIGITS, "１２", "1e3", "12.0", "0", "-1", "", " ", "1 2", str(MAX_ID + 1),
                                  "0x1f", pytest.param("1" * 5000, id="5000 digits")])
def test_an_id_is_ascii_digits_from_one(text):
    with pytest.raises(NumberError):
        parse_id(text)


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (" 7 ", 7), ("007", 7), (3, 3), (3.0, 3),
                                                 (Decimal("3.0"), 3), (str(MAX_ID), MAX_ID)])
def test_an_id_is_read(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("value", [True, 3.5, float("nan"), float("inf"), Decimal("1e40"),
                                   pytest.param(10**5000, id="10**5000"), None])
def test_numbers_that_are_no_id_are_refused(value):
    with pytest.raises(NumberError):
        parse_id(value)


@given(nasty_text() | st.integers() | st.floats())
@settings(max_examples=300)
def test_the_integer_parser_answers_an_int_or_a_number_error(value):
    try:
        result = parse_integer(value)
    except NumberError as error:
        message = error.message
        assert len(message) < 200
    else:
        assert isinstance(result, int)
        if isinstance(value, str):
            assert value.strip().lstrip("+-").isascii()


def test_quote_shortens_and_shows_control_characters_harmlessly():
    assert quote("x" * 100) == "x" * QUOTED + "…"
    assert quote("a\x00b") == "a\ufffdb"
    assert quote(10**5000).startswith("1.000000e+5000")


# --- the form fields --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["²", "①", "1e9999999", "NaN", "1,5"])
def test_the_amount_form_field_refuses_with_a_form_error(text):
    field = AmountField(max_digits=12, decimal_places=4)
    with pytest.raises(forms.ValidationError):
        field.clean(text)


def test_the_amount_form_field_reads_full_width_and_grouping():
    field = AmountField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    assert field.clean("１，２３４．５") == Decimal("1234.50")
    with pytest.raises(forms.ValidationError):
        field.clean("0")


@pytest.mark.parametrize("text", ["²", "①", "١٢", "１２", "1" * 5000])
def test_the_integer_form_field_reads_ascii_digits_only(text):
    with pytest.raises(forms.ValidationError):
        IntegerField(min_value=1).clean(text)
