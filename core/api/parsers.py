"""The one request body format of the API: JSON, read strictly.

Form-encoded bodies are not accepted (415): the documented format is JSON, and a schema that offers
both makes generated clients send forms. On top of DRF's JSON parser this one refuses, with a 400
`parse_error` naming the problem rather than Python's own error text:
- a key given twice in one object (`{"year": 2012, "year": 2013}`): which one was meant is a guess;
- NaN and ±Infinity (not JSON);
- an integer of more than MAX_INTEGER_DIGITS digits: no id, count or version comes close, and
  Python refuses to convert integers beyond 4,300 digits with an error of its own.
"""
import codecs
import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_INTEGER_DIGITS = 30


class _Refused(ValueError):
    """A well-formed JSON text this API does not take; the message is for the client."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _Refused(_('The key "%(key)s" appears more than once in one object; send it once.')
                           % {"key": key[:50]})
        data[key] = value
    return data


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _Refused(_("A number in the body has more than %(digits)s digits.") % {"digits": MAX_INTEGER_DIGITS})
    return int(text)


def _no_constants(name: str) -> None:
    raise _Refused(_("%(value)s is not a number JSON allows.") % {"value": name})


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            return json.load(codecs.getreader(encoding)(stream), object_pairs_hook=_unique_keys,
                             parse_int=_integer, parse_constant=_no_constants)
        except _Refused as exc:
            raise ParseError(str(exc)) from exc
        except ValueError as exc:  # malformed JSON or text that is not in the declared encoding
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": str(exc)[:200]}) from exc
