"""Spreadsheet-safe CSV cells (CSV or "formula" injection, OWASP).

A spreadsheet opening a CSV treats a cell that starts with =, +, -, @ (or a tab or carriage return,
which some programs skip before looking) as a formula, so a supplier's description such as
`=HYPERLINK("http://evil","click")` or `=cmd|' /C calc'!A0` would run on the reader's machine.
Every text cell Tenderbox exports goes through `neutralise`, which prefixes such a cell with an
apostrophe: spreadsheets show the text as typed and never evaluate it. Numbers are written by the
exporter as numbers (a negative amount is a number, not text, and is left alone).
"""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value) -> str:
    """The cell as text, with an apostrophe before anything a spreadsheet would evaluate."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable]) -> bytes:
    """A UTF-8 CSV (with the byte-order mark Excel needs to read £ correctly), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
