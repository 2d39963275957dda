"""The API's JSON parser: numbers are read without Python's float or integer limits getting in the way.

JSON numbers with a fraction or exponent become `Decimal` (never a float: 12.3 stays 12.3, and 1e999999
does not turn into infinity), and an integer of more than 100 digits becomes a Decimal too, instead of
Python's own ValueError about its 4,300-digit limit. The fields (`core.api.fields`) then say, in the
user's language, that such a number is too large. NaN and Infinity stay refused (strict JSON).
"""
import codecs
from decimal import Decimal

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json


def _integer(text: str) -> int | Decimal:
    return int(text) if len(text) <= 100 else Decimal(text)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            return json.load(codecs.getreader(encoding)(stream), parse_float=Decimal, parse_int=_integer)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {str(exc)[:200]}") from exc
