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


def generate_scale(n: int, *, seed: int = 2026, progress=None, batch: int = 1000) -> int:
    """Add `n` synthetic organisations (one buyer to nine suppliers), each with an admin and, for
    larger suppliers, a bidder. Bulk inserts in batches; `progress(advance)` is called per batch.

    Later features extend this with procurements, frameworks, call-offs and spend under them.
    """
    rng = random.Random(seed)
    start = Organisation.objects.count()
    hashed = _hashed_demo_password()
    created = 0
    while created < n:
        size = min(batch, n - created)
        orgs, users = [], []
        for i in range(size):
            number = start + created + i
            town, postcode, region = rng.choice(TOWNS)
            is_buyer = number % 10 == 0
            name = f"{rng.choice(WORDS)} {rng.choice(TRADES)} {number}"
            orgs.append(
                Organisation(
                    kind=Organisation.Kind.BUYER if is_buyer else Organisation.Kind.SUPPLIER,
                    name=(
                        f"{town} {rng.choice(['Borough Council', 'Academy Trust', 'NHS Trust'])} {number}"
                        if is_buyer
                        else f"{name} Ltd"
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
            users.append(
                User(
                    email=f"{first}.{last}.{number}@scale.example".lower(),
                    full_name=f"{first} {last}",
                    password=hashed,
                    email_verified_at=timezone.now(),
                    adult_declared_at=timezone.now(),
                    privacy_notice_version="demo",
                )
            )
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create(orgs)
            users = User.objects.bulk_create(users)
            Membership.objects.bulk_create(
                Membership(user=u, organisation=o, role=Role.ADMIN) for u, o in zip(users, orgs, strict=True)
            )
        created += size
        if progress:
            progress(size)
    return created


def _hashed_demo_password() -> str:
    # One Argon2 hash shared by every synthetic account: hashing a million times would take hours.
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD)
