"""CSV downloads that a spreadsheet cannot turn into formulas.

A cell beginning with = + - @ (or a tab or carriage return, which some spreadsheets skip before
reading one of those) is run as a formula when the file is opened: CSV injection (OWASP). Text cells
that start so get a leading apostrophe, which spreadsheets show as text. Numbers we format ourselves
are written as they are, so a negative value stays a number.
"""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "Yes" if cell else "No"
    if isinstance(cell, int | float | Decimal):
        return str(cell)
    text = str(cell)
    return "'" + text if text.startswith(DANGEROUS_FIRST) else text


def csv_text(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return out.getvalue()


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    # A byte-order mark so that spreadsheets read the file as UTF-8 (names with accents, £).
    response = HttpResponse("\ufeff" + csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
