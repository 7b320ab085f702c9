"""Frameworks and contracts for the performance tests, built through the models and `let_contract`.

Yorkshire Purchasing (Yasmin, its admin) runs a facilities framework with one lot on which Acme and
Brightside are appointed. Northshire (Helen, Ian) calls off from it to Acme (`call_off`, £6 million,
so PA23 s.52 wants three KPIs) and, outside any framework, lets Brightside a small contract
(`rival_contract`). Southmoor Borough Council (Stella, its admin) is another authority that calls off to
Acme too (`southmoor_call_off`). Dates: 1 January 2026 to 31 December 2027.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.contracts.actions import let_contract
from tenderbox.frameworks.models import Appointment, Framework, FrameworkLot
from tenderbox.organisations.actions import register_organisation
from tenderbox.organisations.models import Organisation
from tests.conftest import TOTP_HEX, make_user

STARTS = date(2026, 1, 1)
ENDS = date(2027, 12, 31)


def buyer_org(by, name, postcode, **extra):
    return register_organisation(
        by=by,
        kind=Organisation.Kind.BUYER,
        name=name,
        authority_type=Organisation.AuthorityType.LOCAL,
        address_line_1="Civic Centre",
        town="York",
        postcode=postcode,
        region="TLE",
        **extra,
    )


def buyer_user(email, name):
    user = make_user(email, name)
    TOTPDevice.objects.create(user=user, name="App", key=TOTP_HEX, confirmed=True)
    return user


@pytest.fixture
def yasmin(db):
    return buyer_user("yasmin@ypo.example", "Yasmin Khan")


@pytest.fixture
def ypo(yasmin):
    return buyer_org(yasmin, "Yorkshire Purchasing Organisation", "WF2 0XE")


@pytest.fixture
def stella(db):
    return buyer_user("stella@southmoor.example", "Stella Reed")


@pytest.fixture
def southmoor(stella):
    return buyer_org(stella, "Southmoor Borough Council", "YO1 7HH")


@pytest.fixture
def ypo_framework(ypo, yasmin, acme, brightside, northshire, southmoor):
    now = timezone.now()
    ypo_framework = Framework.objects.create(
        owner=ypo,
        reference="FW-2026-0001",
        title="Facilities management",
        description="Cleaning, security and maintenance of public buildings.",
        starts_on=date(2025, 6, 1),
        ends_on=date(2029, 5, 31),
        original_ends_on=date(2029, 5, 31),
        let_elsewhere_reference="FTS-2025-012345",
        status=Framework.Status.LIVE,
        created_by=yasmin,
        went_live_at=now,
        went_live_by=yasmin,
    )
    ypo_framework.named_authorities.set([northshire, southmoor])
    lot = FrameworkLot.objects.create(
        framework=ypo_framework,
        number=1,
        title="Cleaning",
        scope="Office and school cleaning.",
        max_value=Decimal("50000000"),
        call_off_method=FrameworkLot.CallOff.BOTH,
        direct_award_criteria="Lowest hourly rate for the region.",
    )
    for supplier in (acme, brightside):
        Appointment.objects.create(
            lot=lot, supplier=supplier, source=Appointment.Source.IMPORT, appointed_by=yasmin
        )
    return ypo_framework


def call_off_to(
    buyer, supplier, by, ypo_framework, *, value="6000000.00", title="Cleaning of county offices"
):
    return let_contract(
        buyer=buyer,
        supplier=supplier,
        by=by,
        route="direct_award",
        justification="Lowest hourly rate for the region.",
        title=title,
        description="Daily cleaning of 12 offices.",
        category="services",
        value_excl_vat=Decimal(value),
        starts_on=STARTS,
        ends_on=ENDS,
        delivery_postcode="DL7 8AD",
        delivery_region="TLE",
        framework_lot=ypo_framework.lots.get(),
    )


@pytest.fixture
def call_off(ypo_framework, northshire, acme, ian):
    """Northshire's £6 million call-off to Acme."""
    return call_off_to(northshire, acme, ian, ypo_framework)


@pytest.fixture
def southmoor_call_off(ypo_framework, southmoor, acme, stella):
    return call_off_to(
        southmoor, acme, stella, ypo_framework, value="200000.00", title="Cleaning of libraries"
    )


@pytest.fixture
def rival_contract(northshire, brightside, ian):
    """Northshire's small contract with Brightside, let outside any ypo_framework."""
    return let_contract(
        buyer=northshire,
        supplier=brightside,
        by=ian,
        route="procurement",
        title="Window cleaning",
        description="Quarterly window cleaning.",
        category="services",
        value_excl_vat=Decimal("80000.00"),
        starts_on=STARTS,
        ends_on=ENDS,
        delivery_postcode="DL7 8AD",
        delivery_region="TLE",
    )
