"""The MI return parser: every problem of every line, with its line and column; good files parsed
exactly; CSV from Excel (Windows-1252, byte-order mark) and XLSX both read."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from tenderbox.spend import mi
from tests.spend_fixtures import HEADER, line

MARCH = date(2026, 3, 1)
TODAY = date(2026, 4, 20)
REF = "CON-2026-000001"


def parse(content: bytes, name="march.csv", **kwargs):
    options = {"period": MARCH, "today": TODAY, "references": {REF}, "default_reference": REF} | kwargs
    return mi.parse(content, name, **options)


def csv(*lines, header=HEADER) -> bytes:
    return "\n".join([header, *lines]).encode() + b"\n"


def refused(content, name="march.csv", **kwargs) -> list[tuple]:
    with pytest.raises(mi.ReturnRefused) as caught:
        parse(content, name, **kwargs)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def test_it_reads_a_good_return():
    lines = parse(
        csv(
            line(number="inv-1 "),
            line(REF, "INV-2", "31/03/2026", "2026-04-02", amount="£1,250.50", vat="250.10"),
        )
    )
    assert [
        (
            x.line,
            x.contract_reference,
            x.invoice_number,
            x.invoice_date,
            x.payment_date,
            x.amount_excl_vat,
            x.vat,
        )
        for x in lines
    ] == [
        (2, REF, "INV-1", date(2026, 3, 10), None, Decimal("1000.00"), Decimal("200.00")),
        (3, REF, "INV-2", date(2026, 3, 31), date(2026, 4, 2), Decimal("1250.50"), Decimal("250.10")),
    ]


def test_it_lists_every_problem_of_every_line():
    content = csv(
        line(number=""),
        line(number="INV-2", invoice_date="2026-04-01"),
        line(number="INV-3", invoice_date="31/02/2026", amount="12,5", vat="-3"),
        line(number="INV-4", amount="100.00", vat="30.00", description=""),
        line(number="INV-5", amount="1.005"),
        line(number="INV-2"),
        line("CON-2026-999999", "INV-7"),
        line(number="INV-8", paid="2026-05-01", amount="0"),
    )
    assert refused(content) == [
        (2, "invoice_number", "Enter the invoice number"),
        (
            3,
            "invoice_date",
            "The invoice is dated 1 April 2026: it belongs in the return for April 2026, not March 2026",
        ),
        (4, "invoice_date", "The date does not exist"),
        (4, "amount_excl_vat", "Enter an amount in pounds, like 1250.00"),
        (5, "description", "Enter what was supplied"),
        (5, "vat", "VAT is more than 20% of the amount: check the net and VAT columns are not swapped"),
        (6, "amount_excl_vat", "Enter the amount with at most 2 decimal places"),
        (7, "invoice_number", "The invoice is already on line 3"),
        (8, "contract_reference", f"This return is for {REF}: the line names another contract"),
        (9, "payment_date", "The payment date is in the future"),
        (9, "amount_excl_vat", "A line of £0 declares nothing: leave it out"),
    ]


def test_the_refusal_message_counts_the_problems():
    with pytest.raises(mi.ReturnRefused) as caught:
        parse(csv(line(number=""), line(number="X", amount="abc")))
    assert caught.value.message == "The return was refused: it has 2 problems. Nothing of it was saved."
    assert caught.value.errors["problem_count"] == 2
    assert caught.value.errors["problems"][0] == {
        "line": 2,
        "column": "invoice_number",
        "message": "Enter the invoice number",
    }


def test_a_credit_note_is_negative_with_negative_vat():
    (credit,) = parse(csv(line(amount="-500.00", vat="-100.00")))
    assert (credit.amount_excl_vat, credit.vat) == (Decimal("-500.00"), Decimal("-100.00"))
    assert refused(csv(line(amount="-500.00", vat="100.00"))) == [
        (2, "vat", "VAT on a credit note (a negative amount) must be negative or 0")
    ]


def test_missing_and_unknown_columns_are_named():
    header = "invoice_number,invoice_date,description,amount_excl_vat,colour"
    assert refused(csv("INV-1,2026-03-01,x,10", header=header)) == [
        (1, "colour", "Unknown column: use the column names of the template"),
        (1, "vat", "The column is missing: use the template"),
    ]


def test_header_names_are_forgiving_about_case_spaces_and_common_names():
    header = "Invoice Number, Invoice Date ,Description,Net Amount,VAT"
    (parsed,) = parse(csv("INV-9,2026-03-05,Cleaning,100,20", header=header))
    assert (parsed.invoice_number, parsed.amount_excl_vat, parsed.contract_reference) == (
        "INV-9",
        Decimal("100.00"),
        REF,
    )


def test_an_empty_file_and_a_header_only_file_are_refused_with_the_nil_return_hint():
    assert refused(b"\n\n") == [(None, "", "The file is empty: use the template")]
    assert refused(csv()) == [
        (None, "", "The file has no lines. If nothing was invoiced in March 2026, send a nil return instead")
    ]


def test_a_framework_wide_return_needs_each_lines_contract():
    other = "CON-2026-000002"
    refs = {REF, other}
    lines = parse(csv(line(REF, "A"), line(other, "A")), references=refs, default_reference=None)
    assert [(x.contract_reference, x.invoice_number) for x in lines] == [(REF, "A"), (other, "A")]
    assert refused(csv(line("", "B"), line("CON-X", "C")), references=refs, default_reference=None) == [
        (2, "contract_reference", "Enter the contract reference (CON-…) of this line"),
        (3, "contract_reference", "Not one of your contracts under this framework"),
    ]


def test_excel_csv_in_windows_1252_with_pound_signs_is_read():
    content = (
        HEADER + "\n" + line(amount="£2,000.00", vat="£400.00", description="Café cleaning") + "\n"
    ).encode("cp1252")
    (parsed,) = parse(content)
    assert (parsed.description, parsed.amount_excl_vat) == ("Café cleaning", Decimal("2000.00"))


def test_a_utf8_byte_order_mark_is_ignored():
    (parsed,) = parse(b"\xef\xbb\xbf" + csv(line()))
    assert parsed.invoice_number == "INV-1"


def test_formulas_are_kept_as_text_in_text_cells_and_refused_as_numbers():
    assert refused(csv(line(description="=cmd|' /C calc'!A0", amount="=1+2"))) == [
        (2, "amount_excl_vat", "Enter an amount in pounds, like 1250.00")
    ]
    (parsed,) = parse(csv(line(description='=HYPERLINK("http://x")')))
    assert parsed.description == '=HYPERLINK("http://x")'


def test_huge_numbers_are_refused():
    assert refused(csv(line(amount="1" * 40, vat="0"))) == [
        (2, "amount_excl_vat", "The amount is too large to be right")
    ]
    assert refused(csv(line(amount="1e9", vat="0"))) == [
        (2, "amount_excl_vat", "Enter an amount in pounds, like 1250.00")
    ]


def test_too_many_lines_are_refused(monkeypatch):
    monkeypatch.setattr(mi, "MAX_LINES", 3)
    assert refused(csv(*[line(number=f"N{i}") for i in range(4)])) == [
        (None, "", "A return may have at most 3 lines: split it by contract")
    ]


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_an_xlsx_return_with_real_dates_and_numbers():
    from datetime import datetime

    content = xlsx(
        [
            HEADER.split(","),
            [None, "INV-1", datetime(2026, 3, 3), None, "Cleaning", None, 1000, 200],
            [REF, 4711, "2026-03-04", datetime(2026, 4, 1), "Windows", "Facilities", 0.1 + 0.2, 0.06],
        ]
    )
    lines = parse(content, "march.xlsx")
    assert [
        (x.line, x.invoice_number, x.invoice_date, x.payment_date, x.amount_excl_vat, x.vat) for x in lines
    ] == [
        (2, "INV-1", date(2026, 3, 3), None, Decimal("1000.00"), Decimal("200.00")),
        (3, "4711", date(2026, 3, 4), date(2026, 4, 1), Decimal("0.30"), Decimal("0.06")),
    ]


def test_xlsx_problems_carry_their_row_numbers():
    content = xlsx(
        [
            HEADER.split(","),
            [None, "INV-1", "soon", None, "x", None, "twelve", 0],
            [None, "INV-2", "2026-03-02", None, "y", None, 1.234, 0],
        ]
    )
    assert refused(content, "march.xlsx") == [
        (2, "invoice_date", "Enter the date as 2026-03-31 or 31/03/2026"),
        (2, "amount_excl_vat", "Enter an amount in pounds, like 1250.00"),
        (3, "amount_excl_vat", "Enter the amount with at most 2 decimal places"),
    ]


def test_a_damaged_xlsx_is_refused():
    assert refused(b"PK\x03\x04 not really a workbook", "march.xlsx") == [
        (None, "", "The file cannot be read as an XLSX workbook: it may be damaged")
    ]


def test_the_template_has_the_documented_columns():
    first = mi.template_csv().decode("utf-8-sig").splitlines()[0]
    assert first == HEADER
