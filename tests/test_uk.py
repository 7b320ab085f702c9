import pytest
from django.core.exceptions import ValidationError

from tenderbox.lib.uk import (
    normalise_companies_house_number,
    normalise_postcode,
    normalise_vat_number,
)
from tenderbox.portal.demo import vat_with_check_digits


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("04112233", "04112233"),
        ("4112233", "04112233"),
        ("sc 412345", "SC412345"),
        ("OC301234", "OC301234"),
    ],
)
def test_it_normalises_companies_house_numbers(typed, stored):
    assert normalise_companies_house_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [("XX123456", "prefix XX"), ("1234567890", "8 characters"), ("SC12345", "8 characters")],
)
def test_it_refuses_bad_companies_house_numbers(typed, message):
    with pytest.raises(ValidationError, match=message):
        normalise_companies_house_number(typed)


def test_it_checks_vat_check_digits():
    assert normalise_vat_number("GB 980 7806 84") == "GB980780684"
    assert normalise_vat_number("xi980780684") == "XI980780684"
    with pytest.raises(ValidationError, match="check digits are wrong"):
        normalise_vat_number("GB980780685")
    with pytest.raises(ValidationError, match="9 digits"):
        normalise_vat_number("GB12345")


def test_demo_vat_numbers_have_right_check_digits():
    assert normalise_vat_number(vat_with_check_digits("4112233")) == vat_with_check_digits("4112233")


@pytest.mark.parametrize(
    ("typed", "stored"), [("sw1a1aa", "SW1A 1AA"), ("LS1  4AP", "LS1 4AP"), ("bt486aa", "BT48 6AA")]
)
def test_it_normalises_postcodes(typed, stored):
    assert normalise_postcode(typed) == stored


def test_it_refuses_bad_postcodes():
    with pytest.raises(ValidationError, match="real UK postcode"):
        normalise_postcode("12345")
