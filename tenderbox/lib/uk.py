"""UK identifiers and reference data: Companies House numbers, VAT numbers, postcodes, ITL regions.

Each validator returns the normalised value or raises ValidationError with a message a person can act on.
"""

import csv
import re
from functools import cache
from importlib import resources

from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import vat as gb_vat

# Companies House register prefixes (Companies House, "Company registration number formats"):
# England and Wales companies have 8 digits; others a 2-letter prefix and 6 digits.
COMPANIES_HOUSE_PREFIXES = frozenset(
    [
        "AC",
        "BR",
        "CE",
        "CS",
        "FC",
        "FE",
        "GE",
        "GN",
        "GS",
        "IC",
        "IP",
        "LP",
        "NA",
        "NC",
        "NF",
        "NI",
        "NL",
        "NO",
        "NP",
        "NR",
        "NV",
        "NZ",
        "OC",
        "OE",
        "PC",
        "R0",
        "RC",
        "RS",
        "SA",
        "SC",
        "SE",
        "SF",
        "SG",
        "SI",
        "SL",
        "SO",
        "SP",
        "SR",
        "SZ",
        "ZC",
    ]
)
_CH_DIGITS = re.compile(r"^\d{1,8}$")
_CH_PREFIXED = re.compile(r"^([A-Z]{2}|R0)(\d{6})$")


def normalise_companies_house_number(value: str) -> str:
    """Companies House numbers carry no check digit, so the register's format is all there is to
    check: 8 digits (shorter ones are zero-padded, as people often drop leading zeros) or a known
    2-letter prefix and 6 digits."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if _CH_DIGITS.match(compact):
        return compact.zfill(8)
    match = _CH_PREFIXED.match(compact)
    if match and match.group(1) in COMPANIES_HOUSE_PREFIXES:
        return compact
    if match:
        raise ValidationError(
            f"Companies House number prefix {match.group(1)} is not one Companies House uses.",
            code="invalid_prefix",
        )
    raise ValidationError(
        "Enter a Companies House number of 8 characters, like 01234567 or SC123456.",
        code="invalid_format",
    )


def normalise_vat_number(value: str) -> str:
    """A UK VAT number checked with its check digits (HMRC's modulus 97 and 9755 rules), returned
    as GB followed by the digits. Northern Ireland's XI prefix is accepted and kept."""
    raw = re.sub(r"[\s.-]+", "", value or "").upper()
    prefix = "XI" if raw.startswith("XI") else "GB"
    try:
        digits = gb_vat.validate(raw[2:] if raw.startswith("XI") else raw)
    except InvalidChecksum:
        raise ValidationError(
            "That VAT number's check digits are wrong: check it against your VAT registration certificate.",
            code="invalid_checksum",
        ) from None
    except StdnumError:  # format, length or an unknown component (GD/HA numbers)
        raise ValidationError(
            "Enter a UK VAT number of 9 digits, like GB123456789 (12 digits for a group member).",
            code="invalid_format",
        ) from None
    return prefix + digits


# Royal Mail postcode format (BS 7666): outward code, a space, inward code.
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value or "").upper()
    if not _POSTCODE.match(compact):
        raise ValidationError("Enter a real UK postcode, like SW1A 1AA.", code="invalid_postcode")
    return f"{compact[:-3]} {compact[-3:]}"


@cache
def itl_regions() -> tuple[tuple[str, str], ...]:
    """The 12 ITL level-1 regions and nations of the UK (source: lib/data/SOURCES.md)."""
    with resources.files("tenderbox.lib").joinpath("data/itl1.csv").open(encoding="utf-8") as fh:
        return tuple((row["code"], row["name"]) for row in csv.DictReader(fh))


def region_name(code: str) -> str:
    if code == "UK":
        return "Whole of the UK"
    return dict(itl_regions()).get(code, code)
