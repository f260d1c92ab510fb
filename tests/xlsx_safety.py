"""Checks shared by the export tests: read an exported workbook back and prove that no cell is a
formula, that text which a spreadsheet would take for a formula stays text (quote-prefixed) with its
value intact, and that characters a worksheet cannot hold became U+FFFD instead of failing."""

import io
import zipfile

from openpyxl import load_workbook

# OWASP's formula starts, and what they look like after an input method (full-width) or a paste.
FORMULA_TEXTS = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=1+1",
    "＝1+1",
]
# A name with control characters (saved before the input policy refused them): the export must not fail.
CONTROL_NAME = "王\x01伟\x1b"
CONTROL_NAME_WRITTEN = "王\ufffd伟\ufffd"


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def cells(content: bytes) -> list:
    """Every cell of the first sheet, with its type and style (not read-only: styles are needed)."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row]


def assert_data_only(content: bytes, *, texts: list[str]) -> None:
    """No formula anywhere (neither openpyxl's type nor an <f> element in the sheet XML); each of
    ``texts`` is present exactly as given, as a quote-prefixed text cell."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    all_cells = cells(content)
    assert [c.coordinate for c in all_cells if c.data_type == "f"] == []
    by_value = {c.value: c for c in all_cells if isinstance(c.value, str)}
    for text in texts:
        assert text in by_value, f"{text!r} missing from the export"
        cell = by_value[text]
        assert (cell.data_type, cell.quotePrefix) == ("s", True), text


def values(content: bytes) -> list:
    return [c.value for c in cells(content)]
