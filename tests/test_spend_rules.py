"""Spend rules as pure functions, and spreadsheet-safe CSV cells."""

from datetime import date
from decimal import Decimal

import pytest

from tenderbox.lib.csvsafe import csv_bytes, neutralise
from tenderbox.spend import rules


def test_thresholds_are_reached_exactly():
    value = Decimal("10000.00")
    assert rules.thresholds_reached(Decimal("7999.99"), value) == []
    assert rules.thresholds_reached(Decimal("8000.00"), value) == [80]
    assert rules.thresholds_reached(Decimal("9999.99"), value) == [80]
    assert rules.thresholds_reached(Decimal("10000.00"), value) == [80, 100]


def test_the_share_is_rounded_down():
    assert rules.percent_of(Decimal("7999.99"), Decimal("10000")) == Decimal("79.9")
    assert rules.percent_of(Decimal("125"), Decimal("10000")) == Decimal("1.2")
    assert rules.percent_of(Decimal("1"), Decimal("0")) == Decimal("0")


@pytest.mark.parametrize(
    ("amount", "vat", "ok"),
    [
        ("100.00", "20.00", True),
        ("100.00", "20.01", True),  # a penny of rounding
        ("100.00", "20.02", False),
        ("100.00", "0", True),
        ("100.00", "-1", False),
        ("-100.00", "-20.00", True),
        ("-100.00", "5.00", False),
    ],
)
def test_vat_is_at_most_the_standard_rate_and_follows_the_sign(amount, vat, ok):
    assert (rules.check_vat(Decimal(amount), Decimal(vat)) is None) is ok


def test_the_months_whose_returns_are_due():
    assert rules.periods_due(
        starts_on=date(2026, 1, 15), ends_on=date(2026, 12, 31), today=date(2026, 4, 16)
    ) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert rules.periods_due(
        starts_on=date(2026, 1, 15), ends_on=date(2026, 2, 10), today=date(2026, 6, 1)
    ) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert (
        rules.periods_due(starts_on=date(2026, 5, 1), ends_on=date(2026, 12, 31), today=date(2026, 5, 20))
        == []
    )
    assert rules.can_return_for(date(2026, 3, 1), date(2026, 4, 1)) is True
    assert rules.can_return_for(date(2026, 4, 1), date(2026, 4, 30)) is False


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-credit", "'-credit"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Cleaning", "Cleaning"),
        (Decimal("-10.00"), "-10.00"),
        (5, "5"),
        (None, ""),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(cell, safe):
    assert neutralise(cell) == safe


def test_csv_bytes_has_a_byte_order_mark_and_neutralised_cells():
    assert csv_bytes(["a", "b"], [["=1", Decimal("-2.50")]]) == "\ufeffa,b\r\n'=1,-2.50\r\n".encode()
