"""Synthetic volume for `tenderbox demo --scale N`: one generator of rows, two writers.

`World` makes the rows of a synthetic portal lazily, batch by batch, deterministic by seed (and the
day it runs: deadlines and contract terms are set around today, so a fresh load always has open
opportunities). It never holds more than one batch of rows, plus a few small numbers for each
organisation, framework lot and call-off, so memory stays flat however big the load.

The rows go to a writer (portal/bulk.py): the ORM's `bulk_create` anywhere, or PostgreSQL's COPY.
Both get exactly the same rows, primary keys included: the world numbers every row itself from the
first free id of each table, which is what lets children name their parents without reading
anything back.

No audit events: this is volume for tests and benchmarks, not history.
"""

import random
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Max
from django.utils import timezone

from tenderbox.tenders.rules import UK_TIME

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
BUYER_KINDS = ["Borough Council", "Academy Trust", "NHS Trust"]
CATEGORIES = ["goods", "services", "services", "works"]
PROCEDURES = ["open", "open", "competitive_flexible"]
LOT_COUNTS = [0, 0, 1, 2, 3]
LOT_TITLES = [f"Lot {n}" for n in range(10)]
QUALITY_WEIGHTS = [40, 50, 60, 70]

PENNY = Decimal("0.01")  # PENNY * pennies: a Decimal of pounds and pence, made fast
DAYS = [timedelta(days=n) for n in range(100)]
MINUTES = [timedelta(minutes=n) for n in range(1440)]


@dataclass(frozen=True)
class Shape:
    """How much of everything: derived from the number of procurements, as a live portal's mix."""

    procurements: int
    spend_per_procurement: int = 10

    @property
    def buyers(self) -> int:
        return max(2, self.procurements // 50)

    @property
    def suppliers(self) -> int:
        return max(5, self.procurements // 10)

    @property
    def frameworks(self) -> int:
        return max(1, self.procurements // 500)

    @property
    def call_offs(self) -> int:
        return max(2, self.procurements // 5)

    @property
    def spend(self) -> int:
        return self.procurements * self.spend_per_procurement

    def expected(self) -> dict[str, int]:
        """About how many rows each table gets (by model label), for the writer to plan with."""
        n, f, people = self.procurements, self.frameworks, self.buyers + self.suppliers
        return {
            "organisations.Organisation": people,
            "accounts.User": people,
            "organisations.Membership": people,
            "tenders.Procurement": n,
            "tenders.Procurement_cpv_codes": n,
            "tenders.Lot": n * 6 // 5,
            "tenders.AwardCriterion": 2 * n,
            "tenders.Interest": 2 * n,
            "frameworks.Framework": f,
            "frameworks.EligibilityRule": f,
            "frameworks.FrameworkLot": 3 * f,
            "frameworks.FrameworkLot_cpv_codes": 3 * f,
            "frameworks.Appointment": 22 * f,
            "contracts.Contract": self.call_offs,
            "spend.SpendRecord": self.spend,
        }


@dataclass
class Rows:
    """Rows for one table: values in the order of `fields` (attnames: `buyer_id`, not `buyer`), each
    a plain value a database driver takes as is (int, str, bool, Decimal, date, aware datetime,
    None); `same` gives fields whose value is the same in every row. Fields in neither get their
    model default."""

    model: type
    fields: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    same: dict = field(default_factory=dict)  # fields with one value for every row

    def __post_init__(self):
        self.fields = tuple(self.fields)


@dataclass
class Batch:
    """What one step of a stage writes, tables in an order that puts parents first; `units` is how
    far it moves the stage's progress."""

    units: int
    tables: list[Rows]


@dataclass(frozen=True)
class Stage:
    name: str
    total: int
    batches: Callable[[], Iterator[Batch]]


def _models():
    from tenderbox.accounts.models import User
    from tenderbox.contracts.models import Contract
    from tenderbox.frameworks.models import Appointment, EligibilityRule, Framework, FrameworkLot
    from tenderbox.organisations.models import Membership, Organisation
    from tenderbox.spend.models import SpendRecord
    from tenderbox.tenders.models import AwardCriterion, Interest, Lot, Procurement

    return {
        "Organisation": Organisation,
        "User": User,
        "Membership": Membership,
        "Procurement": Procurement,
        "ProcurementCpv": Procurement.cpv_codes.through,
        "Lot": Lot,
        "AwardCriterion": AwardCriterion,
        "Interest": Interest,
        "Framework": Framework,
        "EligibilityRule": EligibilityRule,
        "FrameworkLot": FrameworkLot,
        "FrameworkLotCpv": FrameworkLot.cpv_codes.through,
        "Appointment": Appointment,
        "Contract": Contract,
        "SpendRecord": SpendRecord,
    }


def loaded_models() -> list[type]:
    """Every table a scale load writes to, parents first."""
    return list(_models().values())


def _last_number(model, letters: str, year: int) -> int:
    last = model.objects.filter(reference__startswith=f"{letters}-{year}-").aggregate(m=Max("reference"))["m"]
    return int(last.rsplit("-", 1)[1]) if last else 0


def _cpv_codes() -> list[tuple[str, str]]:
    from tenderbox.tenders.models import CpvCode

    # Codes at class level or finer make realistic titles; ordered, so the seed decides alone.
    return list(
        CpvCode.objects.exclude(prefix__regex=r"^.{0,3}$").order_by("code").values_list("code", "description")
    )


def _hashed_demo_password(seed: int) -> str:
    # One Argon2 hash shared by every synthetic account: hashing a million times would take hours.
    # Its salt comes from the seed, so the rows are the same on every run; the password is the
    # published demo one, so a salt shared by these accounts protects nothing it could otherwise.
    from django.contrib.auth.hashers import make_password

    from tenderbox.portal.demo import DEMO_PASSWORD

    return make_password(DEMO_PASSWORD, salt=f"tenderboxscale{seed}")


def _end_moment(day: date) -> datetime:
    # As contracts.actions.end_moment: a term runs to the end of its last day, UK time.
    return datetime.combine(day, time.max, tzinfo=UK_TIME)


class _Lot(NamedTuple):
    """What a call-off needs of the live framework lot it is made under."""

    pk: int
    framework_pk: int
    framework_starts: date
    framework_reference: str
    number: int
    scope: str
    cpv_code: str
    appointed: tuple[int, ...]


class World:
    """The rows of `shape`, stage by stage (`stages()`), with ids from `first_id(model)` on.

    Buyers run procurements (one per 50) and use frameworks; suppliers (one per 10) register
    interest, are appointed to framework lots and hold the call-offs; each organisation has an admin.
    Procurements are mostly open (70%), some closed (25%), a few drafts, with 0-3 lots, two award
    criteria and up to four interested suppliers. Frameworks (one per 500 procurements) have 2-4
    lots with 3-12 appointed suppliers; call-offs (one per 5 procurements) are direct awards under
    live lots that allow it, active or ended by their dates. Spend is the buyers' own payment
    records (public, counted once each), `spend_per_procurement` times the procurements, spread
    over the call-offs: invoices dated within each contract's term up to today, most paid, a few
    credit notes.
    """

    def __init__(self, shape: Shape, *, seed: int, first_id: Callable[[type], int], batch: int = 5000):
        self.shape = shape
        self.batch = batch
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, reproducible by seed; no secrets)
        self.random = self.rng.random
        self.m = _models()
        self._next = {model: first_id(model) for model in self.m.values()}
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.year = self.today.year
        self.codes = _cpv_codes()
        self.hashed = _hashed_demo_password(seed)
        self.buyers: list[tuple[int, int]] = []  # (organisation id, admin user id)
        self.suppliers: list[tuple[int, int]] = []
        self.lots: list[_Lot] = []  # live lots open to direct award
        # One entry per call-off, for the spend stage: small numbers in arrays, not objects.
        self.call_off_ids = array("q")
        self.call_off_numbers = array("q")
        self.call_off_starts = array("l")  # date ordinals
        self.call_off_ends = array("l")
        self.call_off_pennies = array("q")
        self.call_off_recorders = array("q")  # the buyer admin who records its payments
        self.call_off_lots = array("l")  # index into self.lots
        self.counts: dict[str, int] = {}

    # Faster than Random.choice and .randint (one call to random() each), and as reproducible.
    def pick(self, seq):
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def ids(self, model, count: int) -> range:
        first = self._next[model]
        self._next[model] = first + count
        return range(first, first + count)

    def stages(self) -> list[Stage]:
        s = self.shape
        return [
            Stage("organisations", s.buyers + s.suppliers, self.organisations),
            Stage("procurements", s.procurements, self.procurements),
            Stage("frameworks", s.frameworks, self.frameworks),
            Stage("call-offs", s.call_offs, self.call_offs),
            Stage("spend", s.spend, self.spend),
        ]

    def _count(self, batch: Batch) -> Batch:
        for rows in batch.tables:
            name = rows.model._meta.label
            self.counts[name] = self.counts.get(name, 0) + len(rows.rows)
        return batch

    # Organisations ------------------------------------------------------------------------------
    def organisations(self) -> Iterator[Batch]:
        from tenderbox.organisations.models import Organisation, Role

        m, rng, now = self.m, self.rng, self.now
        start = Organisation.objects.count()
        kinds = [Organisation.Kind.BUYER.value] * self.shape.buyers
        kinds += [Organisation.Kind.SUPPLIER.value] * self.shape.suppliers
        authority_types = list(Organisation.AuthorityType.values)
        sizes = list(Organisation.Size.values)
        for offset in range(0, len(kinds), self.batch):
            chunk = kinds[offset : offset + self.batch]
            orgs = Rows(
                m["Organisation"],
                [
                    "id",
                    "kind",
                    "name",
                    "authority_type",
                    "companies_house_number",
                    "size",
                    "is_vcse",
                    "address_line_1",
                    "town",
                    "postcode",
                    "region",
                    "created_at",
                ],
            )
            users = Rows(
                m["User"],
                [
                    "id",
                    "email",
                    "full_name",
                    "password",
                    "date_joined",
                    "email_verified_at",
                    "adult_declared_at",
                    "privacy_notice_version",
                ],
            )
            members = Rows(m["Membership"], ("id", "user_id", "organisation_id", "role", "created_at"))
            org_ids, user_ids = self.ids(m["Organisation"], len(chunk)), self.ids(m["User"], len(chunk))
            member_ids = self.ids(m["Membership"], len(chunk))
            for i, kind in enumerate(chunk):
                number = start + offset + i
                town, postcode, region = rng.choice(TOWNS)
                is_buyer = kind == Organisation.Kind.BUYER
                name = (
                    f"{town} {rng.choice(BUYER_KINDS)} {number}"
                    if is_buyer
                    else f"{rng.choice(WORDS)} {rng.choice(TRADES)} {number} Ltd"
                )
                orgs.rows.append(
                    (
                        org_ids[i],
                        kind,
                        name,
                        rng.choice(authority_types) if is_buyer else "",
                        "" if is_buyer else f"{70000000 + number:08d}",
                        "" if is_buyer else rng.choice(sizes),
                        not is_buyer and rng.random() < 0.08,
                        f"{rng.randint(1, 200)} High Street",
                        town,
                        postcode,
                        region,
                        now,
                    )
                )
                first, last = rng.choice(FIRST), rng.choice(LAST)
                users.rows.append(
                    (
                        user_ids[i],
                        f"{first}.{last}.{number}@scale.example".lower(),
                        f"{first} {last}",
                        self.hashed,
                        now,
                        now,
                        now,
                        "demo",
                    )
                )
                members.rows.append((member_ids[i], user_ids[i], org_ids[i], Role.ADMIN.value, now))
                (self.buyers if is_buyer else self.suppliers).append((org_ids[i], user_ids[i]))
            yield self._count(Batch(len(chunk), [orgs, users, members]))

    # Procurements -------------------------------------------------------------------------------
    def procurements(self) -> Iterator[Batch]:
        from tenderbox.tenders.models import CpvCode, Procurement
        from tenderbox.tenders.search import cpv_words

        m, rng, now = self.m, self.rng, self.now
        random, pick, between = self.random, self.pick, self.between
        s = Procurement.Status
        published_status, closed_status, draft_status = s.PUBLISHED.value, s.CLOSED.value, s.DRAFT.value
        day, week, three_weeks = timedelta(days=1), timedelta(days=7), timedelta(days=21)
        number = _last_number(m["Procurement"], "TBX", self.year)
        fields = [
            "id",
            "buyer_id",
            "reference",
            "created_by_id",
            "title",
            "description",
            "category",
            "main_cpv_id",
            "value_excl_vat",
            "vat",
            "region",
            "procedure",
            "clarification_deadline",
            "submission_deadline",
            "expected_award_date",
            "status",
            "created_at",
            "published_at",
            "published_by_id",
            "closed_at",
            "next_transition_at",
            "cpv_words",
        ]
        # The search words of each code (tenders/search.py), as the m2m receiver would write them.
        words = {code: cpv_words([CpvCode.prefix_of(code)]) for code, _ in self.codes}
        made = 0
        while made < self.shape.procurements:
            size = min(self.batch, self.shape.procurements - made)
            made += size
            procurements = Rows(m["Procurement"], tuple(fields))
            cpvs = Rows(m["ProcurementCpv"], ("id", "procurement_id", "cpvcode_id"))
            lots = Rows(m["Lot"], ("id", "procurement_id", "number", "title", "value_excl_vat"))
            criteria = Rows(m["AwardCriterion"], ("id", "procurement_id", "number", "kind", "name", "weight"))
            interests = Rows(m["Interest"], ("id", "procurement_id", "supplier_id", "registered_at"))
            for pk, cpv_pk in zip(
                self.ids(m["Procurement"], size), self.ids(m["ProcurementCpv"], size), strict=True
            ):
                number += 1
                buyer_id, user_id = pick(self.buyers)
                code, description = pick(self.codes)
                town, _, region = pick(TOWNS)
                pounds = max(1, int(rng.lognormvariate(11.5, 1.3)))
                value = Decimal(pounds)
                roll = random()
                if roll < 0.7:  # open for tenders
                    status = published_status
                    published = now - DAYS[between(0, 20)] - MINUTES[between(0, 1439)]
                    deadline = published + DAYS[between(25, 60)]
                elif roll < 0.95:  # past its deadline: tenders sealed
                    status = closed_status
                    deadline = now - DAYS[between(1, 90)] - MINUTES[between(0, 1439)]
                    published = deadline - DAYS[between(25, 40)]
                else:
                    status = draft_status
                    deadline = now + DAYS[between(25, 60)]
                    published = None
                created = (published or now) - DAYS[between(1, 14)]
                procurements.rows.append(
                    (
                        pk,
                        buyer_id,
                        f"TBX-{self.year}-{number:06d}",
                        user_id,
                        f"{description} for {town}"[:200],
                        f"{description}. Delivery across {town} and the surrounding area, for "
                        f"{between(1, 4)} years.",
                        pick(CATEGORIES),
                        code,
                        value,
                        PENNY * (pounds * 20),  # 20% VAT, to the penny
                        region,
                        pick(PROCEDURES),
                        deadline - week,
                        deadline,
                        (deadline + three_weeks).date(),
                        status,
                        created,
                        published,
                        user_id if published else None,
                        deadline if status == closed_status else None,
                        deadline if status == published_status else None,
                        words[code],
                    )
                )
                cpvs.rows.append((cpv_pk, pk, code))
                count = pick(LOT_COUNTS)
                for lot_number, lot_pk in enumerate(self.ids(m["Lot"], count), start=1):
                    share = PENNY * ((pounds * 100 + count // 2) // count)
                    lots.rows.append((lot_pk, pk, lot_number, LOT_TITLES[lot_number], share))
                weight = pick(QUALITY_WEIGHTS)
                first, second = self.ids(m["AwardCriterion"], 2)
                criteria.rows.append((first, pk, 1, "quality", "Quality", weight))
                criteria.rows.append((second, pk, 2, "price", "Price", 100 - weight))
                if published:
                    chosen = rng.sample(self.suppliers, k=min(len(self.suppliers), between(0, 4)))
                    registered = min(now, published + day)
                    for (supplier_id, _), interest_pk in zip(
                        chosen, self.ids(m["Interest"], len(chosen)), strict=True
                    ):
                        interests.rows.append((interest_pk, pk, supplier_id, registered))
            yield self._count(Batch(size, [procurements, cpvs, lots, criteria, interests]))

    # Frameworks ---------------------------------------------------------------------------------
    def frameworks(self) -> Iterator[Batch]:
        from tenderbox.frameworks.models import Framework

        m, rng, today = self.m, self.rng, self.today
        number = _last_number(m["Framework"], "FW", self.year)
        count = self.shape.frameworks
        owners = rng.sample(self.buyers, k=min(len(self.buyers), count))
        owners = owners * (count // len(owners) + 1)
        for offset in range(0, count, self.batch):
            size = min(self.batch, count - offset)
            frameworks = Rows(
                m["Framework"],
                [
                    "id",
                    "owner_id",
                    "reference",
                    "title",
                    "description",
                    "starts_on",
                    "ends_on",
                    "original_ends_on",
                    "fee_rate",
                    "status",
                    "created_at",
                    "created_by_id",
                    "went_live_at",
                    "went_live_by_id",
                    "expired_at",
                    "next_transition_at",
                ],
            )
            rules = Rows(m["EligibilityRule"], ("id", "framework_id"))
            lots = Rows(
                m["FrameworkLot"],
                [
                    "id",
                    "framework_id",
                    "number",
                    "title",
                    "scope",
                    "max_value",
                    "call_off_method",
                    "direct_award_criteria",
                ],
            )
            lot_cpvs = Rows(m["FrameworkLotCpv"], ("id", "frameworklot_id", "cpvcode_id"))
            appointments = Rows(
                m["Appointment"],
                ("id", "lot_id", "supplier_id", "source", "appointed_at", "appointed_by_id"),
            )
            for i, pk in enumerate(self.ids(m["Framework"], size)):
                number += 1
                owner_id, user_id = owners[offset + i]
                starts = today - timedelta(days=rng.randint(30, 700))
                # Every framework is live (started at most 700 days ago, for two years or more).
                first = offset + i == 0
                ends = starts + timedelta(days=rng.choice([730, 1095, 1460]) - 1)
                code, description = rng.choice(self.codes)
                live = ends >= today
                went_live = datetime.combine(starts, time(9), tzinfo=UK_TIME)
                reference = f"FW-{self.year}-{number:04d}"
                title = f"{description} framework"[:200]
                frameworks.rows.append(
                    (
                        pk,
                        owner_id,
                        reference,
                        title,
                        f"National framework for {description.lower()}.",
                        starts,
                        ends,
                        ends,
                        rng.choice([None, Decimal("0.5"), Decimal("1.0"), Decimal("1.5")]),
                        (Framework.Status.LIVE if live else Framework.Status.EXPIRED).value,
                        went_live - timedelta(days=14),
                        user_id,
                        went_live,
                        user_id,
                        None if live else _end_moment(ends),
                        _end_moment(ends) if live else None,
                    )
                )
                (rule_pk,) = self.ids(m["EligibilityRule"], 1)
                rules.rows.append((rule_pk, pk))  # any kind of authority, anywhere
                lot_count = rng.randint(2, 4)
                for n, lot_pk in enumerate(self.ids(m["FrameworkLot"], lot_count), start=1):
                    method = rng.choice(["further_competition", "direct_award", "both"])
                    if first and n == 1:  # so there is always a lot to call off from directly
                        method = "both"
                    scope = f"Lot {n} of {title}"
                    lots.rows.append(
                        (
                            lot_pk,
                            pk,
                            n,
                            f"Lot {n}",
                            scope,
                            Decimal(rng.randint(2, 40) * 1_000_000),
                            method,
                            "Ranked first on price for the region at appointment.",
                        )
                    )
                    lot_code = rng.choice(self.codes)[0]
                    (lot_cpv_pk,) = self.ids(m["FrameworkLotCpv"], 1)
                    lot_cpvs.rows.append((lot_cpv_pk, lot_pk, lot_code))
                    chosen = rng.sample(self.suppliers, k=min(len(self.suppliers), rng.randint(3, 12)))
                    for (supplier_id, _), appointment_pk in zip(
                        chosen, self.ids(m["Appointment"], len(chosen)), strict=True
                    ):
                        appointments.rows.append(
                            (appointment_pk, lot_pk, supplier_id, "import", went_live, user_id)
                        )
                    if live and method != "further_competition":
                        self.lots.append(
                            _Lot(
                                lot_pk, pk, starts, reference, n, scope, lot_code, tuple(s for s, _ in chosen)
                            )
                        )
            yield self._count(Batch(size, [frameworks, rules, lots, lot_cpvs, appointments]))

    # Call-offs ----------------------------------------------------------------------------------
    def call_offs(self) -> Iterator[Batch]:
        from tenderbox.contracts.models import Contract

        m, rng, today = self.m, self.rng, self.today
        number = _last_number(m["Contract"], "CON", self.year)
        towns = {region: postcode for _, postcode, region in TOWNS}
        regions = list(towns)
        fields = [
            "id",
            "reference",
            "buyer_id",
            "supplier_id",
            "framework_id",
            "framework_lot_id",
            "route",
            "justification",
            "title",
            "description",
            "category",
            "value_excl_vat",
            "original_value_excl_vat",
            "starts_on",
            "ends_on",
            "original_ends_on",
            "delivery_postcode",
            "delivery_region",
            "status",
            "awarded_at",
            "awarded_by_id",
            "ended_at",
            "next_transition_at",
        ]
        made = 0
        while made < self.shape.call_offs:
            size = min(self.batch, self.shape.call_offs - made)
            made += size
            contracts = Rows(m["Contract"], tuple(fields))
            for pk in self.ids(m["Contract"], size):
                number += 1
                lot_index = rng.randrange(len(self.lots))
                lot = self.lots[lot_index]
                buyer_id, user_id = rng.choice(self.buyers)
                pennies = (int(rng.lognormvariate(10.5, 1.0)) + 1) * 100
                value = PENNY * pennies
                begins = max(lot.framework_starts, today - timedelta(days=rng.randint(0, 600)))
                ends = begins + timedelta(days=rng.choice([364, 729]))
                awarded_on = max(lot.framework_starts, begins - timedelta(days=rng.randint(0, 14)))
                region = rng.choice(regions)
                active = ends >= today
                contracts.rows.append(
                    (
                        pk,
                        f"CON-{self.year}-{number:06d}",
                        buyer_id,
                        rng.choice(lot.appointed),
                        lot.framework_pk,
                        lot.pk,
                        Contract.Route.DIRECT_AWARD.value,
                        "Ranked first on price for the region at appointment.",
                        f"Call-off under {lot.framework_reference} lot {lot.number}",
                        lot.scope,
                        rng.choice(["goods", "services", "works"]),
                        value,
                        value,
                        begins,
                        ends,
                        ends,
                        towns[region],
                        region,
                        (Contract.Status.ACTIVE if active else Contract.Status.ENDED).value,
                        datetime.combine(awarded_on, time(10), tzinfo=UK_TIME),
                        user_id,
                        None if active else _end_moment(ends),
                        _end_moment(ends) if active else None,
                    )
                )
                self.call_off_ids.append(pk)
                self.call_off_numbers.append(number)
                self.call_off_starts.append(begins.toordinal())
                self.call_off_ends.append(ends.toordinal())
                self.call_off_pennies.append(pennies)
                self.call_off_recorders.append(user_id)
                self.call_off_lots.append(lot_index)
            yield self._count(Batch(size, [contracts]))

    # Spend --------------------------------------------------------------------------------------
    def spend_counts(self) -> list[int]:
        """How many records each call-off gets: the total exactly, unevenly (pairs trade records)."""
        calls, total = len(self.call_off_ids), self.shape.spend
        base, extra = divmod(total, calls)
        counts = [base + (1 if i < extra else 0) for i in range(calls)]
        for i in range(0, calls - 1, 2):
            shift = self.between(-(counts[i] // 2), counts[i + 1] // 2)
            counts[i] += shift
            counts[i + 1] -= shift
        return counts

    def spend(self) -> Iterator[Batch]:
        """The inner loop of the biggest table: dates, months and names are looked up in lists made
        once, not made per row."""
        from tenderbox.spend.models import SpendRecord

        m, random = self.m, self.random
        counts = self.spend_counts()
        today = self.today.toordinal()
        first = min(self.call_off_starts, default=today)
        days = [date.fromordinal(o) for o in range(first, today + 32)]  # by ordinal - first
        periods = [d.replace(day=1) for d in days]
        labels = [d.strftime("%B %Y") for d in days]
        suffixes = [f"-{n:04d}" for n in range(max(counts, default=0) + 1)]
        fields = [
            "id",
            "contract_id",
            "period",
            "invoice_date",
            "paid_on",
            "transaction_number",
            "description",
            "category",
            "amount_excl_vat",
            "vat",
            "recorded_by_id",
        ]
        same = {"source": SpendRecord.Source.BUYER.value, "recorded_at": self.now}
        zero, penny = Decimal("0.00"), PENNY
        rows = Rows(m["SpendRecord"], fields, same=same)
        append, pending, last = rows.rows.append, 0, today - first
        for c, count in enumerate(counts):
            if not count:
                continue
            start, end = self.call_off_starts[c] - first, min(self.call_off_ends[c], today) - first
            span = end - start + 1
            term = self.call_off_ends[c] - self.call_off_starts[c] + 1
            contract_pk, recorder = self.call_off_ids[c], self.call_off_recorders[c]
            lot_code = self.lots[self.call_off_lots[c]].cpv_code
            reference = f"{self.year}-{self.call_off_numbers[c]:06d}"
            invoice, service = f"INV-{reference}", f"Services under CON-{reference}, "
            # Spent so far: the share of the term that has run, give or take, in `count` invoices.
            spent = self.call_off_pennies[c] * span / term * (0.7 + 0.3 * random())
            each = max(100.0, spent / count)
            invoices = sorted([start + int(random() * span) for _ in range(count)])
            label, description = None, ""
            for pk, invoiced, suffix in zip(
                self.ids(m["SpendRecord"], count), invoices, suffixes[1 : count + 1], strict=True
            ):
                pennies = int(each * (0.5 + random()))
                roll = random()
                if roll < 0.02:  # a credit note: negative, and so is its VAT
                    pennies = -max(100, pennies // 10)
                # 20% VAT to the penny (half up, away from zero); none on a tenth (exempt supplies).
                if roll > 0.9:
                    vat = zero
                elif pennies > 0:
                    vat = penny * ((pennies * 2 + 5) // 10)
                else:
                    vat = penny * -((-pennies * 2 + 5) // 10)
                paid = invoiced + 7 + int(random() * 24)
                if labels[invoiced] is not label:
                    label = labels[invoiced]
                    description = service + label
                append(
                    (
                        pk,
                        contract_pk,
                        periods[invoiced],
                        days[invoiced],
                        days[paid] if paid <= last else None,
                        invoice + suffix,
                        description,
                        lot_code,
                        penny * pennies,
                        vat,
                        recorder,
                    )
                )
            pending += count
            if pending >= self.batch:
                yield self._count(Batch(pending, [rows]))
                rows, pending = Rows(m["SpendRecord"], fields, same=same), 0
                append = rows.rows.append
        if pending:
            yield self._count(Batch(pending, [rows]))
