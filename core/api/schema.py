"""How the OpenAPI schema is generated: a contract that generated clients and fuzzers can rely on.

- Titles, operationIds, enum and component names are ASCII identifiers; Chinese stays in the
  descriptions. drf-spectacular would give every model field and django-filter parameter its
  (Chinese) verbose name as `title`, which client generators turn into class names
  (`FiguresList状态`): `AutoSchema` leaves titles out and keeps the label as the description
  where a field has none.
- Request bodies say exactly what they accept: no other keys (`additionalProperties: false`,
  refused by `core.api.inputs.InputSerializer`), text without NUL characters (and not blank where
  blank is refused), amounts by a pattern of their range (`AmountField`), ids from 1 to the
  largest bigint, and whatever a serializer adds in `schema_extra` (e.g. `minProperties`).
- Every operation documents the shared error shape for each status it can answer, and which
  error `code` means what (`add_error_responses`); query parameters may be sent empty, which is
  the same as leaving them out (`allowEmptyValue`); text filters refuse NUL (core.api.filters).
- The CSV / xlsx renderings are described as text and binary, not as JSON.
"""
from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from .filters import MAX_ID
from .inputs import NO_NUL, NOT_BLANK


class AutoSchema(openapi.AutoSchema):
    def _get_serializer_field_meta(self, field, direction) -> dict[str, Any]:
        meta = super()._get_serializer_field_meta(field, direction)
        title = meta.pop("title", None)
        if title and "description" not in meta:
            meta["description"] = title
        return meta

    def _map_basic_serializer(self, serializer, direction) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction != "request":
            return schema
        for name, field in serializer.fields.items():
            prop = schema["properties"].get(name)
            if prop is None or "$ref" in prop:
                continue
            if isinstance(field, serializers.CharField) and prop.get("type") == "string" and "pattern" not in prop:
                prop["pattern"] = NO_NUL if field.allow_blank else NOT_BLANK
            if isinstance(field, serializers.PrimaryKeyRelatedField):
                prop.setdefault("minimum", 1)
                prop.setdefault("maximum", MAX_ID)
        schema["additionalProperties"] = False
        schema.update(getattr(serializer, "schema_extra", {}))
        return schema


class AmountFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "core.api.inputs.AmountField"

    def map_serializer_field(self, auto_schema, direction) -> dict[str, Any]:
        return {"type": "string", "format": "decimal", "pattern": self.target.pattern}


ERROR_COMPONENT = {
    "type": "object",
    "description": (
        "The one error shape of this API (统一的错误格式). `detail`: one sentence in the request's language "
        "(Chinese by default, English with `Accept-Language: en`); `code`: a stable machine code "
        "(`invalid`, `parse_error`, `not_authenticated`, `permission_denied`, `not_found`, `version_conflict`, "
        "…; each response lists its own); `errors`: messages per input field, `non_field_errors` for the rest "
        "(empty unless the input was at fault); `current_version`: on a version conflict (409), the version "
        "now stored."
    ),
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in one sentence."},
        "code": {"type": "string", "description": "Machine-readable error code."},
        "errors": {
            "type": "object",
            "description": "Field name → messages (字段级错误信息).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "current_version": {"type": "integer", "nullable": True,
                            "description": "409 only: the version stored now; re-read and retry with it."},
        "stale": {"type": "array", "description": "409 of a batch write only: every row changed since it was read.",
                  "items": {"type": "object", "properties": {"id": {"type": "integer"},
                                                             "current_version": {"type": "integer"}}}},
    },
    "required": ["detail", "code", "errors"],
}

_REF = {"$ref": "#/components/schemas/Error"}
_DESCRIPTIONS = {
    "400": "Invalid input (输入有误): a query parameter or body field outside what this schema allows, or a body "
           "that is not valid JSON. `code`: `invalid` (`errors` names each field) or `parse_error` (malformed "
           "JSON, a key given twice, NaN).",
    "401": "Not signed in: send `Authorization: Token <key>` or a session cookie (未认证). `code`: "
           "`not_authenticated` or `authentication_failed`.",
    "403": "Signed in, but this role or department may not do this (无权限). `code`: `permission_denied`.",
    "404": "No such object, or one the caller may not see; the two are not told apart (不存在或无权查看). "
           "`code`: `not_found`. Also a page past the end, and on writes an id in the body (`cluster`, "
           "`enterprise`) that does not exist, is hidden, or (an enterprise) belongs to another cluster: "
           "`errors` names the field.",
    "409": "The current state of the data refuses this well-formed request; nothing was saved (状态冲突). "
           "`code`: `version_conflict` (stale `version`; `current_version` says the stored one: re-read and "
           "retry), `locked` (submitted or approved figures cannot be changed), `status` (the figure's status "
           "does not allow this step, e.g. approving a draft), `already_reported` (the unit has a figure for "
           "that quarter), `reporting_mode` (a cluster reports either as a whole or by enterprise in one "
           "quarter), `quarter_not_over` (figures are entered after the quarter ends), `explanation_needed` "
           "(an outlier against the same quarter last year needs a note before it is submitted), "
           "`integrity` (data saved meanwhile).",
    "415": "Unsupported request body type: send `Content-Type: application/json` (不支持的请求格式). `code`: "
           "`unsupported_media_type`.",
    "429": "Too many requests: wait `Retry-After` seconds (请求过于频繁). `code`: `throttled`.",
}
_TABULAR = {
    "text/csv": {"type": "string", "description": "CSV, UTF-8 with BOM; nested fields as dotted columns."},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "type": "string", "format": "binary", "description": "xlsx workbook, one sheet `data`."},
}


def _error(code: str) -> dict[str, Any]:
    return {"description": _DESCRIPTIONS[code], "content": {"application/json": {"schema": _REF}}}


def _document_query_parameters(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query" or parameter.get("required"):
            continue
        # Every list and filter reads an empty value as "not given" (django-filter, DRF).
        parameter["allowEmptyValue"] = True


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            _document_query_parameters(operation)
            responses = operation.setdefault("responses", {})
            codes = ["400", "401", "403", "404", "429"]
            if method in ("post", "put", "patch", "delete"):
                codes += ["409", "415"]
                if "requestBody" in operation:  # every write reads a JSON body (a body of two shapes included)
                    operation["requestBody"]["required"] = True
            for code in codes:
                responses.setdefault(code, _error(code))
            for response in responses.values():
                for media_type, schema in _TABULAR.items():
                    if media_type in response.get("content", {}):
                        response["content"][media_type] = {"schema": schema}
    return result
