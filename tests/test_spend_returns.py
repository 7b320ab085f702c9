"""MI returns through the action: accepted in one transaction, a correction replaces the month's
lines, the same file again changes nothing, nil returns, framework-wide returns, and every refusal
leaves nothing saved."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from tenderbox.audit.models import AuditEvent
from tenderbox.lib.errors import Conflict
from tenderbox.spend import actions, mi
from tenderbox.spend.models import MIReturn, SpendRecord
from tests.spend_fixtures import csv_file, line, make_call_off, make_framework

MARCH = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def april():
    with time_machine.travel("2026-04-20 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def framework(northshire, helen, acme, brightside):
    return make_framework(northshire, helen, suppliers=[acme, brightside])


@pytest.fixture
def call_off(framework, northshire, acme, helen):
    return make_call_off(northshire, acme, helen, framework)


def submit(call_off, by, upload=None, *, period=MARCH, nil=False):
    return actions.submit_return(
        supplier=call_off.supplier, by=by, contract=call_off, period=period, uploaded=upload, nil=nil
    )


def saved():
    return MIReturn.objects.count(), SpendRecord.objects.count()


def verbs():
    return list(
        AuditEvent.objects.filter(verb__startswith="mi_return").order_by("seq").values_list("verb", flat=True)
    )


def test_a_good_return_is_saved_whole(call_off, alice):
    outcome = submit(
        call_off, alice, csv_file(line(number="INV-1"), line(number="INV-2", amount="250.00", vat="50.00"))
    )
    returned = outcome.mi_return
    assert outcome.outcome == "accepted"
    assert (returned.status, returned.line_count, returned.total_excl_vat, returned.total_vat) == (
        "accepted",
        2,
        Decimal("1250.00"),
        Decimal("250.00"),
    )
    assert list(
        returned.lines.values_list("line_number", "transaction_number", "amount_excl_vat", "source", "period")
    ) == [
        (2, "INV-1", Decimal("1000.00"), "mi_return", MARCH),
        (3, "INV-2", Decimal("250.00"), "mi_return", MARCH),
    ]
    assert returned.file.read().startswith(b"contract_reference,")
    assert actions.summary(call_off).supplier_declared == Decimal("1250.00")
    assert verbs() == ["mi_return.accepted"]


def test_a_bad_file_saves_nothing(call_off, alice):
    with pytest.raises(mi.ReturnRefused) as caught:
        submit(call_off, alice, csv_file(line(number="INV-1"), line(number="INV-2", amount="lots")))
    assert [(p.line, p.column) for p in caught.value.problems] == [(3, "amount_excl_vat")]
    assert saved() == (0, 0)
    assert verbs() == []


def test_the_same_file_twice_does_not_double_the_spend(call_off, alice, bob):
    first = submit(call_off, alice, csv_file(line()))
    again = submit(call_off, bob, csv_file(line()))
    assert again.outcome == "unchanged"
    assert again.mi_return.pk == first.mi_return.pk
    assert saved() == (1, 1)
    assert actions.summary(call_off).spent == Decimal("1000.00")
    assert verbs() == ["mi_return.accepted", "mi_return.unchanged"]


def test_a_corrected_return_replaces_the_months_lines(call_off, alice):
    first = submit(call_off, alice, csv_file(line(number="INV-1"), line(number="INV-2")))
    corrected = submit(call_off, alice, csv_file(line(number="INV-1", amount="900.00", vat="180.00")))
    assert corrected.outcome == "replaced"
    assert corrected.replaced.pk == first.mi_return.pk
    first.mi_return.refresh_from_db()
    assert (first.mi_return.status, first.mi_return.superseded_by_id) == (
        "superseded",
        corrected.mi_return.pk,
    )
    # The old lines stay as history; only the correction counts.
    assert SpendRecord.objects.count() == 3
    assert actions.summary(call_off).spent == Decimal("900.00")
    assert verbs() == ["mi_return.accepted", "mi_return.replaced"]
    event = AuditEvent.objects.get(verb="mi_return.replaced")
    assert (event.before["lines"], event.after["lines"], event.after["total"]) == (2, 1, "900.00")


def test_the_first_file_again_after_a_correction_replaces_the_correction(call_off, alice):
    submit(call_off, alice, csv_file(line(number="INV-1")))
    submit(call_off, alice, csv_file(line(number="INV-1", amount="900.00", vat="0")))
    back = submit(call_off, alice, csv_file(line(number="INV-1")))
    assert back.outcome == "replaced"
    assert actions.summary(call_off).spent == Decimal("1000.00")
    assert MIReturn.objects.filter(status="accepted").count() == 1


def test_a_nil_return(call_off, alice):
    outcome = submit(call_off, alice, nil=True)
    assert (
        outcome.outcome,
        outcome.mi_return.is_nil,
        outcome.mi_return.line_count,
        outcome.mi_return.file.name,
    ) == ("accepted", True, 0, "")
    assert submit(call_off, alice, nil=True).outcome == "unchanged"
    # A return after a nil return corrects it.
    assert submit(call_off, alice, csv_file(line())).outcome == "replaced"
    assert actions.summary(call_off).spent == Decimal("1000.00")


def test_a_file_and_a_nil_declaration_together_are_refused(call_off, alice):
    with pytest.raises(mi.ReturnRefused, match="not both"):
        submit(call_off, alice, csv_file(line()), nil=True)
    with pytest.raises(mi.ReturnRefused, match="Select the CSV or XLSX file"):
        submit(call_off, alice)
    assert saved() == (0, 0)


def test_a_month_not_yet_ended_or_outside_the_term_is_refused(call_off, alice):
    with pytest.raises(mi.ReturnRefused, match="once the month has ended"):
        submit(call_off, alice, nil=True, period=date(2026, 4, 1))
    with pytest.raises(mi.ReturnRefused, match="does not run in December 2025"):
        submit(call_off, alice, nil=True, period=date(2025, 12, 1))
    assert saved() == (0, 0)


def test_a_framework_wide_return_covers_every_call_off(framework, northshire, acme, helen, alice):
    first = make_call_off(northshire, acme, helen, framework)
    second = make_call_off(northshire, acme, helen, framework, title="Depot cleaning")
    outcome = actions.submit_return(
        supplier=acme,
        by=alice,
        framework=framework,
        period=MARCH,
        uploaded=csv_file(
            line(first.reference, "A-1"), line(second.reference, "A-1", amount="50.00", vat="10.00")
        ),
    )
    assert (outcome.outcome, outcome.mi_return.line_count) == ("accepted", 2)
    assert actions.summary(first).supplier_declared == Decimal("1000.00")
    assert actions.summary(second).supplier_declared == Decimal("50.00")
    # Both months are covered: nothing overdue, and a contract's own return for March would double it.
    assert actions.overdue_returns(first, today=date(2026, 4, 20)) == [date(2026, 1, 1), date(2026, 2, 1)]
    with pytest.raises(Conflict, match="framework-wide return"):
        submit(first, alice, csv_file(line()))
    assert saved() == (1, 2)


def test_a_framework_wide_return_is_refused_when_a_contract_has_its_own(framework, call_off, acme, alice):
    submit(call_off, alice, csv_file(line()))
    with pytest.raises(Conflict, match=f"a return for {call_off.reference} on its own"):
        actions.submit_return(
            supplier=acme,
            by=alice,
            framework=framework,
            period=MARCH,
            uploaded=csv_file(line(call_off.reference, "B-1")),
        )
    assert saved() == (1, 1)


def test_a_framework_wide_return_cannot_name_a_rivals_contract(
    framework, northshire, helen, acme, brightside, carol
):
    rivals = make_call_off(northshire, brightside, helen, framework)
    make_call_off(northshire, acme, helen, framework)
    with pytest.raises(mi.ReturnRefused) as caught:
        actions.submit_return(
            supplier=acme,
            by=carol,
            framework=framework,
            period=MARCH,
            uploaded=csv_file(line(rivals.reference, "X-1")),
        )
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (2, "Not one of your contracts under this framework")
    ]
    assert saved() == (0, 0)


def test_an_xlsx_return(call_off, alice):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = openpyxl.Workbook()
    workbook.active.append(["invoice_number", "invoice_date", "description", "amount_excl_vat", "vat"])
    workbook.active.append(["X-1", date(2026, 3, 31), "Cleaning", 1234.5, 246.9])
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = submit(call_off, alice, SimpleUploadedFile("march.xlsx", buffer.getvalue()))
    assert (outcome.mi_return.content_type, outcome.mi_return.total_excl_vat) == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Decimal("1234.50"),
    )


def test_a_renamed_file_is_refused(call_off, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(mi.ReturnRefused, match="not a real .xlsx file"):
        submit(call_off, alice, SimpleUploadedFile("march.xlsx", b"invoice_number\nX\n"))
    with pytest.raises(mi.ReturnRefused, match="must be a CSV or XLSX file"):
        submit(call_off, alice, SimpleUploadedFile("march.pdf", b"%PDF-1.4"))
    with pytest.raises(mi.ReturnRefused, match="binary data"):
        submit(call_off, alice, SimpleUploadedFile("march.csv", b"a\x00b"))
    assert saved() == (0, 0)
