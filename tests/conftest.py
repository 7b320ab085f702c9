"""Personas shared by every test, built through the real actions.

Alice is the admin of Acme (a supplier) and Bob bids for Acme; Carol is the admin of Brightside, Acme's
rival; Helen is the admin of Northshire County Council (a buyer) and Ian buys for it; Oscar is an
outsider with an account and no organisation.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.accounts.models import User
from tenderbox.organisations.actions import register_organisation
from tenderbox.organisations.models import Membership, Organisation, Role

# Contract-portal personas (Fiona at Crown Purchasing, Sam at Southvale, Dev at Delta) and frameworks;
# the performance tests' framework and call-offs (Yasmin at Yorkshire Purchasing, Stella at Southmoor);
# the published world of the OCDS tests.
pytest_plugins = [
    "tests.framework_fixtures",
    "tests.performance_fixtures",
    "tests.ocds_fixtures",
    "tests.page_cache_fixtures",
]

# A test that commits (transaction=True, live_server) ends with a flush that empties every table,
# the rows the data migrations made among them. Django restores those (serialized_rollback) only at
# the start of the next test that asks, and pytest-django's "transactional tests last" order does not
# survive pytest-xdist handing whole files to workers: a later file's test on that worker would find
# no CPV vocabulary. So after every such test the vocabulary is loaded again, as its migration does.
_db_blocker = None


@pytest.fixture(scope="session", autouse=True)
def _keep_db_blocker(django_db_blocker):
    global _db_blocker
    _db_blocker = django_db_blocker


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


def load_cpv_vocabulary() -> None:
    """The CPV codes as tenders migration 0002 loads them, when a flush has emptied their table."""
    from importlib import import_module

    from django.apps import apps as django_apps

    from tenderbox.tenders.models import CpvCode

    if not CpvCode.objects.exists():
        import_module("tenderbox.tenders.migrations.0002_load_cpv").load(django_apps, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield  # the test's fixtures are torn down here, the flush among them
    # After the worker's last test the test database itself is gone with the session's fixtures.
    if nextitem is not None and _db_blocker is not None and _commits(item):
        with _db_blocker.unblock():
            load_cpv_vocabulary()
    return result


PASSWORD = "correct horse battery staple"
TOTP_HEX = "3132333435363738393031323334353637383930"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


def make_user(email: str, name: str, **extra) -> User:
    now = timezone.now()
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name=name,
        email_verified_at=now,
        adult_declared_at=now,
        privacy_notice_version="test",
        **extra,
    )


def supplier_details(name: str, number: str, **extra) -> dict:
    return {
        "kind": Organisation.Kind.SUPPLIER,
        "name": name,
        "companies_house_number": number,
        "size": Organisation.Size.SME,
        "address_line_1": "1 High Street",
        "town": "Leeds",
        "postcode": "LS1 4AP",
        "region": "TLE",
        **extra,
    }


def current_code(hex_key: str = TOTP_HEX) -> str:
    return f"{totp(bytes.fromhex(hex_key)):06d}"


@pytest.fixture
def alice(db):
    return make_user("alice@acme.example", "Alice Green")


@pytest.fixture
def acme(alice):
    return register_organisation(by=alice, **supplier_details("Acme Facilities Ltd", "04112233"))


@pytest.fixture
def bob(acme):
    user = make_user("bob@acme.example", "Bob Stone")
    Membership.objects.create(user=user, organisation=acme, role=Role.BIDDER)
    return user


@pytest.fixture
def carol(db):
    return make_user("carol@brightside.example", "Carol Diaz")


@pytest.fixture
def brightside(carol):
    return register_organisation(by=carol, **supplier_details("Brightside Cleaning Ltd", "SC412345"))


@pytest.fixture
def helen(db):
    user = make_user("helen@northshire.example", "Helen Ward")
    TOTPDevice.objects.create(user=user, name="App", key=TOTP_HEX, confirmed=True)
    return user


@pytest.fixture
def northshire(helen):
    return register_organisation(
        by=helen,
        kind=Organisation.Kind.BUYER,
        name="Northshire County Council",
        authority_type=Organisation.AuthorityType.LOCAL,
        address_line_1="County Hall",
        town="Northallerton",
        postcode="DL7 8AD",
        region="TLE",
    )


@pytest.fixture
def oscar(db):
    return make_user("oscar@example.com", "Oscar Out")


def sign_in(client, user, *, verified_device: bool = True):
    """Sign a persona in; buyers also pass their second factor, as the real sign-in does."""
    client.force_login(user, backend="tenderbox.accounts.backends.EmailBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and verified_device:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit work (emails, tasks) as a real commit would: `with commit(): ...`."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


# Procurements ---------------------------------------------------------------------------------
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "specification.pdf", content: bytes = PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def ian(northshire):
    """Ian buys for Northshire (buyer role, two-factor set up)."""
    user = make_user("ian@northshire.example", "Ian Price")
    TOTPDevice.objects.create(user=user, name="App", key=TOTP_HEX, confirmed=True)
    Membership.objects.create(user=user, organisation=northshire, role=Role.BUYER)
    return user


@pytest.fixture
def jo(northshire):
    """Jo evaluates for Northshire (evaluator role only)."""
    user = make_user("jo@northshire.example", "Jo Evans")
    TOTPDevice.objects.create(user=user, name="App", key=TOTP_HEX, confirmed=True)
    Membership.objects.create(user=user, organisation=northshire, role=Role.EVALUATOR)
    return user


def draft_procurement(buyer, by, *, days: int = 30, lots: int = 2, **overrides):
    """A complete draft, built through the actions: ready to publish now."""

    from decimal import Decimal

    from tenderbox.tenders import actions
    from tenderbox.tenders.models import CpvCode

    now = timezone.now()
    fields = {
        "title": "Grounds maintenance for county parks",
        "description": "Mowing, planting and tree care across 40 parks in Northshire.",
        "category": "services",
        "value_excl_vat": Decimal("400000.00"),
        "vat": Decimal("80000.00"),
        "region": "TLE",
        "procedure": "open",
        "clarification_deadline": now + timedelta(days=days - 10),
        "submission_deadline": now + timedelta(days=days),
        "expected_award_date": (now + timedelta(days=days + 20)).date(),
        "contract_start": (now + timedelta(days=days + 40)).date(),
        "contract_end": (now + timedelta(days=days + 40 + 730)).date(),
        **overrides,
    }
    procurement = actions.create_draft(
        buyer=buyer, by=by, main_cpv=CpvCode.objects.get(code="77310000-6"), **fields
    )
    for n in range(1, lots + 1):
        actions.add_lot(
            procurement,
            by=by,
            title=f"Area {n}",
            description=f"Parks in area {n}",
            value_excl_vat=Decimal("200000.00"),
        )
    actions.add_criterion(procurement, by=by, kind="quality", name="Approach to delivery", weight=60)
    actions.add_criterion(procurement, by=by, kind="price", name="Price", weight=40)
    actions.add_standard_declarations(procurement, by=by)
    actions.add_document(procurement, pdf_upload(), title="Specification", by=by)
    return procurement


@pytest.fixture
def procurement(northshire, ian):
    """Northshire's open procurement for grounds maintenance, published, closing in 30 days."""
    from tenderbox.tenders import actions

    return actions.publish(draft_procurement(northshire, ian), by=ian)


def response_post(
    procurement,
    *,
    price="150000.00",
    quality="Our crews work year-round.",
    action="submit",
    key=None,
    declaration=True,
    lots=None,
):
    """A complete response form submission for `procurement`."""
    import uuid

    data = {"action": action, "idempotency_key": key or uuid.uuid4().hex}
    lot_list = list(procurement.lots.all())
    chosen = lots if lots is not None else lot_list
    if lot_list:
        data["lots"] = [str(lot.pk) for lot in chosen]
        for lot in chosen:
            data[f"price_{lot.pk}"] = price
    else:
        data["price_whole"] = price
    for q in procurement.selection_questions.all():
        data[f"selection_{q.pk}"] = "yes"
    for c in procurement.criteria.filter(kind="quality"):
        data[f"quality_{c.pk}"] = quality
    if declaration:
        data["declaration"] = "on"
    return data


def submit_tender(procurement, supplier, user, **kwargs):
    """Start and submit a response through the actions, as the pages do."""
    from tenderbox.submissions import actions as sub
    from tenderbox.submissions.forms import ResponseForm

    response = sub.start_response(procurement, supplier, by=user)
    content = sub.load_draft(response)
    form = ResponseForm(response_post(procurement, **kwargs), procurement=procurement, content=content)
    assert form.is_valid(), form.errors
    sub.save_draft(response, form.content(content), by=user)
    return sub.submit(response, by=user, idempotency_key=form.cleaned_data["idempotency_key"])


# Evaluation -----------------------------------------------------------------------------------
@pytest.fixture
def ken(northshire):
    """Ken evaluates for Northshire, and has a conflict (his brother runs Brightside)."""
    user = make_user("ken@northshire.example", "Ken Lowe")
    TOTPDevice.objects.create(user=user, name="App", key=TOTP_HEX, confirmed=True)
    Membership.objects.create(user=user, organisation=northshire, role=Role.EVALUATOR)
    return user


@pytest.fixture
def opened(procurement, alice, acme, carol, brightside, helen, ian):
    """Acme bids both lots at £150,000 each; Brightside bids lot 1 at £120,000. Opened after the deadline."""
    import time_machine

    from tenderbox.submissions.actions import approve_opening

    lot1, lot2 = procurement.lots.all()
    acme_version = submit_tender(procurement, acme, alice, price="150000", quality="Acme's approach")
    brightside_version = submit_tender(
        procurement, brightside, carol, price="120000", lots=[lot1], quality="Brightside's approach"
    )
    with time_machine.travel(procurement.submission_deadline + timedelta(seconds=1), tick=False):
        approve_opening(procurement, by=helen)
        approve_opening(procurement, by=ian)
    procurement.refresh_from_db()
    return procurement, acme_version, brightside_version
