"""drf-spectacular post-processing: the shared error shape on every operation, and honest
descriptions of the CSV / xlsx renderings (text and binary, not JSON)."""
from typing import Any

ERROR_COMPONENT = {
    "type": "object",
    "description": (
        "The one error shape of this API (统一的错误格式). `detail`: one sentence in the request's language "
        "(Chinese by default, English with `Accept-Language: en`); `code`: a stable machine code "
        "(`invalid`, `not_authenticated`, `permission_denied`, `not_found`, `version_conflict`, …); "
        "`errors`: messages per input field, `non_field_errors` for the rest (empty unless the input was "
        "invalid); `current_version`: on a version conflict (409), the version now stored."
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
    "400": "Invalid input: `errors` names each field (输入有误).",
    "401": "Not signed in: send `Authorization: Token <key>` or a session cookie (未认证).",
    "403": "Signed in, but this role or department may not do this (无权限).",
    "404": "No such object, or one the caller may not see; the two are not told apart (不存在或无权查看).",
    "409": "Version conflict or conflicting data: nothing was saved (版本冲突).",
    "415": "Unsupported request body type: send JSON (不支持的请求格式).",
    "429": "Too many requests: wait `Retry-After` seconds (请求过于频繁).",
}
_TABULAR = {
    "text/csv": {"type": "string", "description": "CSV, UTF-8 with BOM; nested fields as dotted columns."},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "type": "string", "format": "binary", "description": "xlsx workbook, one sheet `data`."},
}


def _error(code: str) -> dict[str, Any]:
    return {"description": _DESCRIPTIONS[code], "content": {"application/json": {"schema": _REF}}}


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = ["400", "401", "403", "404", "429"]
            if method in ("post", "put", "patch", "delete"):
                codes += ["409", "415"]
            for code in codes:
                responses.setdefault(code, _error(code))
            for response in responses.values():
                for media_type, schema in _TABULAR.items():
                    if media_type in response.get("content", {}):
                        response["content"][media_type] = {"schema": schema}
    return result
