"""Spreadsheet cells that cannot run: every export (CSV, Excel) writes its cells through here.

A unit, area or person named "=HYPERLINK(...)" would otherwise become a formula when the file
is opened in Excel or LibreOffice (CSV or formula injection). OWASP's advice: a text cell
that begins with a formula starter gets a leading apostrophe, so it is read as text. Numbers
stay numbers: a negative count is a number, not a formula. Any app may import this module.
"""

import re

from django.utils.functional import Promise

# What Excel, LibreOffice and Google Sheets read as the start of a formula, with the
# full-width forms that some of them fold to the ASCII ones.
FORMULA_STARTERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# C0 controls but tab, line feed and carriage return: XML 1.0, and so an .xlsx, cannot carry
# them (openpyxl refuses the cell), and a hidden one in front of "=" must not hide the "=".
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def spreadsheet_value(value):
    """The value a cell may hold: text without control characters, and with an apostrophe in
    front if it would start a formula; anything that is not text unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub("", value)
    # Behind leading spaces too: a CSV import that trims spaces (LibreOffice's option) would
    # otherwise bring the "=" to the front.
    if text.startswith(FORMULA_STARTERS) or text.lstrip().startswith(FORMULA_STARTERS):
        return "'" + text
    return text


def spreadsheet_row(values) -> list:
    return [spreadsheet_value(v) for v in values]


def workbook_without_formulas(book) -> None:
    """Make every text cell of an openpyxl workbook a plain string cell: openpyxl turns a
    string that starts with "=" into a formula ("f") and "#N/A" into an error ("e"). Called
    just before saving, so a cell written past spreadsheet_value still cannot run."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type != "s":
                    cell.value = spreadsheet_value(cell.value)
                    cell.data_type = "s"
