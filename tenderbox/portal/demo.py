"""Demo data: a small, known world to click through, and `--scale N` synthetic volume.

Everything is built through the real actions (so the audit trail and the privacy map see it) and
is idempotent: running it again changes nothing that is already there.
"""

import random
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


TOWNS = [
    ("Manchester", "M1 1AE", "TLD"),
    ("Newcastle", "NE1 4ST", "TLC"),
    ("York", "YO1 7HH", "TLE"),
    ("Nottingham", "NG1 5FS", "TLF"),
    ("Birmingham", "B1 1BB", "TLG"),
    ("Cambridge", "CB2 1TN", "TLH"),
    ("London", "EC1A 1BB", "TLI"),
    ("Brighton", "BN1 1AA", "TLJ"),
    ("Exeter", "EX1 1AA", "TLK"),
    ("Swansea", "SA1 1AA", "TLL"),
    ("Edinburgh", "EH1 1YZ", "TLM"),
    ("Derry", "BT48 6AA", "TLN"),
]
WORDS = [
    "Apex",
    "Beacon",
    "Cedar",
    "Delta",
    "Evergreen",
    "Forge",
    "Granite",
    "Harbour",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Northgate",
    "Oakridge",
    "Pinnacle",
    "Quartz",
    "Riverside",
    "Summit",
    "Tidewater",
    "Unity",
    "Vantage",
    "Willow",
    "Yardley",
]
TRADES = [
    "Facilities",
    "Construction",
    "Digital",
    "Care",
    "Catering",
    "Transport",
    "Consulting",
    "Engineering",
    "Cleaning",
    "Security",
    "Software",
    "Landscaping",
]
FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dan",
    "Ella",
    "Finn",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Kate",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Rhys",
    "Sophie",
    "Tom",
    "Zara",
]
LAST = [
    "Adams",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Foster",
    "Hughes",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Patel",
    "Roberts",
    "Smith",
    "Taylor",
    "Walker",
    "Wilson",
    "Young",
]


def generate_scale(n: int, *, seed: int = 2026, progress=None, batch: int = 1000) -> dict:
    """Add `n` synthetic procurements with everything under them: the buyers and suppliers that run
    and answer them (one buyer per 50 procurements, one supplier per 10, each with an admin), lots,
    award criteria, CPV codes, and registered interest. Statuses follow a live portal: most open,
    some closed, a few drafts. Bulk inserts in batches (no audit events: this is volume for tests and
    benchmarks, not history); `progress(advance)` is called per batch.
    """
    rng = random.Random(seed)
    buyers = _scale_organisations(max(2, n // 50), Organisation.Kind.BUYER, rng, batch)
    suppliers = _scale_organisations(max(5, n // 10), Organisation.Kind.SUPPLIER, rng, batch)
    created = 0
    while created < n:
        size = min(batch, n - created)
        _scale_procurements(size, buyers, suppliers, rng)
        created += size
        if progress:
            progress(size)
    frameworks, call_offs = _scale_frameworks(max(1, n // 500), max(2, n // 5), buyers, suppliers, rng, batch)
    return {
        "procurements": n,
        "buyers": len(buyers),
        "suppliers": len(suppliers),
        "frameworks": frameworks,
        "call_offs": call_offs,
    }


def _scale_frameworks(count: int, call_offs: int, buyers, suppliers, rng, batch: int) -> tuple[int, int]:
    """`count` live frameworks (one per 500 procurements) of 2-4 lots, each lot with 3-12 appointed
    suppliers, open to every kind of authority; and `call_offs` direct-award call-off contracts
    spread over their lots (one per 5 procurements), within each lot's maximum value."""
    from datetime import timedelta
    from decimal import Decimal

    from tenderbox.contracts.models import Contract
    from tenderbox.frameworks.models import Appointment, EligibilityRule, Framework, FrameworkLot

    codes = getattr(_scale_procurements, "codes", None) or _cpv_codes()
    today = timezone.localdate()
    year = today.year
    start = Framework.objects.filter(reference__startswith=f"FW-{year}-").count()
    owners = rng.sample(buyers, k=min(len(buyers), count)) * (count // max(1, len(buyers)) + 1)
    frameworks = []
    for i in range(count):
        owner_id, user_id = owners[i]
        starts = today - timedelta(days=rng.randint(30, 700))
        ends = starts + timedelta(days=rng.choice([730, 1095, 1460]) - 1)
        code, description = rng.choice(codes)
        frameworks.append(
            Framework(
                owner_id=owner_id,
                reference=f"FW-{year}-{start + i + 1:04d}",
                title=f"{description} framework"[:200],
                description=f"National framework for {description.lower()}.",
                starts_on=starts,
                ends_on=ends,
                original_ends_on=ends,
                fee_rate=rng.choice([None, Decimal("0.5"), Decimal("1.0"), Decimal("1.5")]),
                created_by_id=user_id,
                status=Framework.Status.LIVE if ends >= today else Framework.Status.EXPIRED,
                went_live_at=timezone.now(),
                went_live_by_id=user_id,
            )
        )
    with transaction.atomic():
        frameworks = Framework.objects.bulk_create(frameworks)
        EligibilityRule.objects.bulk_create(EligibilityRule(framework=f) for f in frameworks)
        lots = FrameworkLot.objects.bulk_create(
            FrameworkLot(
                framework=f,
                number=n,
                title=f"Lot {n}",
                scope=f"Lot {n} of {f.title}",
                max_value=Decimal(rng.randint(2, 40) * 1_000_000),
                call_off_method=rng.choice(["further_competition", "direct_award", "both"]),
                direct_award_criteria="Ranked first on price for the region at appointment.",
            )
            for f in frameworks
            for n in range(1, rng.randint(2, 4) + 1)
        )
        FrameworkLot.cpv_codes.through.objects.bulk_create(
            FrameworkLot.cpv_codes.through(frameworklot_id=lot.pk, cpvcode_id=rng.choice(codes)[0])
            for lot in lots
        )
        appointed = {}
        appointments = []
        for lot in lots:
            chosen = rng.sample(suppliers, k=min(len(suppliers), rng.randint(3, 12)))
            appointed[lot.pk] = [supplier_id for supplier_id, _ in chosen]
            appointments += [
                Appointment(
                    lot=lot,
                    supplier_id=supplier_id,
                    source=Appointment.Source.IMPORT,
                    appointed_by_id=lot.framework.created_by_id,
                )
                for supplier_id, _ in chosen
            ]
        Appointment.objects.bulk_create(appointments)
    live = [lot for lot in lots if lot.framework.status == Framework.Status.LIVE] or lots
    last = Contract.objects.filter(reference__startswith=f"CON-{year}-").order_by("-reference").first()
    number = int(last.reference.rsplit("-", 1)[1]) if last else 0
    towns = {region: postcode for _, postcode, region in TOWNS}
    made = 0
    while made < call_offs:
        rows = []
        for _ in range(min(batch, call_offs - made)):
            number += 1
            lot = rng.choice(live)
            buyer_id, user_id = rng.choice(buyers)
            value = Decimal(int(rng.lognormvariate(10.5, 1.0))).quantize(Decimal("1")) + 1
            begins = max(lot.framework.starts_on, today - timedelta(days=rng.randint(0, 600)))
            region = rng.choice(list(towns))
            rows.append(
                Contract(
                    reference=f"CON-{year}-{number:06d}",
                    buyer_id=buyer_id,
                    supplier_id=rng.choice(appointed[lot.pk]),
                    framework_id=lot.framework_id,
                    framework_lot=lot,
                    route=Contract.Route.DIRECT_AWARD,
                    justification="Ranked first on price for the region at appointment.",
                    title=f"Call-off under {lot.framework.reference} lot {lot.number}",
                    description=lot.scope,
                    category=rng.choice(["goods", "services", "works"]),
                    value_excl_vat=value,
                    original_value_excl_vat=value,
                    starts_on=begins,
                    ends_on=begins + timedelta(days=rng.choice([364, 729])),
                    original_ends_on=begins + timedelta(days=rng.choice([364, 729])),
                    delivery_postcode=towns[region],
                    delivery_region=region,
                    awarded_by_id=user_id,
                )
            )
        for row in rows:
            row.original_ends_on = row.ends_on
        Contract.objects.bulk_create(rows)
        made += len(rows)
    return len(frameworks), made


def _scale_organisations(count: int, kind: str, rng, batch: int) -> list[tuple[int, int]]:
    """(organisation id, admin user id) pairs, bulk-created."""
    start = Organisation.objects.count()
    hashed = _hashed_demo_password()
    out = []
    for offset in range(0, count, batch):
        orgs, users = [], []
        for i in range(offset, min(count, offset + batch)):
            number = start + i
            town, postcode, region = rng.choice(TOWNS)
            is_buyer = kind == Organisation.Kind.BUYER
            orgs.append(
                Organisation(
                    kind=kind,
                    name=(
                        f"{town} {rng.choice(['Borough Council', 'Academy Trust', 'NHS Trust'])} {number}"
                        if is_buyer
                        else f"{rng.choice(WORDS)} {rng.choice(TRADES)} {number} Ltd"
                    ),
                    authority_type=rng.choice(Organisation.AuthorityType.values) if is_buyer else "",
                    companies_house_number="" if is_buyer else f"{70000000 + number:08d}",
                    size="" if is_buyer else rng.choice(Organisation.Size.values),
                    is_vcse=not is_buyer and rng.random() < 0.08,
                    address_line_1=f"{rng.randint(1, 200)} High Street",
                    town=town,
                    postcode=postcode,
                    region=region,
                )
            )
            first, last = rng.choice(FIRST), rng.choice(LAST)
            now = timezone.now()
            users.append(
                User(
                    email=f"{first}.{last}.{number}@scale.example".lower(),
                    full_name=f"{first} {last}",
                    password=hashed,
                    email_verified_at=now,
                    adult_declared_at=now,
                    privacy_notice_version="demo",
                )
            )
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create(orgs)
            users = User.objects.bulk_create(users)
            Membership.objects.bulk_create(
                Membership(user=u, organisation=o, role=Role.ADMIN) for u, o in zip(users, orgs, strict=True)
            )
        out += [(o.pk, u.pk) for o, u in zip(orgs, users, strict=True)]
    return out


def _cpv_codes() -> list[tuple[str, str]]:
    from tenderbox.tenders.models import CpvCode

    # Codes at class level or finer make realistic titles.
    return list(CpvCode.objects.exclude(prefix__regex=r"^.{0,3}$").values_list("code", "description"))


def _scale_procurements(size: int, buyers, suppliers, rng) -> None:
    from datetime import timedelta
    from decimal import Decimal

    from tenderbox.tenders.models import AwardCriterion, Interest, Lot, Procurement

    codes = getattr(_scale_procurements, "codes", None) or _cpv_codes()
    _scale_procurements.codes = codes
    now = timezone.now()
    year = timezone.localdate().year
    last = Procurement.objects.filter(reference__startswith=f"TBX-{year}-").order_by("-reference").first()
    number = int(last.reference.rsplit("-", 1)[1]) if last else 0
    procurements, picked = [], []
    for _ in range(size):
        number += 1
        buyer_id, user_id = rng.choice(buyers)
        code, description = rng.choice(codes)
        town = rng.choice(TOWNS)
        value = Decimal(int(rng.lognormvariate(11.5, 1.3))).quantize(Decimal("1"))
        roll = rng.random()
        deadline = (
            now + timedelta(days=rng.randint(1, 60))
            if roll < 0.7
            else now - timedelta(days=rng.randint(1, 90))
        )
        status = (
            Procurement.Status.DRAFT
            if roll > 0.95
            else Procurement.Status.PUBLISHED
            if roll < 0.7
            else Procurement.Status.CLOSED
        )
        published = (
            None if status == Procurement.Status.DRAFT else deadline - timedelta(days=rng.randint(25, 40))
        )
        procurements.append(
            Procurement(
                buyer_id=buyer_id,
                reference=f"TBX-{year}-{number:06d}",
                created_by_id=user_id,
                title=f"{description} for {town[0]}"[:200],
                description=f"{description}. Delivery across {town[0]} and the surrounding area, for "
                f"{rng.choice([1, 2, 3, 4])} years.",
                category=rng.choice(["goods", "services", "services", "works"]),
                main_cpv_id=code,
                value_excl_vat=value,
                vat=(value * Decimal("0.2")).quantize(Decimal("0.01")),
                region=town[2],
                procedure=rng.choice(["open", "open", "competitive_flexible"]),
                clarification_deadline=deadline - timedelta(days=7),
                submission_deadline=deadline,
                expected_award_date=(deadline + timedelta(days=21)).date(),
                status=status,
                created_at=now,
                published_at=published,
                published_by_id=user_id if published else None,
                closed_at=deadline if status == Procurement.Status.CLOSED else None,
                next_transition_at=deadline if status == Procurement.Status.PUBLISHED else None,
            )
        )
        picked.append(code)
    with transaction.atomic():
        procurements = Procurement.objects.bulk_create(procurements)
        Procurement.cpv_codes.through.objects.bulk_create(
            Procurement.cpv_codes.through(procurement_id=p.pk, cpvcode_id=c)
            for p, c in zip(procurements, picked, strict=True)
        )
        lots, criteria, interests = [], [], []
        for p in procurements:
            count = rng.choice([0, 0, 1, 2, 3])
            for lot_number in range(1, count + 1):
                lots.append(
                    Lot(
                        procurement=p,
                        number=lot_number,
                        title=f"Lot {lot_number}",
                        value_excl_vat=(p.value_excl_vat / count).quantize(Decimal("0.01")),
                    )
                )
            quality = rng.choice([40, 50, 60, 70])
            criteria += [
                AwardCriterion(procurement=p, number=1, kind="quality", name="Quality", weight=quality),
                AwardCriterion(procurement=p, number=2, kind="price", name="Price", weight=100 - quality),
            ]
            if p.status != Procurement.Status.DRAFT:
                for supplier_id, _ in rng.sample(suppliers, k=min(len(suppliers), rng.randint(0, 4))):
                    interests.append(Interest(procurement=p, supplier_id=supplier_id))
        Lot.objects.bulk_create(lots)
        AwardCriterion.objects.bulk_create(criteria)
        Interest.objects.bulk_create(interests, ignore_conflicts=True)


def _hashed_demo_password() -> str:
    # One Argon2 hash shared by every synthetic account: hashing a million times would take hours.
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD)


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
