"""Uploads are limited in size before Django reads them, and in type by name and by content."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from core.middleware import request_max_bytes

IMPORT = reverse("figure-import")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def test_a_body_over_the_limit_is_refused_before_it_is_read(editor_client):
    # The body declares a gigabyte but holds a few bytes: reading it would fail the test client's
    # "cannot read more than the available bytes" check, so a 413 proves nothing was read.
    body = encode_multipart("BoUnDaRy", {"file": SimpleUploadedFile("f.xlsx", b"PK\x03\x04")})
    response = editor_client.generic("POST", IMPORT, body, content_type=MULTIPART_CONTENT.replace(
        "BoUnDaRyStRiNg", "BoUnDaRy"), CONTENT_LENGTH=str(10**9))
    assert response.status_code == 413
    assert "The upload is too large" in response.content.decode()


def test_a_real_large_file_gets_413(editor_client):
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * request_max_bytes(), content_type=XLSX)
    assert editor_client.post(IMPORT, {"file": big}).status_code == 413


def test_the_request_limit_leaves_room_for_the_upload_limit(settings):
    assert request_max_bytes() >= settings.ENTRY_UPLOAD_MAX_BYTES + 64 * 1024
    assert request_max_bytes() >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_the_request_limit_is_configurable(settings):
    settings.REQUEST_MAX_BYTES = 1234
    assert request_max_bytes() == 1234


@pytest.mark.parametrize("name", ["figures.xls", "figures.ods", "figures.et", "figures"])
def test_a_workbook_with_another_extension_is_refused_saying_to_save_it_as_xlsx_or_csv(editor_client, name):
    response = editor_client.post(IMPORT, {"file": SimpleUploadedFile(name, _xlsx_bytes())})
    assert response.status_code == 400
    assert "Save the sheet from your spreadsheet program as an Excel workbook (.xlsx) or as CSV (.csv)" \
        in response.content.decode()


def test_a_file_that_is_not_a_zip_archive_from_its_first_bytes_is_refused(editor_client):
    # A zip at the end of some other file still passes zipfile.is_zipfile; the magic number does not.
    disguised = b"GIF89a" + b"\x00" * 64 + _xlsx_bytes()
    response = editor_client.post(IMPORT, {"file": SimpleUploadedFile("figures.xlsx", disguised)})
    assert response.status_code == 400
    assert "This file is not an Excel workbook (.xlsx)." in response.content.decode()
