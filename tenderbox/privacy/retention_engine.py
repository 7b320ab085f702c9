"""The retention engine: applies the rules of privacy/retention.py to every population, daily.

`run()` walks each policy's candidates in primary-key order, in bounded batches found by a keyset
cursor (`pk > last`, `LIMIT batch`, primary keys only), so memory stays flat however many rows there
are. Each batch reads the legal holds in force, locks its rows, decides each one (apply, warn, or
keep: floor, hold, notice, other reason) and applies the actions with their audit events, then
advances the population's `RetentionCursor`, all in one transaction. A crash rolls back the batch in
progress and leaves the run unfinished; the next invocation resumes it from the cursors, so nothing
is done twice (docs/decisions/0005-retention-engine.md). A dry run takes the same decisions and
writes nothing at all.

`explain()` says, for any row, which rule keeps it, from which event, until when, and whether a
floor or a hold keeps it longer. `erasure_blockers()` is what an erasure request consults first.

Extension point: a new population gets a `Policy` subclass in retention_policies.py and a line in
POLICIES below; the engine, the command, the dry run and explain need nothing else.

Records kept for a person under another rule (the framework-supplier rule, the spend and fees
floors) are not a population of their own: they hold links, not personal fields. Their clock
(`RECORD_CLOCKS`) decides how long they keep the person's account: an appointed supplier's 12 months
of non-use start at the end of the framework's term as extended (policy 4.1.2, in the accounts'
policy), and a pending erasure goes ahead the day the last such record's rule runs out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, fields

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenderbox.audit.chain import appending_together, record
from tenderbox.privacy.holds import Holds
from tenderbox.privacy.map import privacy_map
from tenderbox.privacy.models import RetentionCursor, RetentionRun
from tenderbox.privacy.retention import RULES
from tenderbox.privacy.retention_policies import (
    FLOOR_NOT_STARTED,
    AccountsLapsed,
    AccountsNeverUsed,
    Assessment,
    AuditPersonalColumns,
    AxesAttempts,
    AxesFailures,
    AxesLogs,
    ClockPolicy,
    ExpiredSessions,
    LiftedHolds,
    OldInvitations,
    Outcome,
    PaymentBillingContacts,
    Policy,
    StaleNotices,
    TenderSubmissions,
    WithdrawnConsents,
    account_facts,
    procurement_floor_until,
)
from tenderbox.privacy.subject_erasure import _pending_policy

# Tenders come before accounts, so that a tender purged today frees the account linked to it today.
POLICIES: tuple[Policy, ...] = (
    TenderSubmissions(),
    _pending_policy(),  # erasure requests that a hold or a floor kept waiting
    AccountsNeverUsed(),
    AccountsLapsed(),
    OldInvitations(),
    WithdrawnConsents(),
    AuditPersonalColumns(),
    AxesAttempts(),
    AxesLogs(),
    AxesFailures(),
    ExpiredSessions(),
    StaleNotices(),
    LiftedHolds(),
    PaymentBillingContacts(),
)

DEFAULT_BATCH = 500


@dataclass
class Tally:
    """What a population's rows came to; the same names as RetentionCursor's counters."""

    applied: int = 0
    warned: int = 0
    notice_running: int = 0
    kept_by_floor: int = 0
    held: int = 0
    kept: int = 0
    not_due: int = 0

    COUNTER = {
        Outcome.APPLY: "applied",
        Outcome.WARN: "warned",
        Outcome.NOTICE_RUNNING: "notice_running",
        Outcome.FLOOR: "kept_by_floor",
        Outcome.HELD: "held",
        Outcome.KEPT: "kept",
        Outcome.NOT_DUE: "not_due",
        Outcome.DONE: "not_due",
    }

    def add(self, outcome: Outcome, n: int = 1) -> None:
        name = self.COUNTER[outcome]
        setattr(self, name, getattr(self, name) + n)

    def names(self) -> list[str]:
        return [f.name for f in fields(self)]

    def add_to(self, cursor: RetentionCursor) -> list[str]:
        for name in self.names():
            setattr(cursor, name, getattr(cursor, name) + getattr(self, name))
        return self.names()

    @classmethod
    def of(cls, cursor: RetentionCursor) -> "Tally":
        return cls(**{f.name: getattr(cursor, f.name) for f in fields(cls)})


@dataclass
class PopulationResult:
    policy: Policy
    tally: Tally


@dataclass
class RunResult:
    dry_run: bool
    run_id: int | None = None
    resumed: bool = False
    populations: list[PopulationResult] = field(default_factory=list)


def _next_batch(policy: Policy, *, after, size: int, today, now) -> list:
    qs = policy.candidates(today=today, now=now)
    if after is not None:
        qs = qs.filter(pk__gt=after)
    return list(qs.order_by("pk").values_list("pk", flat=True)[:size])


def _process(policy: Policy, pks: list, *, today, now, dry_run: bool) -> Tally:
    """Decide, and unless dry, act on, one batch. The caller holds the transaction."""
    tally = Tally()
    holds = Holds.in_force()
    if isinstance(policy, ClockPolicy):
        held = policy.held_pks(pks, holds)
        todo = [pk for pk in pks if pk not in held]
        tally.add(Outcome.HELD, len(held))
        tally.add(Outcome.APPLY, len(todo))
        if dry_run or not todo:
            return tally
        verb = f"retention.{policy.verb}"
        about = {"rule": policy.rule_key, "population": policy.key}
        if policy.per_row_events:
            with appending_together():
                for pk in todo:
                    record(verb, obj=policy.model(pk=pk), after=about)
        else:
            after = {**about, "model": policy.model._meta.label_lower, "count": len(todo)}
            if isinstance(todo[0], int):  # never a session key: that would be a credential in the trail
                after |= {"first_pk": todo[0], "last_pk": todo[-1]}
            record(verb, after=after)
        policy.apply_batch(todo)
        return tally
    objs = policy.load(pks, lock=not dry_run)
    decided = list(zip(objs, policy.assess_batch(objs, today=today, holds=holds), strict=True))
    for _, assessment in decided:
        tally.add(assessment.outcome)
    if not dry_run:
        # The batch's events (one per account warned or anonymised) go into the chain together; any
        # error rolls the whole batch back, events and all.
        with appending_together():
            policy.act(decided, now=now)
    return tally


def _claim_run(now) -> tuple[RetentionRun, bool]:
    """The run in progress (a crashed one is resumed), or a new one. At most one runs at a time (a
    unique constraint); two invocations that resume the same run share its cursors, each batch
    locking its cursor row first, so they take turns and never repeat a batch."""
    run = RetentionRun.objects.filter(running=True).first()
    if run is not None:
        return run, True
    try:
        with transaction.atomic():
            return RetentionRun.objects.create(started_at=now), False
    except IntegrityError:
        return RetentionRun.objects.get(running=True), True


def run(
    *,
    dry_run: bool = False,
    batch: int = DEFAULT_BATCH,
    now=None,
    policies=POLICIES,
    progress: Callable[[Policy, int], None] | None = None,
) -> RunResult:
    """Apply every policy (or, with `dry_run`, only count what would happen)."""
    if batch < 1:
        raise ValueError("A batch holds at least one row.")
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = RunResult(dry_run=dry_run)
    if dry_run:
        for policy in policies:
            tally, last = Tally(), None
            while pks := _next_batch(policy, after=last, size=batch, today=today, now=now):
                part = _process(policy, pks, today=today, now=now, dry_run=True)
                for name in tally.names():
                    setattr(tally, name, getattr(tally, name) + getattr(part, name))
                last = pks[-1]
                if progress:
                    progress(policy, len(pks))
            result.populations.append(PopulationResult(policy, tally))
        return result

    retention_run, result.resumed = _claim_run(now)
    result.run_id = retention_run.pk
    for policy in policies:
        cursor = RetentionCursor.objects.get_or_create(run=retention_run, population=policy.key)[0]
        while not cursor.done:
            with transaction.atomic():
                cursor = RetentionCursor.objects.select_for_update().get(pk=cursor.pk)
                if cursor.done:
                    break
                after = policy.model._meta.pk.to_python(cursor.last_pk) if cursor.last_pk else None
                pks = _next_batch(policy, after=after, size=batch, today=today, now=now)
                if not pks:
                    cursor.done = True
                    cursor.save(update_fields=["done"])
                    break
                tally = _process(policy, pks, today=today, now=now, dry_run=False)
                cursor.last_pk = str(pks[-1])
                cursor.save(update_fields=["last_pk", *tally.add_to(cursor)])
            if progress:
                progress(policy, len(pks))
        result.populations.append(PopulationResult(policy, Tally.of(cursor)))
    with transaction.atomic():
        RetentionRun.objects.filter(pk=retention_run.pk, running=True).update(
            running=False, finished_at=timezone.now()
        )
    return result


def candidate_count(policy: Policy, *, now=None) -> int:
    """Rows a run will look at (for a progress bar)."""
    now = now or timezone.now()
    return policy.candidates(today=timezone.localdate(now), now=now).count()


# Explaining ----------------------------------------------------------------------------------------
@dataclass
class Explanation:
    label: str
    pk: str
    lines: list[str]
    assessment: Assessment | None = None
    policy: Policy | None = None


def _day(value) -> str:
    return f"{value:%-d %B %Y}" if value else "not known yet"


def _assessment_lines(policy: Policy, a: Assessment) -> list[str]:
    rule = policy.rule
    lines = [
        f"Population: {policy.key}",
        f"Rule: {rule.key} ({rule.kind}): {rule.summary} [{rule.source}]",
        f"Clock starts: {a.clock_event}, on {_day(a.clock_start)}",
        f"Due: {_day(a.due_on)} ({policy.verb} then)" if a.due_on else "Due: not known yet",
    ]
    verdicts = {
        Outcome.APPLY: f"due: the next run will have it {policy.verb}",
        Outcome.WARN: "due for the notice: the next run tells the person",
        Outcome.NOTICE_RUNNING: f"kept while the notice runs, until {_day(a.kept_until)}",
        Outcome.FLOOR: (
            f"kept by a floor until {_day(a.kept_until)}"
            if a.kept_until
            else "kept by a floor not started yet"
        ),
        Outcome.HELD: "kept by a legal hold, until it is lifted",
        Outcome.KEPT: "kept" + (f" until {_day(a.kept_until)}" if a.kept_until else ""),
        Outcome.NOT_DUE: f"kept under its rule until {_day(a.kept_until)}",
        Outcome.DONE: "already done",
    }
    lines.append(f"Decision: {verdicts[a.outcome]}")
    lines += [f"Because: {reason}" for reason in a.reasons]
    return lines


def explain(label: str, pk, *, now=None) -> Explanation:
    """Why this row is still kept, under which rule, and until when. `label` is app_label.Model."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    model = apps.get_model(label)
    obj = model._default_manager.get(pk=model._meta.pk.to_python(pk))
    holds = Holds.in_force()
    label = model._meta.label
    for policy in POLICIES:
        if policy.model is model and policy.covers(obj):
            assessment = policy.assess(obj, today=today, holds=holds)
            lines = [f"{label} #{obj.pk}", *_assessment_lines(policy, assessment)]
            return Explanation(label, str(obj.pk), lines, assessment, policy)
    lines = [f"{label} #{obj.pk}", "No retention job acts on this record yet."]
    if label == "tenders.Procurement":
        floor = procurement_floor_until(obj)
        rule = RULES["procurement_records"]
        lines.append(f"Rule: {rule.key} ({rule.kind}): {rule.summary} [{rule.source}]")
        lines.append(f"Floor: until {_day(floor)}" if floor else f"Floor: {FLOOR_NOT_STARTED}")
        held = holds.describe(procurements={obj.pk}, organisations={obj.buyer_id})
        lines += [f"Held: a legal hold on {h}" for h in held]
    keys = sorted({entry.retention for entry in privacy_map().for_model(label)})
    for key in keys:
        rule = RULES[key]
        lines.append(f"Its personal fields follow {rule.key} ({rule.kind}): {rule.summary}")
    return Explanation(label, str(obj.pk), lines)


def erasure_blockers(user, *, now=None) -> list[str]:
    """Why a person's account may not be anonymised now, if anything: a legal hold, or a floor over the
    records that name them. Their written request still shortens a tender's ceiling (never a floor)."""
    today = timezone.localdate(now or timezone.now())
    facts = account_facts(user, today=today, holds=Holds.in_force())
    return [k.reason for k in facts.keepers if k.outcome in (Outcome.HELD, Outcome.FLOOR)]


def policy(key: str) -> Policy:
    return next(p for p in POLICIES if p.key == key)
