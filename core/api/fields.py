"""API input fields that read numbers through `core.numbers`, like the pages and the import do.

Every write serializer uses these instead of DRF's own: ids are ASCII digits (a superscript or a
circled digit is a 400, never a 500), amounts take full-width digits, thousands grouping and float
noise exactly as the entry page does, and an error quotes at most a short prefix of the input.
"""
from typing import Any

from rest_framework import serializers

from core.numbers import NumberError, parse_amount, parse_id, parse_integer, quote


class IntegerField(serializers.IntegerField):
    """A whole number (ASCII digits, or a JSON integer); `min_value`/`max_value` as in DRF."""

    def to_internal_value(self, data: Any) -> int:
        try:
            return parse_integer(data)
        except NumberError as error:
            raise serializers.ValidationError(error.message, code="invalid") from error


class AmountField(serializers.DecimalField):
    """A decimal amount, given as a string (documented) or a JSON number; quantized to `decimal_places`."""

    def to_internal_value(self, data: Any):
        try:
            return parse_amount(data, places=self.decimal_places, max_digits=self.max_digits)
        except NumberError as error:
            raise serializers.ValidationError(error.message, code=error.code) from error


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row by id: the id is parsed (`parse_id`) before any query; a bad or out-of-range id
    is "does not exist", like a missing row."""

    def to_internal_value(self, data: Any):
        try:
            data = parse_id(data)
        except NumberError:
            self.fail("does_not_exist", pk_value=quote(data))
        return super().to_internal_value(data)
