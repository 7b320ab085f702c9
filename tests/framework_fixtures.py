"""Personas and data for the contract portal, built through the real actions.

Fiona is the admin of Crown Purchasing Service (a central purchasing body) and owns the Facilities
framework: lot 1 (grounds) by further competition only, lot 2 (cleaning) by further competition or
direct award. Local authorities anywhere may use it, so Northshire (Helen, Ian) is eligible and
Southvale Academy Trust (Sam, an education body) is not. Acme and Brightside are appointed to lot 1;
Delta (Dev) to lot 2 only.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.frameworks import actions
from tenderbox.organisations.actions import register_organisation
from tenderbox.organisations.models import Organisation
from tenderbox.tenders.models import CpvCode
from tests.conftest import TOTP_HEX, make_user, supplier_details

TERM_START = date(2026, 6, 1)
TERM_END = date(2028, 5, 31)


@pytest.fixture
def fiona(db):
    user = make_user("fiona@crown.example", "Fiona Hale")
    TOTPDevice.objects.create(user=user, name="App", key=TOTP_HEX, confirmed=True)
    return user


@pytest.fixture
def crown(fiona):
    return register_organisation(
        by=fiona,
        kind=Organisation.Kind.BUYER,
        name="Crown Purchasing Service",
        authority_type=Organisation.AuthorityType.CENTRAL,
        address_line_1="1 Whitehall",
        town="London",
        postcode="SW1A 2AA",
        region="TLI",
    )


@pytest.fixture
def sam(db):
    user = make_user("sam@southvale.example", "Sam Reed")
    TOTPDevice.objects.create(user=user, name="App", key=TOTP_HEX, confirmed=True)
    return user


@pytest.fixture
def southvale(sam):
    return register_organisation(
        by=sam,
        kind=Organisation.Kind.BUYER,
        name="Southvale Academy Trust",
        authority_type=Organisation.AuthorityType.EDUCATION,
        address_line_1="School Lane",
        town="Bristol",
        postcode="BS1 4DJ",
        region="TLK",
    )


@pytest.fixture
def dev(db):
    return make_user("dev@delta.example", "Dev Patel")


@pytest.fixture
def delta(dev):
    return register_organisation(by=dev, **supplier_details("Delta Services Ltd", "07654321"))


def csv_upload(text: str, name: str = "suppliers.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def draft_framework(owner, by, **overrides):
    fields = {
        "title": "Facilities management",
        "description": "Grounds maintenance and cleaning for public buildings.",
        "starts_on": TERM_START,
        "ends_on": TERM_END,
        "extendable_to": date(2029, 5, 31),
        "fee_rate": Decimal("1.000"),
        **overrides,
    }
    framework = actions.create_framework(owner=owner, by=by, **fields)
    actions.add_lot(
        framework,
        by=by,
        title="Grounds maintenance",
        scope="Mowing, planting, tree care.",
        max_value=Decimal("1000000.00"),
        call_off_method="further_competition",
        cpv_codes=[CpvCode.objects.get(code="77310000-6")],
    )
    actions.add_lot(
        framework,
        by=by,
        title="Cleaning",
        scope="Office and school cleaning.",
        max_value=Decimal("500000.00"),
        call_off_method="both",
        direct_award_criteria="The supplier ranked first on price for the region at appointment.",
        cpv_codes=[CpvCode.objects.get(code="90910000-9")],
    )
    actions.set_eligibility(framework, by=by, descriptions=[("local_authority", "")])
    return framework


@pytest.fixture
def framework(crown, fiona, acme, brightside, delta, time_machine):
    """The live framework with its suppliers, on 1 December 2026 (inside its term)."""
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    framework = draft_framework(crown, fiona)
    actions.go_live(framework, by=fiona)
    actions.import_appointments(
        framework,
        b"lot,companies_house_number\n1,04112233\n1,SC412345\n2,07654321\n",
        by=fiona,
        reason="Award notice FTS-2026-001234",
    )
    framework.refresh_from_db()
    return framework


def lots(framework):
    return list(framework.lots.order_by("number"))


def day_before(day):
    return day - timedelta(days=1)
