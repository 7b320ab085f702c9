"""Retention policies: one per population of records, each applying one rule of privacy/retention.py.

A policy says which rows may be due (`candidates`, a database filter that the engine walks in
primary-key order), when one row is due and what keeps it (`assess`: its clock, its due date, any
floor, legal hold or other reason), and what happens to it (`apply`). The engine
(retention_engine.py) does the batching, the cursor, the transactions and the counting.

Two shapes:
- `ClockPolicy`: the due date follows from one timestamp column and the rule's months, so the
  database finds exactly the due rows and a batch is dealt with in one statement (deletes, blanking).
  Holds are a database filter too.
- `Policy` subclasses that look at each row (accounts and tenders): floors, holds, links to other
  records and the notice to the person need more than one column.

Dates are UK calendar days (Europe/London): a rule of N months runs out on the same day N months
after the clock started (clamped to the month's end), and the row is dealt with on that day.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.lib.dates import add_months, latest_start_ended_by, start_of_day
from tenderbox.privacy.holds import Holds
from tenderbox.privacy.retention import RULES, RetentionRule


class Outcome(StrEnum):
    APPLY = "apply"
    WARN = "warn"
    NOTICE_RUNNING = "notice running"
    FLOOR = "kept by a floor"
    HELD = "held"
    KEPT = "kept"
    NOT_DUE = "not yet due"
    DONE = "already done"


@dataclass(frozen=True)
class Assessment:
    """Why a row is kept or due: the rule's clock, the due date and whatever keeps it longer."""

    outcome: Outcome
    clock_event: str
    clock_start: date | None
    due_on: date | None
    kept_until: date | None = None
    reasons: tuple[str, ...] = ()


def localdate(moment) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def due_cutoff(today: date, months: int):
    """The instant before which a clock must have started for `months` to have run out by `today`:
    `clock < due_cutoff(...)` holds exactly for the rows that are due (see latest_start_ended_by)."""
    return start_of_day(latest_start_ended_by(today, months) + timedelta(days=1))


class Policy:
    """One population under one rule. Subclasses set the class attributes and the methods."""

    key: str  # the population, e.g. "accounts_never_used"
    rule_key: str
    model_label: str
    verb: str  # what `apply` does, in the past tense: anonymised, deleted, blanked, purged

    @property
    def rule(self) -> RetentionRule:
        return RULES[self.rule_key]

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def candidates(self, *, today: date, now):
        """Rows that may be due or need a notice; every due row is among them."""
        raise NotImplementedError

    def covers(self, obj) -> bool:
        """Whether a row belongs to this population (used by explain)."""
        return True

    def load(self, pks, *, lock: bool):
        qs = self.model.objects.filter(pk__in=pks).order_by("pk")
        return list(qs.select_for_update(of=("self",)) if lock else qs)

    def assess(self, obj, *, today: date, holds: Holds) -> Assessment:
        raise NotImplementedError

    def assess_batch(self, objs, *, today: date, holds: Holds) -> list[Assessment]:
        """The assessment of each row of a batch, in order: a policy that looks things up for each
        row may look them up for the whole batch at once instead."""
        return [self.assess(obj, today=today, holds=holds) for obj in objs]

    def act(self, decided, *, now) -> None:
        """Apply or warn each (row, assessment) of a batch that calls for it, in order."""
        for obj, assessment in decided:
            if assessment.outcome == Outcome.APPLY:
                self.apply(obj, assessment, now=now)
            elif assessment.outcome == Outcome.WARN:
                self.warn(obj, assessment, now=now)

    def apply(self, obj, assessment: Assessment, *, now) -> None:
        raise NotImplementedError

    def warn(self, obj, assessment: Assessment, *, now) -> None:
        raise NotImplementedError


# Rules on one timestamp column ---------------------------------------------------------------------
class ClockPolicy(Policy):
    """Due `rule.months` after `clock_field`; held rows are skipped by filter; a batch is one statement.

    `per_row_events`: one audit event per row (small populations whose rows someone may ask about);
    otherwise one event per batch with its count and key range (security logs: an event per blanked
    audit event would double the trail, and its own events would then fall due in turn).
    """

    clock_field: str
    clock_event: str
    population = Q()
    hold_fields: dict[str, tuple[str, ...]] = {}
    per_row_events = False

    def due_filter(self, *, today: date, now) -> Q:
        return Q(**{f"{self.clock_field}__lt": due_cutoff(today, self.rule.months)})

    def candidates(self, *, today, now):
        return self.model.objects.filter(self.population).filter(self.due_filter(today=today, now=now))

    def covers(self, obj) -> bool:
        return self.model.objects.filter(self.population, pk=obj.pk).exists()

    def held_filter(self, holds: Holds) -> Q | None:
        q = Q()
        for kind, names in self.hold_fields.items():
            ids = getattr(holds, kind)
            for name in names:
                if ids:
                    q |= Q(**{f"{name}__in": ids})
        return q or None

    def held_pks(self, pks, holds: Holds) -> set:
        q = self.held_filter(holds) if holds else None
        if q is None:
            return set()
        return set(self.model.objects.filter(pk__in=pks).filter(q).values_list("pk", flat=True))

    def apply_batch(self, pks) -> None:
        self.model.objects.filter(pk__in=pks).delete()

    def clock_of(self, obj):
        return getattr(obj, self.clock_field)

    def due_on(self, obj) -> date | None:
        start = localdate(self.clock_of(obj))
        return add_months(start, self.rule.months) if start else None

    def assess(self, obj, *, today, holds) -> Assessment:
        start = localdate(self.clock_of(obj))
        due = self.due_on(obj)
        base = {"clock_event": self.clock_event, "clock_start": start, "due_on": due}
        if due is None or today < due:
            return Assessment(Outcome.NOT_DUE, kept_until=due, **base)
        if self.held_pks([obj.pk], holds):
            return Assessment(Outcome.HELD, reasons=("a legal hold covers it",), **base)
        return Assessment(Outcome.APPLY, **base)


class AuditPersonalColumns(ClockPolicy):
    key = "security_log_audit"
    rule_key = "security_log"
    model_label = "audit.AuditEvent"
    verb = "blanked"
    clock_field = "created_at"
    clock_event = "the event"
    # Only events that still hold something personal; the chain does not cover these columns and
    # the PostgreSQL trigger allows exactly this update (docs/decisions/0002).
    population = ~Q(personal_salt="") & (~Q(actor_label="") | Q(ip_address__isnull=False))

    def held_filter(self, holds):
        q = Q()
        if holds.users:
            q |= Q(actor_id__in=holds.users) | Q(subject_user_id__in=holds.users)
            # Events that name the person by the address typed (a failed sign-in has no actor).
            users = apps.get_model("accounts.User").objects.filter(pk__in=holds.users)
            for email in users.values_list("email", flat=True):
                q |= Q(actor_label__iexact=email)
        if holds.organisations:
            q |= Q(organisation_id__in=holds.organisations)
        if holds.procurements:
            q |= Q(object_type="tenders.procurement", object_id__in=[str(p) for p in holds.procurements])
        return q or None

    def apply_batch(self, pks):
        self.model.objects.filter(pk__in=pks).update(actor_label="", ip_address=None, personal_salt="")

    def covers(self, obj):
        return True

    def assess(self, obj, *, today, holds):
        if not self.model.objects.filter(self.population, pk=obj.pk).exists():
            start = localdate(obj.created_at)
            return Assessment(
                Outcome.DONE,
                self.clock_event,
                start,
                add_months(start, self.rule.months),
                reasons=("its personal columns are empty",),
            )
        return super().assess(obj, today=today, holds=holds)


class AxesRows(ClockPolicy):
    """django-axes sign-in records: the attempted address (`username`) and the network details."""

    rule_key = "security_log"
    verb = "deleted"
    clock_field = "attempt_time"
    clock_event = "the sign-in attempt"

    def held_filter(self, holds):
        if not holds.users:
            return None
        users = apps.get_model("accounts.User").objects.filter(pk__in=holds.users)
        emails = users.values_list("email", flat=True)
        q = Q()
        for email in emails:
            q |= Q(username__iexact=email)
        return q or None


class AxesAttempts(AxesRows):
    key = "security_log_axes_attempts"
    model_label = "axes.AccessAttempt"


class AxesLogs(AxesRows):
    key = "security_log_axes_logs"
    model_label = "axes.AccessLog"


class AxesFailures(AxesRows):
    key = "security_log_axes_failures"
    model_label = "axes.AccessFailureLog"


class ExpiredSessions(ClockPolicy):
    """Sessions end at `expire_date` (8 hours at most); the row is useless after. No hold applies:
    a session holds sign-in state, not a record anyone could need."""

    key = "sessions_expired"
    rule_key = "session"
    model_label = "sessions.Session"
    verb = "deleted"
    clock_field = "expire_date"
    clock_event = "the session's end"

    def due_filter(self, *, today, now):
        return Q(expire_date__lt=now)

    def due_on(self, obj):
        return localdate(obj.expire_date)

    def assess(self, obj, *, today, holds):
        due = localdate(obj.expire_date)
        if obj.expire_date >= timezone.now():
            return Assessment(Outcome.NOT_DUE, self.clock_event, due, due, kept_until=due)
        return Assessment(Outcome.APPLY, self.clock_event, due, due)


class OldInvitations(ClockPolicy):
    key = "invitations"
    rule_key = "invitation"
    model_label = "organisations.Invitation"
    verb = "deleted"
    clock_field = "created_at"
    clock_event = "sending"
    per_row_events = True
    hold_fields = {"users": ("invited_by_id", "accepted_by_id"), "organisations": ("organisation_id",)}


class WithdrawnConsents(ClockPolicy):
    """Evidence of a consent is kept 12 months after withdrawal (Art. 7(1)); the marketing
    suppression entry is a separate row and stays."""

    key = "consents_withdrawn"
    rule_key = "consent_evidence"
    model_label = "privacy.ConsentRecord"
    verb = "deleted"
    clock_field = "withdrawn_at"
    clock_event = "withdrawal"
    population = Q(withdrawn_at__isnull=False)
    per_row_events = True
    hold_fields = {"users": ("user_id",)}


class LiftedHolds(ClockPolicy):
    key = "legal_holds_lifted"
    rule_key = "legal_hold"
    model_label = "privacy.LegalHold"
    verb = "deleted"
    clock_field = "lifted_at"
    clock_event = "lifting of the hold"
    population = Q(lifted_at__isnull=False)
    per_row_events = True


class StaleNotices(ClockPolicy):
    """A removal notice the person answered by signing in: no longer needed, deleted at once."""

    key = "retention_notices_answered"
    rule_key = "account_unused"
    model_label = "privacy.RetentionNotice"
    verb = "deleted"
    clock_field = "activity_at"
    clock_event = "the sign-in that answered the notice"

    def due_filter(self, *, today, now):
        return Q(activity_at__lt=Coalesce("user__last_login", "user__date_joined"))

    def due_on(self, obj):
        return localdate(obj.user.last_login)

    def assess(self, obj, *, today, holds):
        if self.candidates(today=today, now=timezone.now()).filter(pk=obj.pk).exists():
            due = localdate(obj.user.last_login)
            return Assessment(Outcome.APPLY, self.clock_event, due, due)
        return Assessment(
            Outcome.KEPT,
            "the notice",
            localdate(obj.warned_at),
            None,
            kept_until=obj.removal_on,
            reasons=("the notice still runs: the person has not signed in since",),
        )


class PaymentBillingContacts(ClockPolicy):
    """A payment's billing contact (name, email): a financial record kept at least 7 years from the
    payment (policy 4.1.4, a floor that erasure cannot cut short); once the floor has passed nothing
    requires it, so it is blanked (UK GDPR Art. 5(1)(e)). The payment itself (amount, date,
    reference) stays as the organisation's accounting record. Spend records hold no personal field
    but links to accounts, so the spend rule (framework_transactions) needs no job of its own.

    A lapsed account's transaction details go within 7 years of the anniversary at which it lapsed
    (policy 4.2, a ceiling): a payment made before the lapse reaches its floor's end first, so
    blanking it then meets both. A payment made after the lapse (arrears) is kept its full 7 years:
    the financial-records floor is a legal obligation, and a ceiling in the policy cannot cut it."""

    key = "payment_billing_contacts"
    rule_key = "fees_and_subscriptions"
    model_label = "spend.Payment"
    verb = "blanked"
    clock_field = "paid_at"
    clock_event = "the payment"
    population = ~Q(payer_name="") | ~Q(payer_email="")
    per_row_events = True
    hold_fields = {"organisations": ("subscription__organisation_id", "fee_invoice__supplier_id")}

    def apply_batch(self, pks) -> None:
        self.model.objects.filter(pk__in=pks).update(payer_name="", payer_email="")


# Records kept under another app's rule --------------------------------------------------------------
# Where the clock of a record kept for a person under a floor or the framework-supplier rule starts:
# the first of these dates that is set. A framework's records run from the end of its term, which
# an extension moves (`ends_on` is the term as extended: policy 4.1.2, "including any extensions");
# purchases and supply under frameworks from the transaction, or the end of the contract they
# belong to (4.1.3); fees and subscriptions from the invoice or the payment (4.1.4).
RECORD_CLOCKS: dict[str, tuple[str, ...]] = {
    "frameworks.Framework": ("ends_on",),
    "frameworks.FrameworkDocument": ("framework__ends_on",),
    "frameworks.Appointment": ("lot__framework__ends_on",),
    "contracts.Contract": ("ends_on",),
    "contracts.ContractChange": ("contract__ends_on",),
    "spend.SpendRecord": ("invoice_date",),
    "spend.MIReturn": ("period",),
    "spend.FeeInvoice": ("issued_at",),
    "spend.Payment": ("paid_at",),
    "performance.Kpi": ("contract__ends_on", "framework__ends_on"),
    "performance.KpiReport": ("contract__ends_on",),
    "performance.PerformanceRating": ("contract__ends_on",),
}


def _as_day(value) -> date:
    return localdate(value) if isinstance(value, datetime) else value


def records_kept_until(label: str, pks, rule_key: str) -> dict:
    """For each row of `label`, the day its rule stops keeping it (None: its clock has not started).
    One query for all the rows."""
    paths = RECORD_CLOCKS[label]
    months = RULES[rule_key].months
    rows = apps.get_model(label)._default_manager.filter(pk__in=list(pks)).values_list("pk", *paths)
    kept = {}
    for pk, *clocks in rows:
        start = next((_as_day(c) for c in clocks if c is not None), None)
        kept[pk] = add_months(start, months) if start is not None else None
    return kept


def framework_terms(user_ids) -> dict:
    """For each of these people, the end of the latest framework term (as extended) to which an
    organisation of theirs has been appointed, with the framework's reference: one query for a
    batch. Policy 4.1.2: for a supplier appointed to a framework the 12 months of non-use begin only
    then, so an extension moves the clock too."""
    from tenderbox.frameworks.models import Framework

    path = "lots__appointments__supplier__memberships__user"
    rows = (
        Framework.objects.filter(**{f"{path}__in": list(user_ids)})
        .values_list(path, "ends_on", "reference")
        .distinct()
    )
    terms: dict = {}
    for user_id, ends_on, reference in rows:
        if user_id not in terms or ends_on > terms[user_id][0]:
            terms[user_id] = (ends_on, reference)
    return terms


def framework_term_clock(user) -> tuple[date, str] | None:
    return framework_terms([user.pk]).get(user.pk)


# Tenders --------------------------------------------------------------------------------------------
def procurement_floor_until(procurement) -> date | None:
    """The end of the Procurement Act 2023 s.98 floor: 3 years from the contract being entered into or
    the procurement being terminated (PCR 2015 reg. 84 keeps the same 3 years). None: not started."""
    ended = procurement.contracted_at or procurement.cancelled_at
    return add_months(localdate(ended), RULES["procurement_records"].months) if ended else None


FLOOR_NOT_STARTED = (
    "the Procurement Act 2023 s.98 floor has not started: it runs 3 years from the contract being "
    "entered into or the procurement ending"
)


class TenderSubmissions(Policy):
    """A supplier's response: its sealed versions, its working copy and its documents are purged; the
    rows, numbers, times and receipt hashes stay as the record of what was submitted when.

    Clock: the last submission (an unsubmitted draft: its last change); for a winning tender, the end
    of the contract (the expected end date, or the day it was entered into). Ceiling: 7 years, or at
    once when the supplier asked in writing (privacy policy 4.1.1). Floor: never before the
    procurement's s.98 floor has passed.
    """

    key = "tender_submissions"
    rule_key = "tender_submission"
    model_label = "submissions.Response"
    verb = "purged"

    def candidates(self, *, today, now):
        clock = Coalesce("submitted_at", "updated_at")
        cutoff = due_cutoff(today, self.rule.months)
        return (
            self.model.objects.filter(retention_purged_at=None)
            .annotate(clock=clock)
            .filter(Q(clock__lt=cutoff) | Q(shortened_retention_requested_at__isnull=False))
        )

    def load(self, pks, *, lock):
        qs = self.model.objects.filter(pk__in=pks).order_by("pk")
        if lock:
            qs = qs.select_for_update(of=("self",))
        return list(qs.select_related("procurement"))

    def assess(self, obj, *, today, holds) -> Assessment:
        from tenderbox.evaluation.models import Award
        from tenderbox.tenders.models import Procurement

        response, procurement = obj, obj.procurement
        if response.submitted_at:
            event, start = "the last submission", localdate(response.submitted_at)
        else:
            event, start = "the last change to the unsubmitted draft", localdate(response.updated_at)
        reasons = []
        won = procurement.status in {Procurement.Status.AWARDED, Procurement.Status.CONTRACTED} and (
            Award.objects.filter(version__response=response).exists()
        )
        if won:
            end = procurement.contract_end or localdate(procurement.contracted_at)
            if end is None:
                event, start = "the end of the contract, which has not been entered into yet", None
            elif end > start:
                event, start = "the end of the contract won with this tender", end
        due = add_months(start, self.rule.months) if start else None
        if response.shortened_retention_requested_at:
            asked = localdate(response.shortened_retention_requested_at)
            due = min(due, asked) if due else asked
            reasons.append(f"the supplier asked in writing on {asked:%-d %B %Y} to keep it no longer")
        done = response.retention_purged_at
        floor = procurement_floor_until(procurement)
        base = {"clock_event": event, "clock_start": start, "due_on": due}
        if done:
            return Assessment(Outcome.DONE, reasons=(f"purged on {localdate(done):%-d %B %Y}",), **base)
        if due is not None and today < due:
            return Assessment(Outcome.NOT_DUE, kept_until=due, reasons=tuple(reasons), **base)
        if floor is None or today < floor:
            why = FLOOR_NOT_STARTED if floor is None else "the Procurement Act 2023 s.98 floor"
            return Assessment(Outcome.FLOOR, kept_until=floor, reasons=(*reasons, why), **base)
        held = self.holds_on(response, holds)
        if held:
            return Assessment(Outcome.HELD, reasons=(*reasons, *held), **base)
        return Assessment(Outcome.APPLY, reasons=tuple(reasons), **base)

    @staticmethod
    def holds_on(response, holds: Holds) -> list[str]:
        if not holds:
            return []
        users = {response.created_by_id, *response.versions.values_list("submitted_by_id", flat=True)}
        users |= set(response.documents.values_list("uploaded_by_id", flat=True))
        return [
            f"a legal hold on {label}"
            for label in holds.describe(
                users=users - {None},
                organisations={response.supplier_id, response.procurement.buyer_id},
                procurements={response.procurement_id},
            )
        ]

    def apply(self, obj, assessment, *, now) -> None:
        from tenderbox.submissions.models import ResponseDocument

        response = obj
        if response.retention_purged_at is not None:
            return
        versions = response.versions.update(sealed=b"")
        files = [name for name in response.documents.values_list("file", flat=True) if name]
        documents = response.documents.update(file="", wrapped_key=b"", filename_sealed=b"")
        # The keys are gone with this transaction (crypto-shredding); the encrypted bytes are removed
        # once it commits, so a rolled-back batch never loses a file its rows still point at.
        storage = ResponseDocument._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
        response.draft = b""
        response.retention_purged_at = now
        response.save(update_fields=["draft", "retention_purged_at"])
        record(
            "retention.purged",
            obj=response,
            organisation=response.supplier,
            after={
                "rule": self.rule_key,
                "population": self.key,
                "versions": versions,
                "documents": documents,
            },
        )


# Accounts -------------------------------------------------------------------------------------------
# Links from procurement records to a person, and the path from each record to its procurement: an
# account named in records still under the s.98 floor is kept. tests/test_retention.py checks that
# every link declared FOLLOWS under these rules is listed, so a new one cannot be missed.
PROCUREMENT_RECORD_LINKS = {
    ("tenders.Procurement", "created_by"): "pk",
    ("tenders.Procurement", "published_by"): "pk",
    ("tenders.Document", "uploaded_by"): "procurement",
    ("tenders.Amendment", "created_by"): "procurement",
    ("tenders.Interest", "registered_by"): "procurement",
    ("tenders.Clarification", "asked_by"): "procurement",
    ("tenders.Clarification", "answered_by"): "procurement",
    ("submissions.OpeningApproval", "approved_by"): "procurement",
    ("evaluation.Assignment", "evaluator"): "procurement",
    ("evaluation.Assignment", "assigned_by"): "procurement",
    ("evaluation.SelectionMark", "marked_by"): "version__response__procurement",
    ("evaluation.ModeratedScore", "moderated_by"): "version__response__procurement",
    ("evaluation.Award", "decided_by"): "procurement",
}
TENDER_LINKS = {
    ("submissions.Response", "created_by"): "pk",
    ("submissions.ResponseVersion", "submitted_by"): "response",
    ("submissions.ResponseDocument", "uploaded_by"): "response",
}


@dataclass
class Keeper:
    outcome: Outcome
    until: date | None
    reason: str


@dataclass
class AccountFacts:
    keepers: list[Keeper] = field(default_factory=list)

    def add(self, outcome, until, reason):
        self.keepers.append(Keeper(outcome, until, reason))

    ORDER = (Outcome.HELD, Outcome.FLOOR, Outcome.KEPT)

    def strongest(self) -> Keeper | None:
        """The keeper that decides (a hold, then a floor, then any other reason), kept until the last
        of its kind runs out (None: open-ended)."""
        for outcome in self.ORDER:
            found = [k for k in self.keepers if k.outcome == outcome]
            if found:
                open_ended = any(k.until is None for k in found)
                return Keeper(outcome, None if open_ended else max(k.until for k in found), "")
        return None

    def reasons(self) -> tuple[str, ...]:
        return tuple(k.reason for o in self.ORDER for k in self.keepers if k.outcome == o)


def _linked_ids(user_ids, links: dict) -> dict[int, set]:
    """For each person, the ids at the end of each link's path (a procurement, a response) from the
    records that name them: one query per link for the whole batch."""
    found: dict[int, set] = defaultdict(set)
    for (label, name), path in links.items():
        model = apps.get_model(label)
        rows = model.objects.filter(**{f"{name}__in": user_ids}).values_list(name, path).distinct()
        for user_id, target in rows.order_by():
            if target is not None:
                found[user_id].add(target)
    return found


def account_facts(user, *, today: date, holds: Holds) -> AccountFacts:
    """Everything that keeps an account past its non-use deadline: holds, the s.98 floor of procurement
    records naming the person, tenders they submitted that are still kept, a restriction of
    processing, and being the only admin of an organisation with procurement records."""
    return BatchFacts([user], today=today, holds=holds).of(user.pk)


class BatchFacts:
    """`account_facts` for a batch of accounts: the same facts in the same order, looked up with a
    fixed number of queries for the whole batch (one account at a time took about 25 queries each,
    and for most accounts they find nothing).

    Being an organisation's only admin depends on the other accounts: `of(pk, leaving=...)` is told
    which accounts of the batch are anonymised before this one (their memberships are gone by then),
    so two admins of one organisation in one batch are decided as they would be one after the other.
    """

    def __init__(self, users, *, today: date, holds: Holds):
        from tenderbox.organisations.models import Membership, Role
        from tenderbox.privacy.models import Restriction
        from tenderbox.submissions.models import Response
        from tenderbox.tenders.models import Procurement

        self.today, self.holds = today, holds
        ids = [user.pk for user in users]
        self.restricted = set(
            Restriction.objects.filter(user_id__in=ids, lifted_at=None).values_list("user_id", flat=True)
        )
        self.member_of: dict[int, set] = defaultdict(set)
        self.admin_of: dict[int, list] = defaultdict(list)
        # In the memberships' own order (by organisation name), as one person's facts listed them.
        rows = Membership.objects.filter(user_id__in=ids).values_list("user_id", "organisation_id", "role")
        for user_id, organisation_id, role in rows:
            self.member_of[user_id].add(organisation_id)
            if role == Role.ADMIN:
                self.admin_of[user_id].append(organisation_id)
        self.procurement_ids = _linked_ids(ids, PROCUREMENT_RECORD_LINKS)
        self.response_ids = _linked_ids(ids, TENDER_LINKS)
        linked = Response.objects.filter(
            pk__in=set().union(*self.response_ids.values()), retention_purged_at=None
        )
        self.responses = {r.pk: r for r in linked.select_related("procurement")}
        self.procurements = {
            p.pk: p for p in Procurement.objects.filter(pk__in=set().union(*self.procurement_ids.values()))
        }
        organisations = {o for listed in self.admin_of.values() for o in listed}
        self.admins: dict[int, set] = defaultdict(set)
        rows = Membership.objects.filter(organisation_id__in=organisations, role=Role.ADMIN)
        for organisation_id, user_id in rows.values_list("organisation_id", "user_id"):
            self.admins[organisation_id].add(user_id)
        buying = Procurement.objects.filter(buyer_id__in=organisations).values_list("buyer_id", flat=True)
        bidding = Response.objects.filter(supplier_id__in=organisations).values_list("supplier_id", flat=True)
        self.with_records = set(buying.distinct()) | set(bidding.distinct())

    def of(self, user_id: int, *, leaving=frozenset()) -> AccountFacts:
        today, holds = self.today, self.holds
        facts = AccountFacts()
        if user_id in self.restricted:
            # Art. 18(1)(b)-(c): the person may have asked for restriction instead of erasure, or need
            # the data for a legal claim; stored, untouched, until the restriction is lifted.
            facts.add(Outcome.KEPT, None, "processing is restricted (UK GDPR Art. 18): stored until lifted")
        procurements = self.procurement_ids.get(user_id, set())
        responses = [
            self.responses[pk] for pk in sorted(self.response_ids.get(user_id, ())) if pk in self.responses
        ]
        for label in holds.describe(
            users={user_id},
            organisations=self.member_of.get(user_id, set()),
            procurements=procurements | {r.procurement_id for r in responses},
        ):
            facts.add(Outcome.HELD, None, f"a legal hold on {label}")
        for pk in sorted(procurements):
            procurement = self.procurements[pk]
            floor = procurement_floor_until(procurement)
            if floor is None or today < floor:
                facts.add(
                    Outcome.FLOOR,
                    floor,
                    f"named in the records of procurement {procurement.reference}, kept under the "
                    "Procurement Act 2023 s.98 floor" + ("" if floor else " (not started yet)"),
                )
        tenders = TenderSubmissions()
        for response in responses:
            tender = tenders.assess(response, today=today, holds=holds)
            what = f"linked to tender submission #{response.pk} for {response.procurement.reference}"
            if tender.outcome == Outcome.FLOOR:
                facts.add(Outcome.FLOOR, tender.kept_until, what + ", kept under its floor")
            elif tender.outcome == Outcome.HELD:
                facts.add(Outcome.HELD, None, what + ", under a legal hold")
            elif tender.outcome == Outcome.NOT_DUE:
                facts.add(Outcome.KEPT, tender.kept_until, what + ", kept for up to 7 years")
            elif tender.outcome == Outcome.APPLY:
                facts.add(Outcome.KEPT, None, what + ", to be purged first")
        for organisation_id in self.admin_of.get(user_id, ()):
            if self.admins[organisation_id] - {user_id} - set(leaving):
                continue
            if organisation_id in self.with_records:
                facts.add(
                    Outcome.KEPT,
                    None,
                    f"the only admin of organisations.organisation #{organisation_id}, which has "
                    "procurement records",
                )
        return facts


class UnusedAccounts(Policy):
    """Accounts not used for 12 months are anonymised (privacy policy 4.1), after a notice: the person
    is told `rule.warn_days` days before and keeps the account by signing in (which moves the clock).
    Staff accounts are outside this rule (they follow Tenderbox's staff leaving process)."""

    rule_key = "account_unused"
    model_label = "accounts.User"
    verb = "anonymised"

    def population(self) -> Q:
        raise NotImplementedError

    def candidates(self, *, today, now):
        rule = self.rule
        # Due within the notice period: the notice goes out `warn_days` days before the deadline.
        notice_from = due_cutoff(today + timedelta(days=rule.warn_days), rule.months)
        return (
            self.model.objects.filter(erased_at=None, is_staff=False, is_superuser=False)
            .filter(self.population())
            .annotate(activity=Coalesce("last_login", "date_joined"))
            .filter(activity__lt=notice_from)
        )

    def covers(self, obj):
        return self.model.objects.filter(self.population(), pk=obj.pk).exists()

    def load(self, pks, *, lock):
        qs = self.model.objects.filter(pk__in=pks).order_by("pk")
        if lock:
            qs = qs.select_for_update(of=("self",))
        return list(qs.select_related("retention_notice"))

    def assess(self, obj, *, today, holds) -> Assessment:
        return self.assess_batch([obj], today=today, holds=holds)[0]

    def assess_batch(self, objs, *, today, holds) -> list[Assessment]:
        """Each account's assessment; what keeps the accounts that are due is found for all of them
        at once (BatchFacts)."""
        terms = framework_terms([user.pk for user in objs])
        early = [self._before_facts(user, today=today, term=terms.get(user.pk)) for user in objs]
        due = [user for user, decided in zip(objs, early, strict=True) if decided is None]
        facts = BatchFacts(due, today=today, holds=holds) if due else None
        assessments, leaving = [], set()
        for user, decided in zip(objs, early, strict=True):
            assessment = decided or self._with_facts(
                user, facts.of(user.pk, leaving=leaving), today=today, term=terms.get(user.pk)
            )
            if assessment.outcome == Outcome.APPLY:
                leaving.add(user.pk)  # anonymised before the next one is decided
            assessments.append(assessment)
        return assessments

    def _clock(self, user, term) -> dict:
        activity = user.last_login or user.date_joined
        event = "the last sign-in" if user.last_login else "registration (never signed in)"
        start = localdate(activity)
        if term is not None and term[0] > start:
            # Policy 4.1.2: an appointed supplier's 12 months of non-use start at the end of the
            # framework's term, extensions included, however recently they last signed in.
            start, event = term[0], f"the end of framework {term[1]}'s term, including extensions"
        return {"clock_event": event, "clock_start": start, "due_on": add_months(start, self.rule.months)}

    def _before_facts(self, user, *, today, term) -> Assessment | None:
        """The decision when nothing else needs looking up (done, staff, not due yet); else None."""
        base = self._clock(user, term)
        if user.erased_at is not None:
            done = f"anonymised on {localdate(user.erased_at):%-d %B %Y}"
            return Assessment(Outcome.DONE, reasons=(done,), **base)
        if user.is_staff or user.is_superuser:
            reason = "a staff account: it follows Tenderbox's staff leaving process, not this rule"
            return Assessment(Outcome.KEPT, reasons=(reason,), **base)
        if today < base["due_on"] - timedelta(days=self.rule.warn_days):
            return Assessment(Outcome.NOT_DUE, kept_until=base["due_on"], **base)
        return None

    def _with_facts(self, user, facts: AccountFacts, *, today, term) -> Assessment:
        from tenderbox.privacy.models import RetentionNotice

        base = self._clock(user, term)
        keeper = facts.strongest()
        if keeper is not None:
            return Assessment(keeper.outcome, kept_until=keeper.until, reasons=facts.reasons(), **base)
        try:
            notice = user.retention_notice
        except RetentionNotice.DoesNotExist:
            notice = None
        if (
            notice is None
            or notice.activity_at != (user.last_login or user.date_joined)
            or (notice.removal_on < base["due_on"])
        ):
            # No notice, or one about an earlier clock (they signed in since, or the framework they
            # are appointed to was extended after they were told).
            return Assessment(Outcome.WARN, reasons=("the person has not been told yet",), **base)
        told = (
            f"told on {localdate(notice.warned_at):%-d %B %Y} that it goes on {notice.removal_on:%-d %B %Y}"
        )
        if today < notice.removal_on:
            return Assessment(Outcome.NOTICE_RUNNING, kept_until=notice.removal_on, reasons=(told,), **base)
        return Assessment(Outcome.APPLY, reasons=(told,), **base)

    def warn(self, obj, assessment, *, now) -> None:
        self.warn_many([(obj, assessment)], now=now)

    def warn_many(self, decided, *, now) -> None:
        """Tell each person their unused account goes in `warn_days` days: the notice (made, or
        moved to this moment of activity), the email and the audit event, for a batch at once."""
        from tenderbox.notifications.actions import send_emails
        from tenderbox.privacy.models import RetentionNotice

        sign_in_url = settings.SITE_URL + reverse("accounts:sign-in")
        soonest = timezone.localdate(now) + timedelta(days=self.rule.warn_days)
        told = [(user, max(assessment.due_on, soonest)) for user, assessment in decided]
        RetentionNotice.objects.bulk_create(
            [
                RetentionNotice(
                    user=user,
                    activity_at=user.last_login or user.date_joined,
                    warned_at=now,
                    removal_on=removal_on,
                )
                for user, removal_on in told
            ],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["activity_at", "warned_at", "removal_on"],
        )
        send_emails(
            [
                {
                    "to": user.email,
                    "user": user,
                    "subject": f"Your Tenderbox account will be removed on {removal_on:%-d %B %Y}",
                    "template": "privacy/email/account_removal_warning.txt",
                    "context": {"user": user, "removal_on": removal_on, "sign_in_url": sign_in_url},
                    "purpose": "portal_service",
                }
                for user, removal_on in told
            ]
        )
        for user, removal_on in told:
            record(
                "retention.warned",
                obj=user,
                subject=user,
                after={"rule": self.rule_key, "population": self.key, "removal_on": removal_on},
            )

    def act(self, decided, *, now) -> None:
        """Anonymise the accounts due and warn the ones to be told, a batch at a time; the accounts
        are locked (load) and the audit events appended together (the engine)."""
        from tenderbox.privacy import erasure

        due = [user for user, assessment in decided if assessment.outcome == Outcome.APPLY]
        if due:
            erasure.anonymise_users(due, reason=self.rule_key, verb="retention.anonymised", locked=True)
        warn = [(user, assessment) for user, assessment in decided if assessment.outcome == Outcome.WARN]
        if warn:
            self.warn_many(warn, now=now)

    def apply(self, obj, assessment, *, now) -> None:
        from tenderbox.privacy.erasure import anonymise_user

        anonymise_user(obj, reason=self.rule_key, verb="retention.anonymised")


def _has_membership() -> Exists:
    from tenderbox.organisations.models import Membership

    return Exists(Membership.objects.filter(user=OuterRef("pk")))


class AccountsNeverUsed(UnusedAccounts):
    """Registered, never signed in and never joined an organisation: nothing else points at them."""

    key = "accounts_never_used"

    def population(self):
        return Q(last_login__isnull=True) & ~_has_membership()


class AccountsLapsed(UnusedAccounts):
    """Used once (signed in, or joined an organisation), then not signed in for 12 months."""

    key = "accounts_lapsed"

    def population(self):
        return Q(last_login__isnull=False) | _has_membership()
