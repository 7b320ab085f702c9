"""Procurements and everything a buyer prepares and publishes for one."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tenderbox.lib.errors import Conflict
from tenderbox.tenders import rules


class CpvCode(models.Model):
    """A code of the Common Procurement Vocabulary 2008 (data/cpv2008.csv).

    `prefix` holds the significant digits (the code without its trailing zero padding, at least the
    two of the division), so everything under a code is `code__startswith=prefix`.
    """

    code = models.CharField(max_length=10, primary_key=True, help_text="NNNNNNNN-C")
    description = models.CharField(max_length=300, help_text="English description.")
    prefix = models.CharField(max_length=8, db_index=True, help_text="Significant digits of the code.")

    class Meta:
        ordering = ["code"]
        verbose_name = "CPV code"

    def __str__(self):
        return f"{self.code} {self.description}"

    @property
    def level(self) -> str:
        return {2: "division", 3: "group", 4: "class", 5: "category"}.get(len(self.prefix), "code")

    @staticmethod
    def prefix_of(code: str) -> str:
        """'45000000-7' -> '45'; '45213000-3' -> '45213'; '10000000-0' -> '10' (never under 2)."""
        digits = code.split("-")[0]
        stripped = digits.rstrip("0")
        return stripped if len(stripped) >= 2 else digits[:2]


class ProcurementQuerySet(models.QuerySet):
    def public(self):
        """Procurements anyone may see: published, and every later state. Further competitions are
        not advertised: only the framework lot's invited suppliers see them (tenders/access.py)."""
        return self.exclude(status=Procurement.Status.DRAFT).filter(framework_lot__isnull=True)

    def open_for_tenders(self, now=None):
        """Advertised opportunities still open for tenders (what alerts announce)."""
        now = now or timezone.now()
        return self.public().filter(status=Procurement.Status.PUBLISHED, submission_deadline__gt=now)


class Procurement(models.Model):
    """A competitive procurement run by a buyer.

    States:
    - draft: the buyer prepares it; only the buyer's organisation sees it.
    - published: the tender notice is out; suppliers register interest, ask questions before the
      clarification deadline and submit sealed tenders before the submission deadline.
    - closed: the submission deadline has passed (decided by the clock at each request; the scheduler
      catches up); tenders stay sealed until two buyer users open them.
    - opened: tenders are open for evaluation.
    - awarded: the award decision is made, assessment summaries are sent, the contract award notice
      is published and the standstill period runs until `standstill_ends_at`.
    - contracted: the contract was entered into after standstill (contract details notice); complete.
    - cancelled: ended at any stage, with a reason and a procurement termination notice.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Open for tenders"
        CLOSED = "closed", "Closed: tenders sealed"
        OPENED = "opened", "Tenders opened: evaluation"
        AWARDED = "awarded", "Award decided: standstill"
        CONTRACTED = "contracted", "Contract entered into"
        CANCELLED = "cancelled", "Cancelled"

    TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED, Status.CANCELLED},
        Status.PUBLISHED: {Status.CLOSED, Status.CANCELLED},
        Status.CLOSED: {Status.OPENED, Status.CANCELLED},
        Status.OPENED: {Status.AWARDED, Status.CANCELLED},
        Status.AWARDED: {Status.CONTRACTED, Status.CANCELLED},
        Status.CONTRACTED: set(),
        Status.CANCELLED: set(),
    }

    class Regime(models.TextChoices):
        PA23 = rules.PA23, "Procurement Act 2023"
        PCR2015 = rules.PCR2015, "Public Contracts Regulations 2015"

    class Procedure(models.TextChoices):
        OPEN = rules.OPEN, "Open procedure"
        COMPETITIVE_FLEXIBLE = rules.COMPETITIVE_FLEXIBLE, "Competitive flexible procedure"
        QUICK_QUOTE = rules.QUICK_QUOTE, "Quick quote (below threshold)"
        FURTHER_COMPETITION = rules.FURTHER_COMPETITION, "Further competition under a framework"

    class Category(models.TextChoices):
        GOODS = rules.GOODS, "Goods"
        SERVICES = rules.SERVICES, "Services"
        WORKS = rules.WORKS, "Works"

    buyer = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="procurements",
        help_text="Contracting authority running it.",
    )
    reference = models.CharField(
        max_length=30, unique=True, help_text="Tenderbox reference, e.g. TBX-2026-000042."
    )
    title = models.CharField(max_length=200, help_text="Short title.")
    description = models.TextField(help_text="What is being bought (plain text).")
    category = models.CharField(
        max_length=10, choices=Category.choices, help_text="Main procurement category."
    )
    cpv_codes = models.ManyToManyField(CpvCode, related_name="procurements", help_text="CPV codes.")
    main_cpv = models.ForeignKey(
        CpvCode, on_delete=models.PROTECT, related_name="+", help_text="Main CPV code."
    )
    # Kept by tenders/search.py from `cpv_codes` whenever they change (an m2m_changed receiver, so
    # every path that sets codes keeps it): PostgreSQL's search index holds these words beside the
    # text, so a CPV subtree and a text query are one GIN index scan (tenders/search.py).
    cpv_words = models.TextField(
        default="",
        blank=True,
        editable=False,
        help_text="Search words for the CPV codes and every level above them, e.g. 'cpv45 cpv452'.",
    )
    value_excl_vat = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Estimated value excluding VAT, GBP, including options and extensions.",
    )
    vat = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="VAT on the estimated value, GBP.",
    )
    region = models.CharField(max_length=3, help_text="Delivery region: ITL1 code, or UK.")
    regime = models.CharField(
        max_length=10, choices=Regime.choices, default=Regime.PA23, help_text="Governing law."
    )
    procedure = models.CharField(max_length=25, choices=Procedure.choices, help_text="Procedure.")
    framework_lot = models.ForeignKey(
        "frameworks.FrameworkLot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competitions",
        help_text="For a further competition: the framework lot whose appointed suppliers are invited.",
    )
    light_touch = models.BooleanField(default=False, help_text="Light touch services (PA23 s.9).")
    urgent = models.BooleanField(default=False, help_text="State of urgency shortens periods (PA23 s.54).")
    planned_notice = models.BooleanField(
        default=False, help_text="A qualifying planned procurement notice was published (PA23 s.54)."
    )
    price_method = models.CharField(
        max_length=30,
        default="lowest_proportional",
        help_text="How price is scored: lowest price gets full marks, others in proportion.",
    )
    # Timetable.
    clarification_deadline = models.DateTimeField(
        null=True, blank=True, help_text="Last moment for questions."
    )
    submission_deadline = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Tender deadline."
    )
    expected_award_date = models.DateField(null=True, blank=True, help_text="When the award is expected.")
    contract_start = models.DateField(null=True, blank=True, help_text="Expected contract start.")
    contract_end = models.DateField(null=True, blank=True, help_text="Expected contract end.")
    # Lifecycle.
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="When the draft was started.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", help_text="Who started it."
    )
    published_at = models.DateTimeField(null=True, blank=True, help_text="When the tender notice went out.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it was closed by the clock.")
    opened_at = models.DateTimeField(null=True, blank=True, help_text="When tenders were opened.")
    awarded_at = models.DateTimeField(null=True, blank=True, help_text="When the award was decided.")
    standstill_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="End of the standstill period."
    )
    contracted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the contract was entered into."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True, help_text="When it was cancelled.")
    cancellation_reason = models.TextField(blank=True, help_text="Why it was cancelled.")
    next_transition_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the clock next moves it (scheduler index)."
    )

    objects = ProcurementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "submission_deadline"], name="proc_status_deadline_idx")]

    def __str__(self):
        return f"{self.reference} {self.title}"

    # Derived facts -------------------------------------------------------------------------
    @property
    def value_incl_vat(self) -> Decimal:
        return rules.vat_inclusive(self.value_excl_vat, self.vat)

    def began_on(self):
        return timezone.localdate(self.published_at or timezone.now())

    @property
    def above_threshold(self) -> bool:
        return rules.is_above_threshold(
            value_incl_vat=self.value_incl_vat,
            authority_type=self.buyer.authority_type,
            category=self.category,
            light_touch=self.light_touch,
            on=self.began_on(),
        )

    @property
    def is_further_competition(self) -> bool:
        return self.framework_lot_id is not None

    def invites(self, supplier) -> bool:
        """Whether a supplier may take part: anyone in an advertised procurement; in a further
        competition only a supplier invited at launch whose appointment is still active (a supplier
        suspended since is invited to nothing)."""
        if not self.is_further_competition:
            return True
        return self.competition_invitations.filter(
            appointment__supplier=supplier, appointment__status="active"
        ).exists()

    def minimum_period(self) -> tuple[int, str]:
        if self.is_further_competition:
            return rules.further_competition_days(self.framework_lot.framework.call_off_minimum_days)
        return rules.minimum_tendering_days(
            procedure=self.procedure,
            above_threshold=self.above_threshold,
            light_touch=self.light_touch,
            urgent=self.urgent,
            planned_notice=self.planned_notice,
            documents_with_notice=True,
        )

    def timetable_problems(self, publish_at) -> list[rules.Problem]:
        days, rule = self.minimum_period()
        return rules.check_procedure(
            procedure=self.procedure, above_threshold=self.above_threshold, regime=self.regime
        ) + rules.check_timetable(
            publish_at=publish_at,
            clarification_deadline=self.clarification_deadline,
            submission_deadline=self.submission_deadline,
            expected_award_date=self.expected_award_date,
            contract_start=self.contract_start,
            contract_end=self.contract_end,
            minimum_days=days,
            minimum_rule=rule,
        )

    def accepts_tenders(self, now=None) -> bool:
        """Decided by the server's clock, to the second: open strictly before the deadline."""
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.submission_deadline is not None
            and now < self.submission_deadline
        )

    def accepts_questions(self, now=None) -> bool:
        now = now or timezone.now()
        deadline = self.clarification_deadline or self.submission_deadline
        return self.status == self.Status.PUBLISHED and deadline is not None and now < deadline

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    # Transitions ---------------------------------------------------------------------------
    def _move(self, to: str, *, fields: list[str]) -> str:
        """Apply one legal move; return the state moved from. Illegal moves raise Conflict (409)."""
        if to not in self.TRANSITIONS[self.Status(self.status)]:
            raise Conflict(
                f"A procurement that is {self.get_status_display().lower()} cannot be "
                f"{self.Status(to).label.lower()}."
            )
        before = self.status
        self.status = to
        self.save(update_fields=["status", *fields])
        return before

    def publish(self, *, by, at) -> str:
        self.published_at = at
        self.published_by = by
        self.next_transition_at = self.submission_deadline
        return self._move(
            self.Status.PUBLISHED, fields=["published_at", "published_by", "next_transition_at"]
        )

    def close(self, *, at) -> str:
        self.closed_at = at
        self.next_transition_at = None
        return self._move(self.Status.CLOSED, fields=["closed_at", "next_transition_at"])

    def open_tenders(self, *, at) -> str:
        self.opened_at = at
        return self._move(self.Status.OPENED, fields=["opened_at"])

    def award(self, *, at, standstill_ends_at) -> str:
        self.awarded_at = at
        self.standstill_ends_at = standstill_ends_at
        self.next_transition_at = None
        return self._move(
            self.Status.AWARDED, fields=["awarded_at", "standstill_ends_at", "next_transition_at"]
        )

    def enter_contract(self, *, at) -> str:
        if self.standstill_ends_at and at <= self.standstill_ends_at:
            raise Conflict(
                f"The contract cannot be entered into before the standstill period ends on "
                f"{timezone.localtime(self.standstill_ends_at):%-d %B %Y at %H:%M} (PA23 s.51)."
            )
        self.contracted_at = at
        return self._move(self.Status.CONTRACTED, fields=["contracted_at"])

    def cancel(self, *, at, reason: str) -> str:
        if not reason.strip():
            raise Conflict("Give the reason for cancelling: it is published in the termination notice.")
        self.cancelled_at = at
        self.cancellation_reason = reason.strip()
        self.next_transition_at = None
        return self._move(
            self.Status.CANCELLED, fields=["cancelled_at", "cancellation_reason", "next_transition_at"]
        )


class Lot(models.Model):
    """A part of a procurement that suppliers may bid for separately, with its own value and codes."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(help_text="Lot number, from 1.")
    title = models.CharField(max_length=200, help_text="Lot title.")
    description = models.TextField(blank=True, help_text="What the lot covers.")
    value_excl_vat = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Estimated value of the lot excluding VAT, GBP.",
    )
    cpv_codes = models.ManyToManyField(CpvCode, related_name="lots", blank=True, help_text="Lot's CPV codes.")

    class Meta:
        ordering = ["procurement_id", "number"]
        constraints = [models.UniqueConstraint(fields=["procurement", "number"], name="lot_number_unique")]

    def __str__(self):
        return f"Lot {self.number}: {self.title}"


class AwardCriterion(models.Model):
    """A criterion tenders are assessed against, with its weight (PA23 s.23). Quality criteria are
    scored by evaluators 0-`max_score`; the price criterion is scored by the procurement's method."""

    class Kind(models.TextChoices):
        QUALITY = "quality", "Quality"
        PRICE = "price", "Price"

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField(help_text="Order on the page.")
    kind = models.CharField(max_length=10, choices=Kind.choices, help_text="Quality or price.")
    name = models.CharField(max_length=200, help_text="What is assessed.")
    guidance = models.TextField(blank=True, help_text="What a good answer covers, shown to suppliers.")
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)], help_text="Weight in percent."
    )
    max_score = models.PositiveSmallIntegerField(default=5, help_text="Top of the scoring scale (quality).")

    class Meta:
        ordering = ["procurement_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procurement", "number"], name="criterion_number_unique")
        ]

    def __str__(self):
        return f"{self.name} ({self.weight}%)"


class SelectionQuestion(models.Model):
    """A pass/fail question, such as the mandatory exclusion-ground declarations (PA23 s.57,
    Schedules 6-7). A supplier that fails one is excluded with a recorded reason."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="selection_questions")
    number = models.PositiveSmallIntegerField(help_text="Order on the page.")
    text = models.TextField(help_text="The question or declaration.")
    is_exclusion_ground = models.BooleanField(
        default=False, help_text="A standard exclusion-ground declaration."
    )

    class Meta:
        ordering = ["procurement_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procurement", "number"], name="selection_number_unique")
        ]

    def __str__(self):
        return self.text[:60]


STANDARD_EXCLUSION_DECLARATIONS = (
    "We declare that no mandatory exclusion ground in Schedule 6 of the Procurement Act 2023 applies to us, "
    "to any connected person or to any associated person we rely on.",
    "We declare that no discretionary exclusion ground in Schedule 7 of the Procurement Act 2023 applies to "
    "us, or that we have told the authority of any that does, with the steps we have taken.",
    "We declare that we are not on the debarment list (Procurement Act 2023 s.62).",
)


def document_path(instance, filename):
    return f"procurements/{instance.procurement_id}/{instance.sha256}"


class Document(models.Model):
    """A tender document published with the procurement (or added by an amendment)."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200, help_text="What the document is.")
    file = models.FileField(upload_to=document_path, help_text="Stored under its SHA-256.")
    filename = models.CharField(max_length=200, help_text="Safe file name for downloads.")
    content_type = models.CharField(max_length=100, help_text="Type sniffed from the content.")
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the content.")
    uploaded_at = models.DateTimeField(default=timezone.now, help_text="When it was added.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["procurement_id", "uploaded_at"]

    def __str__(self):
        return self.title


class Amendment(models.Model):
    """A change to a published procurement, with its recorded reason (PA23 s.31). Every supplier
    that registered interest is told."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="amendments")
    reason = models.TextField(help_text="Why the procurement changed.")
    summary = models.TextField(help_text="What changed, as shown to suppliers.")
    old_deadline = models.DateTimeField(null=True, blank=True, help_text="Deadline before the change.")
    new_deadline = models.DateTimeField(null=True, blank=True, help_text="Deadline after the change.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["procurement_id", "created_at"]

    def __str__(self):
        return f"Amendment of {self.procurement.reference}"


class Notice(models.Model):
    """A notice published for a procurement (Procurement Regulations 2024; Find a Tender forms)."""

    class Kind(models.TextChoices):
        TENDER = "UK4", "Tender notice (UK4)"
        AWARD = "UK6", "Contract award notice (UK6)"
        DETAILS = "UK7", "Contract details notice (UK7)"
        TERMINATION = "UK12", "Procurement termination notice (UK12)"
        CHANGE = "UK4-change", "Tender notice change"

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices, help_text="Which notice.")
    published_at = models.DateTimeField(default=timezone.now, help_text="When it was published.")
    summary = models.TextField(help_text="What the notice says, in brief.")

    class Meta:
        ordering = ["procurement_id", "published_at"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.procurement.reference}"


class Interest(models.Model):
    """A supplier's registered interest: it gets amendments and clarifications, and may download
    documents and respond. Buyers see how many registered, never who submitted."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="interests")
    supplier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="interests"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["procurement", "supplier"], name="interest_unique")]

    def __str__(self):
        return f"{self.supplier} in {self.procurement.reference}"


class Clarification(models.Model):
    """A question from a supplier (or a clarification the buyer publishes of its own accord).

    States: asked, answered (published to every interested supplier, without naming the asker).
    """

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="clarifications")
    asked_by_supplier = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Supplier that asked; never shown to others.",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Person who asked.",
    )
    question = models.TextField(help_text="The question, as published (the buyer may anonymise it).")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True, help_text="The buyer's answer.")
    answered_at = models.DateTimeField(null=True, blank=True, help_text="When it was answered and published.")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["procurement_id", "asked_at"]

    def __str__(self):
        return self.question[:60]

    @property
    def is_published(self) -> bool:
        return self.answered_at is not None


class SearchVersion(models.Model):
    """The version of the public search results, for the page cache (lib/pagecache.py): one row, raised
    by database triggers (migration 0006, PostgreSQL only) at the commit of every transaction that
    writes to a table the search page reads (tenders/versions.py, SEARCH_TABLES). Nothing in Python
    writes it, except the scale loader, which turns the triggers off for its own load and raises it
    once (portal/bulk.py). On SQLite there are no triggers and no page cache: the row stays as made.
    """

    ONLY = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY, help_text="Always 1: one row.")
    value = models.BigIntegerField(default=0, help_text="Raised by one at each commit that changed results.")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="search_version_one_row")]

    def __str__(self):
        return f"search version {self.value}"
