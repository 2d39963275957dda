"""Names of the API's downloads (CSV, xlsx): `Content-Disposition: attachment; filename="progress-2016Q1.csv"`.

Kept apart from the renderers, which decide what the cells hold; this only names the file.
"""
import re
from urllib.parse import quote

_NAMING_PARAMETERS = ("scope", "code", "cluster_code")


def export_filename(request, extension: str) -> str:
    """`progress-2016Q1.csv`: the API path, the code and scope filters, then the period asked for."""
    parts = [segment for segment in request.path.split("/api/v1/", 1)[-1].split("/") if segment]
    params = request.query_params
    parts += [params[name] for name in _NAMING_PARAMETERS if params.get(name)]
    year, quarter = params.get("year", ""), params.get("quarter", "")
    if year.isascii() and year.isdigit():
        parts.append(f"{year}Q{quarter}" if quarter.isascii() and quarter.isdigit() and quarter != "0" else year)
    return "-".join(parts or ["export"]) + f".{extension}"


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII `filename` every client reads, plus RFC 6266 `filename*`
    (UTF-8) when the real name is not ASCII."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def name_the_download(renderer_context: dict | None, extension: str) -> None:
    """Set the response's Content-Disposition (called by the CSV and xlsx renderers)."""
    context = renderer_context or {}
    response, request = context.get("response"), context.get("request")
    if response is not None and request is not None:
        response["Content-Disposition"] = content_disposition(export_filename(request, extension))
