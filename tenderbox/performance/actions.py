"""Contract performance workflows: setting KPIs, reporting and correcting a period's value, rating a
period, and chasing late reports. Each write runs in one transaction with its audit event; emails
are archived in it and delivered after commit."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.contracts.models import Contract
from tenderbox.frameworks.models import Framework
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.notifications.actions import send_email
from tenderbox.organisations.models import Membership
from tenderbox.performance import rules
from tenderbox.performance.access import SUPPLIER_ROLES
from tenderbox.performance.models import Kpi, KpiReport, PerformanceRating, Rating, ReportChase


def last_day(contract: Contract) -> date:
    """The contract's last day of performance: its end, or the day it was terminated."""
    if contract.terminated_at is not None:
        return min(contract.ends_on, timezone.localtime(contract.terminated_at).date())
    return contract.ends_on


def periods(kind: str, contract: Contract) -> list[rules.Period]:
    return rules.contract_periods(kind, contract.starts_on, last_day(contract))


def define_kpi(
    *,
    by,
    name: str,
    unit: str,
    target,
    period: str,
    direction: str,
    description: str = "",
    contract: Contract | None = None,
    framework: Framework | None = None,
    request=None,
) -> Kpi:
    """Set a KPI on one contract (by its buyer's staff) or on a framework for all its call-offs (by
    the owner's staff; the caller checks who). PA23 s.52: set before or during the contract."""
    if (contract is None) == (framework is None):
        raise DomainError("A KPI belongs to one contract or one framework.")
    if contract is not None and contract.status != Contract.Status.ACTIVE:
        raise Conflict(
            f"This contract has {contract.get_status_display().lower()}: KPIs can no longer be set."
        )
    if framework is not None and framework.status == Framework.Status.EXPIRED:
        raise Conflict("This framework has expired: KPIs can no longer be set on it.")
    if period not in rules.PERIOD_KINDS:
        raise DomainError("Choose how often the KPI is reported.")
    if direction not in (rules.HIGHER, rules.LOWER):
        raise DomainError("Choose whether a higher or a lower value is better.")
    target = Decimal(target).quantize(Decimal("0.01"))  # as stored
    with transaction.atomic():
        kpi = Kpi.objects.create(
            contract=contract,
            framework=framework,
            name=name.strip(),
            description=description.strip(),
            unit=unit.strip(),
            target=target,
            period=period,
            direction=direction,
            created_by=by,
        )
        record(
            "kpi.defined",
            actor=by,
            organisation=contract.buyer if contract else framework.owner,
            obj=kpi,
            after={
                "contract": getattr(contract, "pk", None),
                "framework": getattr(framework, "pk", None),
                "target": str(kpi.target),
                "period": period,
                "direction": direction,
            },
            request=request,
        )
    return kpi


def reportable_periods(kpi: Kpi, contract: Contract, today: date | None = None) -> list[rules.Period]:
    today = today or timezone.localdate()
    return [p for p in periods(kpi.period, contract) if rules.is_reportable(p, today)]


def report_kpi(
    contract: Contract, kpi: Kpi, *, period_start: date, value, comment: str = "", by, request=None
) -> tuple[KpiReport, bool]:
    """Record the supplier's value for one period; a second report for the same period is a
    correction that replaces the first (audited with the old value). Returns (report, created)."""
    if not Kpi.objects.for_contract(contract).filter(pk=kpi.pk).exists():
        raise DomainError("That KPI does not apply to this contract.")
    period = rules.find_period(kpi.period, contract.starts_on, last_day(contract), period_start)
    if period is None:
        raise DomainError("Choose one of the contract's reporting periods for this KPI.")
    if not rules.is_reportable(period, timezone.localdate()):
        raise DomainError(f"{period.label} can be reported from {period.ends_on:%-d %B %Y}, its last day.")
    value = Decimal(value).quantize(Decimal("0.01"))  # as stored, so the caller sees what was saved
    fields = {"value": value, "comment": comment.strip(), "reported_by": by, "reported_at": timezone.now()}
    with transaction.atomic():
        existing = KpiReport.objects.select_for_update().filter(
            kpi=kpi, contract=contract, period_start=period_start
        )
        report = existing.first()
        created = report is None
        if created:
            try:
                with transaction.atomic():
                    report = KpiReport.objects.create(
                        kpi=kpi,
                        contract=contract,
                        period_start=period.starts_on,
                        period_end=period.ends_on,
                        **fields,
                    )
            except IntegrityError:
                # Another report of the same period won the race: this one corrects it.
                report = existing.get()
                created = False
        before = None
        if not created:
            before = {"value": str(report.value)}
            for name, v in fields.items():
                setattr(report, name, v)
            report.corrections += 1
            report.save(update_fields=[*fields, "corrections"])
        record(
            "kpi_report.submitted" if created else "kpi_report.corrected",
            actor=by,
            organisation=contract.supplier,
            obj=report,
            before=before,
            after={"kpi": kpi.pk, "contract": contract.pk, "period": period.key, "value": str(value)},
            request=request,
        )
    return report, created


def rating_periods(contract: Contract, today: date | None = None) -> list[rules.Period]:
    """The periods a buyer may rate: the contract's quarters and financial years, from each one's last day."""
    today = today or timezone.localdate()
    return [
        p
        for kind in (rules.QUARTERLY, rules.ANNUAL)
        for p in periods(kind, contract)
        if rules.is_reportable(p, today)
    ]


def rate_performance(
    contract: Contract, *, period_kind: str, period_start: date, rating: str, feedback: str, by, request=None
) -> tuple[PerformanceRating, bool]:
    """The buyer's rating and written feedback for one period (PA23 s.71); rating it again corrects it."""
    if rating not in Rating.values:
        raise DomainError("Choose a rating.")
    if not feedback.strip():
        raise DomainError("Enter your feedback to the supplier: it explains the rating.")
    period = None
    if period_kind in (rules.QUARTERLY, rules.ANNUAL):
        period = rules.find_period(period_kind, contract.starts_on, last_day(contract), period_start)
    if period is None:
        raise DomainError("Choose one of the contract's quarters or financial years to rate.")
    if not rules.is_reportable(period, timezone.localdate()):
        raise DomainError(f"{period.label} can be rated from {period.ends_on:%-d %B %Y}, its last day.")
    fields = {"rating": rating, "feedback": feedback.strip(), "rated_by": by, "rated_at": timezone.now()}
    with transaction.atomic():
        existing = PerformanceRating.objects.select_for_update().filter(
            contract=contract, period_kind=period_kind, period_start=period.starts_on
        )
        row = existing.first()
        created = row is None
        if created:
            try:
                with transaction.atomic():
                    row = PerformanceRating.objects.create(
                        contract=contract,
                        period_kind=period_kind,
                        period_start=period.starts_on,
                        period_end=period.ends_on,
                        **fields,
                    )
            except IntegrityError:
                row = existing.get()
                created = False
        before = None
        if not created:
            before = {"rating": row.rating}
            for name, v in fields.items():
                setattr(row, name, v)
            row.corrections += 1
            row.save(update_fields=[*fields, "corrections"])
        record(
            "performance.rated" if created else "performance.rating_corrected",
            actor=by,
            organisation=contract.buyer,
            obj=row,
            before=before,
            after={"contract": contract.pk, "period": f"{period_kind}:{period.key}", "rating": rating},
            request=request,
        )
    return row, created


def supplier_recipients(supplier) -> list:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=supplier, role__in=SUPPLIER_ROLES, user__is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    ]


def chase_late_reports(today: date | None = None) -> int:
    """Email the supplier's admins and bidders once for each (KPI, contract, period) whose report is
    CHASE_AFTER_DAYS_LATE days late. The ReportChase row is the once: made in the same transaction as
    the emails, under a unique constraint, so a second run (or a parallel one) sends nothing."""
    today = today or timezone.localdate()
    sent = 0
    with_kpis = Q(kpis__isnull=False) | Q(framework__kpis__isnull=False)
    contracts = (
        Contract.objects.filter(with_kpis, starts_on__lte=today, ends_on__gte=rules.chase_horizon(today))
        .distinct()
        .select_related("buyer", "supplier")
        .order_by("pk")
    )
    for contract in contracts.iterator(chunk_size=200):
        kpis = list(Kpi.objects.for_contract(contract))
        if not kpis:
            continue
        reported = set(KpiReport.objects.filter(contract=contract).values_list("kpi_id", "period_start"))
        chased = set(ReportChase.objects.filter(contract=contract).values_list("kpi_id", "period_start"))
        done = reported | chased
        owed = [
            (kpi, period)
            for kpi in kpis
            for period in rules.periods_to_chase(
                kpi.period,
                contract.starts_on,
                last_day(contract),
                kpi_set_on=timezone.localtime(kpi.created_at).date(),
                today=today,
            )
            if (kpi.pk, period.starts_on) not in done
        ]
        if owed:
            # One transaction per contract, a savepoint per reminder: a clash on one (another run
            # sent it) leaves the others.
            with transaction.atomic():
                sent += sum(_chase(contract, kpi, period, today) for kpi, period in owed)
    return sent


def _chase(contract: Contract, kpi: Kpi, period: rules.Period, today: date) -> int:
    try:
        with transaction.atomic():
            ReportChase.objects.create(kpi=kpi, contract=contract, period_start=period.starts_on)
            # Reported between the job's read and now: nothing to chase (the row still marks it done).
            if KpiReport.objects.filter(kpi=kpi, contract=contract, period_start=period.starts_on).exists():
                return 0
            link = settings.SITE_URL + reverse("performance:report", args=[contract.pk, kpi.pk])
            for user in supplier_recipients(contract.supplier):
                send_email(
                    to=user.email,
                    user=user,
                    subject=f"KPI report overdue: {kpi.name}, {period.label} ({contract.reference})",
                    template="performance/email/chase.txt",
                    context={
                        "user": user,
                        "contract": contract,
                        "kpi": kpi,
                        "period": period,
                        "days_late": rules.days_late(period, today),
                        "link": f"{link}?period={period.key}",
                    },
                    purpose="kpi_reporting",
                )
            record(
                "kpi_report.chased",
                organisation=contract.supplier,
                obj=kpi,
                after={"contract": contract.pk, "period": period.key},
            )
    except IntegrityError:
        return 0  # another run chased it first
    return 1
