"""Property tests of the MI return parser and upload: whatever a file holds (random bytes, random
cells, formulas, huge numbers, odd dates), the answer is a list of lines or a clear refusal, never a
crash; and through the upload action a refused file leaves nothing saved."""

import contextlib
import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenderbox.lib.errors import DomainError
from tenderbox.spend import actions, mi
from tenderbox.spend.models import MIReturn, SpendRecord
from tests.spend_fixtures import HEADER, make_call_off, make_framework

MARCH = date(2026, 3, 1)
TODAY = date(2026, 4, 20)
REF = "CON-2026-000001"

formulas = st.sampled_from(
    ["=cmd|' /C calc'!A0", "=1+2", "+SUM(A1:A2)", "-2+3", "@SUM(1)", '=HYPERLINK("x")']
)
numbers = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(repr),
    st.sampled_from(["£1,000.00", "(12.50)", "1e9", "1,2,3", "0.001", "-0", "٣", "１２"]),
)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f"{d.day}/{d.month}/{d.year}"),
    st.sampled_from(["2026-02-30", "31/13/2026", "2026-3-1", "00/00/0000", "2026-03-31 00:00:00"]),
)
cells = st.one_of(st.text(max_size=30), formulas, numbers, dates, st.just(""), st.just(REF))


def check(lines: list[mi.Line]) -> None:
    for line in lines:
        assert abs(line.amount_excl_vat) <= Decimal("999999999999.99")
        assert line.amount_excl_vat != 0
        assert line.invoice_date.replace(day=1) == MARCH
        assert line.contract_reference == REF


def parse(content: bytes, name: str):
    return mi.parse(content, name, period=MARCH, today=TODAY, references={REF}, default_reference=REF)


@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=4096), name=st.sampled_from(["r.csv", "r.xlsx"]))
def test_random_bytes_never_crash_the_parser(content, name):
    with contextlib.suppress(mi.ReturnRefused):
        check(parse(content, name))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=10), max_size=8))
def test_random_csv_cells_never_crash_the_parser(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    with contextlib.suppress(mi.ReturnRefused):
        check(parse(buffer.getvalue().encode("utf-8"), "r.csv"))


xlsx_cells = st.one_of(
    cells,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1)),
    st.booleans(),
    st.none(),
)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.lists(xlsx_cells, min_size=0, max_size=9), max_size=5))
def test_random_xlsx_cells_never_crash_the_parser(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for row in rows:
        # openpyxl itself refuses control characters in strings: that is not a file a supplier can make.
        sheet.append([c if not isinstance(c, str) else "".join(ch for ch in c if ch >= " ") for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with contextlib.suppress(mi.ReturnRefused):
        check(parse(buffer.getvalue(), "r.xlsx"))


@pytest.fixture
def call_off(northshire, helen, acme):
    framework = make_framework(northshire, helen, suppliers=[acme])
    return make_call_off(northshire, acme, helen, framework)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2048), rows=st.lists(st.lists(cells, max_size=9), max_size=4))
def test_a_refused_upload_saves_nothing(call_off, alice, content, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER.split(","), *rows])
    for data in (content, buffer.getvalue().encode()):
        before = (MIReturn.objects.count(), SpendRecord.objects.count())
        upload = SimpleUploadedFile("march.csv", data, content_type="text/csv")
        with time_machine.travel(TODAY, tick=False):
            try:
                outcome = actions.submit_return(
                    supplier=call_off.supplier, by=alice, contract=call_off, period=MARCH, uploaded=upload
                )
            except DomainError:
                assert (MIReturn.objects.count(), SpendRecord.objects.count()) == before
            else:
                returned = outcome.mi_return
                assert returned.lines.count() == returned.line_count > 0


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.binary(max_size=2048),
    name=st.sampled_from(["r.csv", "r.xlsx", "r", "r.CSV", "../../r.csv"]),
    period=st.sampled_from(["2026-03", "2026-13", "", "x", "2026-04", "2025-12"]),
    nil=st.booleans(),
)
def test_the_upload_page_and_the_api_never_fail_unclearly(
    client, call_off, alice, content, name, period, nil
):
    from tenderbox.api.actions import create_token
    from tests.conftest import sign_in

    token = create_token(call_off.supplier, by=alice, name="MI", scope="write", days=30)[1]
    sign_in(client, alice)
    with time_machine.travel(TODAY, tick=False):
        for url, extra in (
            (f"/spend/contracts/{call_off.pk}/returns", {}),
            (f"/api/v1/contracts/{call_off.pk}/mi-returns", {"HTTP_AUTHORIZATION": f"Bearer {token}"}),
        ):
            before = (MIReturn.objects.count(), SpendRecord.objects.count())
            data = {"period": period, "file": SimpleUploadedFile(name, content)}
            if nil:
                data["nil"] = "true" if extra else "on"
            response = client.post(url, data, **extra)
            assert response.status_code in (200, 201, 302, 400, 409), response.content[:300]
            if response.status_code in (400, 409):
                assert (MIReturn.objects.count(), SpendRecord.objects.count()) == before
