"""Demo data: a small, known world to click through, and `--scale N` synthetic volume.

The known world is built through the real actions (so the audit trail and the privacy map see it)
and is idempotent: running it again changes nothing that is already there. The synthetic volume
(`generate_scale`) adds more each time it runs, in bulk (portal/scale.py and portal/bulk.py).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.organisations.actions import register_organisation
from tenderbox.organisations.models import Membership, Organisation, Role

User = get_user_model()

# Three random words, as NCSC advises; printed by `make run`. Demo accounts only.
DEMO_PASSWORD = "bright otter lantern"
# The RFC 6238 test secret ("12345678901234567890"), so any authenticator app or oathtool
# (`oathtool --totp -b GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ`) gives demo buyers their code.
DEMO_TOTP_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def vat_with_check_digits(seven: str) -> str:
    """A UK VAT number whose check digits are right (HMRC modulus 97), for made-up suppliers."""
    total = sum(int(d) * w for d, w in zip(seven, range(8, 1, -1), strict=True))
    check = (-total) % 97
    return f"GB{seven}{check:02d}"


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    role: str


@dataclass(frozen=True)
class DemoOrganisation:
    kind: str
    details: dict
    people: tuple[DemoPerson, ...]


BUYERS = (
    DemoOrganisation(
        Organisation.Kind.BUYER,
        {
            "name": "Northshire County Council",
            "authority_type": Organisation.AuthorityType.LOCAL,
            "address_line_1": "County Hall, Market Street",
            "town": "Northallerton",
            "postcode": "DL7 8AD",
            "region": "TLE",
            "contact_email": "procurement@northshire.example",
        },
        (
            DemoPerson("Helen Ward", "helen.ward@northshire.example", Role.ADMIN),
            DemoPerson("Ian Price", "ian.price@northshire.example", Role.BUYER),
            DemoPerson("Jo Evans", "jo.evans@northshire.example", Role.EVALUATOR),
        ),
    ),
    DemoOrganisation(
        Organisation.Kind.BUYER,
        {
            "name": "Riverside NHS Foundation Trust",
            "authority_type": Organisation.AuthorityType.NHS,
            "address_line_1": "Riverside Hospital, Thames Road",
            "town": "London",
            "postcode": "SE1 7EH",
            "region": "TLI",
            "contact_email": "tenders@riverside-nhs.example",
        },
        (
            DemoPerson("Kamal Shah", "kamal.shah@riverside-nhs.example", Role.ADMIN),
            DemoPerson("Mo Ahmed", "mo.ahmed@riverside-nhs.example", Role.BUYER),
            DemoPerson("Lucy Hart", "lucy.hart@riverside-nhs.example", Role.EVALUATOR),
        ),
    ),
)

SUPPLIERS = (
    DemoOrganisation(
        Organisation.Kind.SUPPLIER,
        {
            "name": "Acme Facilities Services Limited",
            "trading_name": "Acme Facilities",
            "companies_house_number": "04112233",
            "vat_number": vat_with_check_digits("4112233"),
            "size": Organisation.Size.LARGE,
            "address_line_1": "1 Commerce Way",
            "town": "Leeds",
            "postcode": "LS1 4AP",
            "region": "TLE",
        },
        (
            DemoPerson("Alice Green", "alice.green@acme.example", Role.ADMIN),
            DemoPerson("Bob Stone", "bob.stone@acme.example", Role.BIDDER),
        ),
    ),
    DemoOrganisation(
        Organisation.Kind.SUPPLIER,
        {
            "name": "Brightside Cleaning Ltd",
            "companies_house_number": "SC412345",
            "vat_number": vat_with_check_digits("2214567"),
            "size": Organisation.Size.SME,
            "address_line_1": "22 Clyde Street",
            "town": "Glasgow",
            "postcode": "G1 5JH",
            "region": "TLM",
        },
        (DemoPerson("Carla Diaz", "carla.diaz@brightside.example", Role.ADMIN),),
    ),
    DemoOrganisation(
        Organisation.Kind.SUPPLIER,
        {
            "name": "Cobalt Digital Ltd",
            "companies_house_number": "11223344",
            "size": Organisation.Size.MICRO,
            "address_line_1": "5 Harbour Lane",
            "town": "Bristol",
            "postcode": "BS1 4RN",
            "region": "TLK",
        },
        (DemoPerson("Dev Patel", "dev.patel@cobalt.example", Role.ADMIN),),
    ),
    DemoOrganisation(
        Organisation.Kind.SUPPLIER,
        {
            "name": "Dovetail Community Interest Company",
            "trading_name": "Dovetail Care",
            "companies_house_number": "09876543",
            "size": Organisation.Size.SME,
            "is_vcse": True,
            "address_line_1": "Unit 3, Mill Yard",
            "town": "Cardiff",
            "postcode": "CF10 1EP",
            "region": "TLL",
        },
        (DemoPerson("Erin Walsh", "erin.walsh@dovetail.example", Role.ADMIN),),
    ),
    DemoOrganisation(
        Organisation.Kind.SUPPLIER,
        {
            "name": "Emma Fielding",
            "trading_name": "Fielding Joinery",
            "size": Organisation.Size.MICRO,
            "is_sole_trader": True,
            "address_line_1": "The Workshop, 9 Bridge End",
            "town": "Belfast",
            "postcode": "BT1 3LP",
            "region": "TLN",
            "phone": "028 9000 0000",
        },
        (DemoPerson("Emma Fielding", "emma@fielding-joinery.example", Role.ADMIN),),
    ),
)

STAFF = DemoPerson("Tenderbox Admin", "admin@tenderbox.example", "staff")


def _user(person: DemoPerson) -> User:
    user = User.objects.filter(email__iexact=person.email).first()
    if user is None:
        now = timezone.now()
        user = User.objects.create_user(
            email=person.email,
            password=DEMO_PASSWORD,
            full_name=person.name,
            email_verified_at=now,
            adult_declared_at=now,
            privacy_notice_version="demo",
        )
    return user


def _demo_totp(user) -> None:
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Demo authenticator", key=DEMO_TOTP_HEX, confirmed=True)


def load_demo() -> list[tuple[str, str, str]]:
    """Create the demo world if missing; return (organisation, person email, role) rows."""
    rows = []
    with transaction.atomic():
        for org_spec in (*BUYERS, *SUPPLIERS):
            first, *others = org_spec.people
            admin = _user(first)
            organisation = Organisation.objects.filter(
                kind=org_spec.kind, name=org_spec.details["name"]
            ).first()
            if organisation is None:
                organisation = register_organisation(by=admin, kind=org_spec.kind, **org_spec.details)
            for person in others:
                user = _user(person)
                Membership.objects.get_or_create(
                    user=user, organisation=organisation, defaults={"role": person.role}
                )
            for person in org_spec.people:
                if org_spec.kind == Organisation.Kind.BUYER:
                    _demo_totp(_user(person))
                rows.append((organisation.name, person.email, Role(person.role).label))
        staff = _user(STAFF)
        if not staff.is_staff:
            staff.is_staff = staff.is_superuser = True
            staff.save(update_fields=["is_staff", "is_superuser"])
        _demo_totp(staff)
        rows.append(("Tenderbox (admin site)", STAFF.email, "Staff"))
    return rows


class ScaleProgress:
    """What `generate_scale` reports as it goes: each stage as it starts, then rows as they are
    written. The command shows it as progress bars; the default says nothing."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, units: int) -> None:
        pass


def generate_scale(
    n: int,
    *,
    seed: int = 2026,
    spend_per_procurement: int = 10,
    progress: ScaleProgress | None = None,
    batch: int = 5000,
    writer="",
) -> dict:
    """Add `n` synthetic procurements and everything around them (portal/scale.py's World: buyers,
    suppliers and their admins, lots, criteria, CPV codes, interest, frameworks with appointed
    suppliers, call-offs, and `spend_per_procurement` spend records per procurement), in one
    transaction, through COPY on PostgreSQL or `bulk_create` elsewhere (`writer` "orm" forces the
    ORM; a writer from portal/bulk.py may be given). Returns the counts (`rows` per table), the
    seconds each stage took and the tables whose indexes were rebuilt."""
    import time

    from tenderbox.portal import bulk, scale

    if n < 1:
        raise ValueError("--scale must be at least 1.")
    if spend_per_procurement < 0:
        raise ValueError("--spend-per-procurement cannot be negative.")
    progress = progress or ScaleProgress()
    chosen = bulk.writer_for(writer)
    models = scale.loaded_models()
    shape = scale.Shape(n, spend_per_procurement)
    seconds, stage_rows = {}, {}
    with transaction.atomic():
        chosen.begin(models, shape.expected())
        world = scale.World(shape, seed=seed, first_id=chosen.first_id, batch=batch)
        for stage in world.stages():
            started = time.perf_counter()
            progress.stage(stage.name, stage.total)
            written = 0
            for step in stage.batches():
                for rows in step.tables:
                    chosen.write(rows)
                    written += len(rows.rows)
                progress.advance(step.units)
            stage_rows[stage.name] = written
            seconds[stage.name] = time.perf_counter() - started
        started = time.perf_counter()
        rebuilt = chosen.rebuilt()
        if rebuilt:
            progress.stage("indexes and constraints", len(rebuilt))
            chosen.rebuild(progress)
            seconds["indexes and constraints"] = time.perf_counter() - started
            started = time.perf_counter()
        progress.stage("sequences and commit", 0)
        chosen.finish(models)
    seconds["sequences and commit"] = time.perf_counter() - started
    started = time.perf_counter()
    progress.stage("statistics", 0)
    chosen.analyse(models)
    seconds["statistics"] = time.perf_counter() - started
    rows = world.counts
    return {
        "procurements": n,
        "buyers": len(world.buyers),
        "suppliers": len(world.suppliers),
        "users": rows.get("accounts.User", 0),
        "frameworks": rows.get("frameworks.Framework", 0),
        "call_offs": rows.get("contracts.Contract", 0),
        "spend": rows.get("spend.SpendRecord", 0),
        "rows": rows,
        "stage_rows": stage_rows,
        "seconds": seconds,
        "writer": chosen.name,
        "rebuilt": rebuilt,
    }


# Procurements -------------------------------------------------------------------------------
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def _pdf(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def _person(email: str):
    return User.objects.get(email__iexact=email)


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _draft(
    buyer, by, *, title, description, cpv, value, vat, days, lots=(), procedure="open", category="services"
):
    from datetime import timedelta
    from decimal import Decimal

    from tenderbox.tenders import actions as tenders
    from tenderbox.tenders.models import CpvCode

    now = timezone.now()
    procurement = tenders.create_draft(
        buyer=buyer,
        by=by,
        main_cpv=CpvCode.objects.get(code=cpv),
        title=title,
        description=description,
        category=category,
        value_excl_vat=Decimal(value),
        vat=Decimal(vat),
        region=buyer.region,
        procedure=procedure,
        clarification_deadline=now + timedelta(days=max(1, days - 3)),
        submission_deadline=now + timedelta(days=days),
        expected_award_date=(now + timedelta(days=days + 14)).date(),
        contract_start=(now + timedelta(days=days + 30)).date(),
        contract_end=(now + timedelta(days=days + 30 + 730)).date(),
    )
    for lot_title, lot_value in lots:
        tenders.add_lot(
            procurement,
            by=by,
            title=lot_title,
            description=f"{lot_title}.",
            value_excl_vat=Decimal(lot_value),
        )
    tenders.add_criterion(
        procurement,
        by=by,
        kind="quality",
        name="Approach to delivery",
        weight=60,
        guidance="How you will deliver, staff, equipment and social value.",
    )
    tenders.add_criterion(procurement, by=by, kind="price", name="Price", weight=40)
    tenders.add_standard_declarations(procurement, by=by)
    tenders.add_document(procurement, _pdf("specification.pdf"), title="Specification", by=by)
    return procurement


@transaction.atomic
def load_demo_procurements() -> int:
    """An open procurement with two lots and a published clarification, a closed one whose sealed
    tenders wait for two buyers to open them, and a draft. Idempotent by title."""
    from tenderbox.submissions import actions as submissions
    from tenderbox.submissions.models import SupplierProfile
    from tenderbox.tenders import actions as tenders
    from tenderbox.tenders.models import Procurement

    if Procurement.objects.filter(title__startswith="Grounds maintenance for county parks").exists():
        return 0
    northshire, riverside = _org("Northshire County Council"), _org("Riverside NHS Foundation Trust")
    ian, kamal = _person("ian.price@northshire.example"), _person("kamal.shah@riverside-nhs.example")
    acme, brightside = _org("Acme Facilities Services Limited"), _org("Brightside Cleaning Ltd")
    alice, carla = _person("alice.green@acme.example"), _person("carla.diaz@brightside.example")
    SupplierProfile.objects.get_or_create(
        supplier=acme,
        defaults={
            "public_liability_cover": "£10m",
            "employers_liability_cover": "£10m",
            "accreditations": "ISO 9001, ISO 14001, Cyber Essentials Plus",
            "annual_turnover": "£48m",
        },
    )

    parks = _draft(
        northshire,
        ian,
        title="Grounds maintenance for county parks",
        description="Mowing, planting, tree care and litter picking across 40 parks and open spaces in "
        "Northshire, for two years with an option to extend by one.",
        cpv="77310000-6",
        value="400000",
        vat="80000",
        days=30,
        lots=(("North area parks", "200000"), ("South area parks", "200000")),
    )
    parks = tenders.publish(parks, by=ian)
    question = tenders.ask_question(parks, acme, by=alice, question="Are weekend works allowed in summer?")
    tenders.answer_question(question, by=ian, answer="Yes, on Saturdays between 8am and 1pm.")

    cleaning = _draft(
        riverside,
        kamal,
        title="Window cleaning for Riverside Hospital",
        description="Quarterly window cleaning of the main hospital building and two clinics.",
        cpv="90911300-9",
        value="40000",
        vat="8000",
        days=6,
        procedure="quick_quote",
    )
    cleaning = tenders.publish(cleaning, by=kamal)
    for supplier, person, price in ((acme, alice, "38500"), (brightside, carla, "34900")):
        response = submissions.start_response(cleaning, supplier, by=person)
        content = submissions.load_draft(response)
        content.update(
            {
                "prices": {"whole": price},
                "declaration": True,
                "quality": {
                    str(c.pk): f"{supplier.name}: trained rope-access team, monthly reports."
                    for c in cleaning.criteria.filter(kind="quality")
                },
                "selection": {str(q.pk): {"answer": "yes"} for q in cleaning.selection_questions.all()},
            }
        )
        submissions.save_draft(response, content, by=person)
        submissions.submit(response, by=person, idempotency_key=f"demo-{supplier.pk}")
    # Demo shortcut: move the deadline into the past so the tenders wait for opening.
    Procurement.objects.filter(pk=cleaning.pk).update(submission_deadline=timezone.now())
    tenders.apply_clock(Procurement.objects.get(pk=cleaning.pk))

    _draft(
        northshire,
        ian,
        title="Road gritting fleet maintenance",
        description="Servicing of 24 gritters.",
        cpv="50110000-9",
        value="150000",
        vat="30000",
        days=35,
    )
    return 3


def load_demo_frameworks() -> int:
    """A live facilities framework run by Riverside NHS Foundation Trust for local authorities and
    the NHS: lot 1 (grounds, further competition only) with Acme and Brightside, lot 2 (cleaning,
    either route) with Brightside and Dovetail; Northshire has direct-awarded a cleaning call-off.
    Idempotent by title."""
    from datetime import timedelta
    from decimal import Decimal

    from tenderbox.frameworks import actions as frameworks
    from tenderbox.frameworks.models import Framework
    from tenderbox.tenders.models import CpvCode

    title = "Facilities management services"
    if Framework.objects.filter(title=title).exists():
        return 0
    riverside, northshire = _org("Riverside NHS Foundation Trust"), _org("Northshire County Council")
    kamal, ian = _person("kamal.shah@riverside-nhs.example"), _person("ian.price@northshire.example")
    today = timezone.localdate()
    framework = frameworks.create_framework(
        owner=riverside,
        by=kamal,
        title=title,
        description="Grounds maintenance and cleaning for public buildings and estates.",
        starts_on=today - timedelta(days=90),
        ends_on=today - timedelta(days=90) + timedelta(days=2 * 365),
        extendable_to=today - timedelta(days=90) + timedelta(days=3 * 365),
        fee_rate=Decimal("1.000"),
        let_elsewhere_reference="Find a Tender 2026/S 000-012345",
    )
    frameworks.add_lot(
        framework,
        by=kamal,
        title="Grounds maintenance",
        scope="Mowing, planting, tree care and litter picking.",
        max_value=Decimal("2000000.00"),
        call_off_method="further_competition",
        cpv_codes=[CpvCode.objects.get(code="77310000-6")],
    )
    frameworks.add_lot(
        framework,
        by=kamal,
        title="Cleaning",
        scope="Office, clinic and school cleaning.",
        max_value=Decimal("1000000.00"),
        call_off_method="both",
        direct_award_criteria="The supplier ranked first on price for the delivery region at appointment.",
        cpv_codes=[CpvCode.objects.get(code="90910000-9")],
    )
    frameworks.set_eligibility(framework, by=kamal, descriptions=[("local_authority", ""), ("nhs", "")])
    framework = frameworks.go_live(framework, by=kamal)
    acme, brightside = _org("Acme Facilities Services Limited"), _org("Brightside Cleaning Ltd")
    dovetail = _org("Dovetail Community Interest Company")
    frameworks.import_appointments(
        framework,
        "lot,companies_house_number\n"
        f"1,{acme.companies_house_number}\n1,{brightside.companies_house_number}\n"
        f"2,{brightside.companies_house_number}\n2,{dovetail.companies_house_number}\n".encode(),
        by=kamal,
        reason="Award notice Find a Tender 2026/S 000-012345",
    )
    frameworks.direct_award(
        framework.lots.get(number=2),
        authority=northshire,
        supplier=brightside,
        by=ian,
        justification="Ranked first on price for Yorkshire and The Humber at appointment.",
        title="Cleaning of County Hall",
        description="Daily office cleaning of County Hall, Northallerton.",
        value_excl_vat=Decimal("96000.00"),
        starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=60) + timedelta(days=365),
        delivery_postcode=northshire.postcode,
        delivery_region=northshire.region,
    )
    return 1
