"""How one value leaves the app in a spreadsheet cell or a CSV field (core.cells)."""
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from core.cells import Ratio, csv_field, csv_text, formula_like, headers_for, xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+1", "-x", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\u3000=1", "＝1", "＋1",
                                  "－1", "＠x", " -2"])
def test_text_a_spreadsheet_would_run_is_formula_like(text):
    assert formula_like(text)


@pytest.mark.parametrize("text", ["", "光伏", "1-2", "a=b", "12", "e-mail: a@b"])
def test_ordinary_text_is_not(text):
    assert not formula_like(text)


@pytest.mark.parametrize(("value", "field"), [
    (Decimal("-0.0821"), "-0.0821"), (Decimal("23.9900"), "23.9900"), (Decimal("-0.0000"), "0.0000"),
    (Decimal("1E+2"), "100"), (Ratio("-0.172"), "-0.172"), (-89, "-89"), (0.5, "0.5"), (None, ""),
    (True, "true"), (date(2011, 7, 1), "2011-07-01"),
    (datetime(2011, 7, 1, 1, 30, tzinfo=UTC), "2011-07-01 09:30:00"),  # Asia/Shanghai
    ("-x", "'-x"), ("=1", "'=1"), ("＝1", "'＝1"), ("光伏", "光伏"),
])
def test_a_csv_field_is_a_plain_number_or_escaped_text(value, field):
    assert csv_field(value) == field


def _cells(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows())


def test_xlsx_cells_are_typed_with_formats_showing_their_scale():
    when = datetime(2011, 7, 1, 1, 30, tzinfo=UTC)
    content = xlsx_bytes("t", ["amount", "share", "count", "day", "when", "text", "formula", "empty", "bad"], [
        [Decimal("-12.3400"), Ratio("-0.0821"), 7, date(2011, 7, 1), when, "光伏", "=1+1", None, "a\x01b"]])
    header, row = _cells(content)
    assert [c.value for c in header][4] == "when (Asia/Shanghai)"
    amount, share, count, day, at, text, formula, empty, bad = row
    assert (amount.data_type, amount.value, amount.number_format) == ("n", -12.34, "#,##0.00##")
    assert (share.data_type, share.value, share.number_format) == ("n", -0.0821, "0.0%")
    assert (count.data_type, count.value) == ("n", 7)
    assert day.is_date
    assert at.value == datetime(2011, 7, 1, 9, 30)
    assert (text.data_type, text.quotePrefix) == ("s", False)
    assert (formula.data_type, formula.value, formula.quotePrefix) == ("s", "=1+1", True)
    assert empty.value is None
    assert bad.value == "ab"  # a control character XML cannot hold is dropped, not a 500


def test_minus_zero_is_written_as_zero():
    [_header, [cell]] = _cells(xlsx_bytes("t", ["v"], [[Decimal("-0.0000")]]))
    assert str(cell.value) in ("0", "0.0")
    assert not str(cell.value).startswith("-")


def test_a_column_that_holds_times_names_the_zone_in_both_formats():
    rows = [[datetime(2011, 7, 1, tzinfo=UTC), 1], [None, 2]]
    assert headers_for(["at", "n"], rows) == ["at (Asia/Shanghai)", "n"]
    assert csv_text(["at", "n"], rows).splitlines()[0] == "\ufeffat (Asia/Shanghai),n"


def test_a_sheet_title_excel_would_refuse_is_cleaned():
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes("2011/Q3: [产值]*?" * 3, ["a"], [])))
    assert "/" not in workbook.active.title
    assert len(workbook.active.title) <= 31
