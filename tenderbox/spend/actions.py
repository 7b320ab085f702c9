"""Spend workflows: the buyer recording spend, the supplier's MI return (accepted, replaced by a
correction, or unchanged), the contract's spend to date with its warnings, the chaser for missing
returns, and fee (levy) invoices. Each write runs in one transaction with its audit event; emails are
delivered once the transaction commits (the task backend enqueues on commit)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.contracts.models import Contract
from tenderbox.frameworks import rules as framework_rules
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.notifications.actions import send_email
from tenderbox.organisations.models import Membership, Role
from tenderbox.spend import mi, rules
from tenderbox.spend.models import FeeInvoice, MIReturn, Payment, ReturnChase, SpendRecord, SpendWarning

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
BUYER_ROLES = (Role.ADMIN, Role.BUYER)
SUPPLIER_ROLES = (Role.ADMIN, Role.BIDDER)


def _staff(organisation, roles):
    return [
        m.user
        for m in Membership.objects.filter(organisation=organisation, role__in=roles)
        .select_related("user")
        .order_by("user__email")
        if m.user.is_active
    ]


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _money(value: Decimal) -> str:
    return f"£{value:,.2f}"


# Spend to date --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpendSummary:
    """A contract's spend to date against its value, as the contract page shows it."""

    contract_value: Decimal
    buyer_recorded: Decimal  # net, from the buyer's own records
    supplier_declared: Decimal  # net, from the current MI returns
    spent: Decimal  # net: each invoice once (the buyer's figure where both recorded it)
    vat: Decimal
    records: int
    percent: Decimal
    remaining: Decimal
    thresholds_reached: list[int]
    overdue_periods: list[date] = field(default_factory=list)

    @property
    def over_value(self) -> bool:
        return self.spent > self.contract_value

    @property
    def warning(self) -> int | None:
        """The highest threshold reached: the banner the buyer sees."""
        return self.thresholds_reached[-1] if self.thresholds_reached else None


def _totals(qs) -> tuple[Decimal, Decimal, int]:
    from django.db.models import Count

    row = qs.aggregate(net=Sum("amount_excl_vat"), vat=Sum("vat"), n=Count("pk"))
    # SQLite sums decimals without their scale (8000, not 8000.00): money always has two places.
    return (row["net"] or ZERO).quantize(CENT), (row["vat"] or ZERO).quantize(CENT), row["n"]


def counted_records(contract):
    """The records that make up the spend to date: the buyer's, and the current MI lines whose
    invoice the buyer has not recorded (so an invoice in both counts once)."""
    return SpendRecord.objects.filter(contract=contract).public()


def summary(contract: Contract, *, today: date | None = None) -> SpendSummary:
    """Totals for a contract page (the lead's contract page includes spend/_summary.html with it)."""
    return summaries([contract], today=today)[contract.pk]


def summaries(contracts, *, today: date | None = None) -> dict[int, SpendSummary]:
    """`summary` for each of many contracts, in three queries whatever their number."""
    today = today or timezone.localdate()
    contracts = list(contracts)
    ids = [c.pk for c in contracts]
    by_source = {
        row["contract_id"]: row
        for row in SpendRecord.objects.counted()
        .filter(contract_id__in=ids)
        .values("contract_id")
        .annotate(
            buyer=Sum("amount_excl_vat", filter=Q(source=SpendRecord.Source.BUYER)),
            declared=Sum("amount_excl_vat", filter=Q(source=SpendRecord.Source.MI_RETURN)),
        )
        .order_by()
    }
    counted = {
        row["contract_id"]: row
        for row in SpendRecord.objects.filter(contract_id__in=ids)
        .public()
        .values("contract_id")
        .annotate(net=Sum("amount_excl_vat"), vat=Sum("vat"), n=Count("pk"))
        .order_by()
    }
    covered = _covered_periods(contracts)
    result = {}
    for contract in contracts:
        sources, totals = by_source.get(contract.pk, {}), counted.get(contract.pk, {})
        # SQLite sums decimals without their scale (8000, not 8000.00): money always has two places.
        spent = _cents(totals.get("net"))
        value = contract.value_excl_vat
        result[contract.pk] = SpendSummary(
            contract_value=value,
            buyer_recorded=_cents(sources.get("buyer")),
            supplier_declared=_cents(sources.get("declared")),
            spent=spent,
            vat=_cents(totals.get("vat")),
            records=totals.get("n", 0),
            percent=rules.percent_of(spent, value),
            remaining=value - spent,
            thresholds_reached=rules.thresholds_reached(spent, value),
            overdue_periods=_overdue(contract, covered[contract.pk], today=today),
        )
    return result


def _cents(value) -> Decimal:
    return (value or ZERO).quantize(CENT)


def covered_periods(contract: Contract) -> set[date]:
    """Months for which a current return covers the contract: its own, or its supplier's
    framework-wide return."""
    return _covered_periods([contract])[contract.pk]


def _covered_periods(contracts) -> dict[int, set[date]]:
    covered = {c.pk: set() for c in contracts}
    mine = Q(contract_id__in=list(covered))
    wide = {(c.framework_id, c.supplier_id) for c in contracts if c.framework_id}
    for framework_id, supplier_id in wide:
        mine |= Q(framework_id=framework_id, supplier_id=supplier_id)
    returns = MIReturn.objects.filter(mine, status=MIReturn.Status.ACCEPTED)
    rows = list(returns.values_list("contract_id", "framework_id", "supplier_id", "period"))
    for contract in contracts:
        for contract_id, framework_id, supplier_id, period in rows:
            if contract_id == contract.pk or (
                contract.framework_id
                and (framework_id, supplier_id) == (contract.framework_id, contract.supplier_id)
            ):
                covered[contract.pk].add(period)
    return covered


def overdue_returns(contract: Contract, *, today: date) -> list[date]:
    """Months of a call-off's term whose return is past its due day and has not arrived."""
    return _overdue(contract, covered_periods(contract) if contract.is_call_off else set(), today=today)


def _overdue(contract: Contract, covered: set[date], *, today: date) -> list[date]:
    if not contract.is_call_off:
        return []
    ends_on = contract.ends_on
    if contract.terminated_at:
        ends_on = min(ends_on, timezone.localdate(contract.terminated_at))
    due = rules.periods_due(starts_on=contract.starts_on, ends_on=ends_on, today=today)
    return [p for p in due if p not in covered]


def _check_thresholds(contract: Contract, *, request=None) -> list[SpendWarning]:
    """Warn the buyer once per threshold (80%, 100%) and contract value. Called with the contract's row
    locked, inside the transaction that added the spend."""
    result = summary(contract)
    sent = []
    for threshold in result.thresholds_reached:
        try:
            with transaction.atomic():
                warning = SpendWarning.objects.create(
                    contract=contract,
                    threshold=threshold,
                    contract_value=contract.value_excl_vat,
                    spent=result.spent,
                )
        except IntegrityError:
            continue  # already warned for this threshold and value
        sent.append(warning)
        record(
            "spend.threshold_reached",
            organisation=contract.buyer,
            obj=contract,
            after={"threshold": threshold, "spent": str(result.spent), "value": str(contract.value_excl_vat)},
            request=request,
        )
        subject = (
            f"{contract.reference}: spend has reached the contract value"
            if threshold >= 100
            else f"{contract.reference}: spend has reached {threshold}% of the contract value"
        )
        for user in _staff(contract.buyer, BUYER_ROLES):
            send_email(
                to=user.email,
                user=user,
                subject=subject,
                template="spend/email/spend_warning.txt",
                context={
                    "contract": contract,
                    "threshold": threshold,
                    "spent": _money(result.spent),
                    "value": _money(contract.value_excl_vat),
                    "percent": result.percent,
                    "url": _link("spend:contract", contract.pk),
                },
                purpose="portal_service",
            )
    return sent


# The buyer's records -------------------------------------------------------------------------------
def record_spend(
    contract: Contract,
    *,
    by,
    amount_excl_vat: Decimal,
    vat: Decimal,
    invoice_date: date,
    description: str,
    transaction_number: str,
    paid_on: date | None = None,
    category: str = "",
    request=None,
) -> SpendRecord:
    """The buyer records one payment (or credit) against its contract."""
    today = timezone.localdate()
    number = transaction_number.strip().upper()
    if not number:
        raise DomainError("Enter the invoice or transaction number.")
    if amount_excl_vat == 0:
        raise DomainError("Enter the amount: a record of £0 records nothing.")
    if abs(amount_excl_vat) > rules.MAX_AMOUNT or abs(vat) > rules.MAX_AMOUNT:
        raise DomainError("The amount is too large to be right.")
    why = rules.check_vat(amount_excl_vat, vat)
    if why:
        raise DomainError(why + ".")
    if invoice_date > today:
        raise DomainError("The invoice date cannot be in the future.")
    if paid_on is not None and paid_on > today:
        raise DomainError("The payment date cannot be in the future.")
    if invoice_date < contract.starts_on:
        raise DomainError(
            f"The invoice is dated before the contract started on {contract.starts_on:%-d %B %Y}."
        )
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        try:
            with transaction.atomic():
                spend = SpendRecord.objects.create(
                    contract=contract,
                    source=SpendRecord.Source.BUYER,
                    period=rules.month_start(invoice_date),
                    invoice_date=invoice_date,
                    paid_on=paid_on,
                    transaction_number=number,
                    description=description.strip(),
                    category=category.strip(),
                    amount_excl_vat=amount_excl_vat,
                    vat=vat,
                    recorded_by=by,
                )
        except IntegrityError:
            raise Conflict(f"Invoice {number} is already recorded against {contract.reference}.") from None
        record(
            "spend.recorded",
            actor=by,
            organisation=contract.buyer,
            obj=spend,
            after={
                "contract": contract.reference,
                "transaction_number": number,
                "amount": str(amount_excl_vat),
                "vat": str(vat),
            },
            request=request,
        )
        _check_thresholds(contract, request=request)
    return spend


# MI returns -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReturnOutcome:
    mi_return: MIReturn
    outcome: str  # "accepted", "replaced" or "unchanged"
    replaced: MIReturn | None = None


def _in_term(contract: Contract, period: date) -> bool:
    return contract.starts_on <= rules.month_end(period) and contract.ends_on >= period


def _scope_contracts(*, supplier, period, contract=None, framework=None) -> list[Contract]:
    if contract is not None:
        if contract.supplier_id != supplier.pk:
            raise DomainError("Only the contract's supplier sends its returns.")
        if not _in_term(contract, period):
            raise mi.refuse(
                f"{contract.reference} does not run in {period:%B %Y}: it runs from "
                f"{contract.starts_on:%-d %B %Y} to {contract.ends_on:%-d %B %Y}",
                column="period",
            )
        return [contract]
    contracts = [
        c
        for c in Contract.objects.filter(framework=framework, supplier=supplier).order_by("pk")
        if _in_term(c, period)
    ]
    if not contracts:
        raise mi.refuse(
            f"You have no call-off contracts under {framework.reference} running in {period:%B %Y}",
            column="period",
        )
    return contracts


def submit_return(
    *,
    supplier,
    by,
    period: date,
    contract: Contract | None = None,
    framework=None,
    uploaded=None,
    nil: bool = False,
    today: date | None = None,
    request=None,
) -> ReturnOutcome:
    """Accept a supplier's MI return for a month, for one contract or for its call-offs under one
    framework. The file is checked whole first (mi.parse): a bad file is refused with every problem
    and nothing is saved. A return for a month that already has one replaces it (a correction: the
    old return is kept as superseded, its lines no longer count); the same file again is a no-op.
    Both are audited."""
    if (contract is None) == (framework is None):
        raise DomainError("A return is for one contract or for one framework.")
    today = today or timezone.localdate()
    period = rules.month_start(period)
    if not rules.can_return_for(period, today):
        raise mi.refuse(
            f"The return for {period:%B %Y} can be sent once the month has ended", column="period"
        )
    if nil and uploaded is not None:
        raise mi.refuse("Either upload your return or declare a nil return, not both")
    if not nil and uploaded is None:
        raise mi.refuse("Select the CSV or XLSX file of your return")
    contracts = _scope_contracts(supplier=supplier, period=period, contract=contract, framework=framework)
    by_reference = {c.reference: c for c in contracts}
    checked, lines = None, []
    if not nil:
        checked = mi.check_file(uploaded)
        lines = mi.parse(
            checked.content,
            checked.filename,
            period=period,
            today=today,
            references=set(by_reference),
            default_reference=contract.reference if contract else None,
        )
    now = timezone.now()
    with transaction.atomic():
        # Lock every contract the return covers: a concurrent upload for the same month waits here.
        locked = list(
            Contract.objects.select_for_update().filter(pk__in=[c.pk for c in contracts]).order_by("pk")
        )
        scope = {"contract": contract} if contract else {"framework": framework, "supplier": supplier}
        current = (
            MIReturn.objects.select_for_update()
            .filter(status=MIReturn.Status.ACCEPTED, period=period, **scope)
            .first()
        )
        _refuse_overlap(
            supplier=supplier, period=period, contract=contract, framework=framework, contracts=locked
        )
        if current is not None and (
            (nil and current.is_nil) or (checked is not None and current.sha256 == checked.sha256)
        ):
            record(
                "mi_return.unchanged",
                actor=by,
                organisation=supplier,
                obj=current,
                after={"period": period, "sha256": current.sha256, "nil": current.is_nil},
                request=request,
            )
            return ReturnOutcome(current, "unchanged")
        if current is not None:
            current.supersede(at=now)
        new = MIReturn(
            supplier=supplier,
            contract=contract,
            framework=framework,
            period=period,
            is_nil=nil,
            uploaded_by=by,
            uploaded_at=now,
            line_count=len(lines),
            total_excl_vat=sum((line.amount_excl_vat for line in lines), ZERO),
            total_vat=sum((line.vat for line in lines), ZERO),
        )
        if checked is not None:
            new.filename = checked.filename
            new.content_type = checked.content_type
            new.size = checked.size
            new.sha256 = checked.sha256
            new.file.save(checked.filename, ContentFile(checked.content), save=False)
        new.save()
        SpendRecord.objects.bulk_create(
            SpendRecord(
                contract=by_reference[line.contract_reference],
                source=SpendRecord.Source.MI_RETURN,
                mi_return=new,
                line_number=line.line,
                period=period,
                invoice_date=line.invoice_date,
                paid_on=line.payment_date,
                transaction_number=line.invoice_number,
                description=line.description,
                category=line.category,
                amount_excl_vat=line.amount_excl_vat,
                vat=line.vat,
                recorded_by=by,
                recorded_at=now,
            )
            for line in lines
        )
        state = {
            "period": period,
            "scope": new.scope_label,
            "lines": new.line_count,
            "total": str(new.total_excl_vat),
            "nil": nil,
            "sha256": new.sha256,
        }
        if current is not None:
            current.superseded_by = new
            current.save(update_fields=["superseded_by"])
            before = {
                "lines": current.line_count,
                "total": str(current.total_excl_vat),
                "sha256": current.sha256,
            }
            record(
                "mi_return.replaced",
                actor=by,
                organisation=supplier,
                obj=new,
                before=before,
                after=state,
                request=request,
            )
        else:
            record(
                "mi_return.accepted", actor=by, organisation=supplier, obj=new, after=state, request=request
            )
        for locked_contract in locked:
            _check_thresholds(locked_contract, request=request)
    return ReturnOutcome(new, "replaced" if current else "accepted", current)


def _refuse_overlap(*, supplier, period, contract, framework, contracts) -> None:
    """A contract's month is declared by its own return or by a framework-wide one, never both (that
    would count its spend twice)."""
    if contract is not None and contract.framework_id:
        wide = MIReturn.objects.filter(
            framework_id=contract.framework_id,
            supplier=supplier,
            period=period,
            status=MIReturn.Status.ACCEPTED,
        ).first()
        if wide is not None:
            raise Conflict(
                f"{period:%B %Y} for {contract.reference} is already declared in your framework-wide return "
                f"for {contract.framework.reference}: correct that return instead."
            )
    if framework is not None:
        own = MIReturn.objects.filter(
            contract__in=contracts, period=period, status=MIReturn.Status.ACCEPTED
        ).select_related("contract")
        references = sorted(r.contract.reference for r in own)
        if references:
            raise Conflict(
                f"{period:%B %Y} is already declared in a return for {', '.join(references)} on its own: "
                "correct that return instead."
            )


# Chasing missing returns ------------------------------------------------------------------------------
def _missing_return_contracts(period: date):
    covered_own = MIReturn.objects.filter(
        contract=OuterRef("pk"), period=period, status=MIReturn.Status.ACCEPTED
    )
    covered_wide = MIReturn.objects.filter(
        framework=OuterRef("framework"),
        supplier=OuterRef("supplier"),
        period=period,
        status=MIReturn.Status.ACCEPTED,
    )
    chased = ReturnChase.objects.filter(contract=OuterRef("pk"), period=period)
    return (
        Contract.objects.filter(
            framework_lot__isnull=False, starts_on__lte=rules.month_end(period), ends_on__gte=period
        )
        .exclude(status=Contract.Status.TERMINATED, terminated_at__lt=_start(period))
        .exclude(Exists(covered_own) | Exists(covered_wide) | Exists(chased))
        .select_related("supplier", "buyer", "framework")
        .order_by("pk")
    )


def _start(day: date):
    from tenderbox.lib.dates import start_of_day

    return start_of_day(day)


def chase_missing_returns(*, today: date | None = None) -> int:
    """Email the supplier's admins and bidders once for each call-off whose return for last month has
    not arrived by its due day (rules.return_due_on). Safe to run twice: a ReturnChase row per
    contract and month, made before the email in the same transaction."""
    today = today or timezone.localdate()
    period = rules.previous_period(today)
    if not rules.is_overdue(period, today):
        return 0
    chased = 0
    for contract in _missing_return_contracts(period):
        recipients = _staff(contract.supplier, SUPPLIER_ROLES)
        try:
            with transaction.atomic():
                ReturnChase.objects.create(contract=contract, period=period, recipients=len(recipients))
                for user in recipients:
                    send_email(
                        to=user.email,
                        user=user,
                        subject=f"{contract.reference}: your MI return for {period:%B %Y} is overdue",
                        template="spend/email/return_chase.txt",
                        context={
                            "contract": contract,
                            "period": period,
                            "due_on": rules.return_due_on(period),
                            "url": _link("spend:upload", contract.pk),
                        },
                        purpose="portal_service",
                    )
                record(
                    "mi_return.chased",
                    organisation=contract.supplier,
                    obj=contract,
                    after={"period": period, "recipients": len(recipients)},
                )
        except IntegrityError:
            continue  # another run chased it first
        chased += 1
    return chased


# Fee (levy) invoices ------------------------------------------------------------------------------------
def declared_spend(framework, supplier, period: date) -> Decimal:
    """Net spend the supplier declared in its current MI returns for the framework's call-offs."""
    net, _, _ = _totals(
        SpendRecord.objects.counted().filter(
            source=SpendRecord.Source.MI_RETURN,
            contract__framework=framework,
            contract__supplier=supplier,
            period=rules.month_start(period),
        )
    )
    return net


def _next_fee_number() -> str:
    prefix = f"FEE-{timezone.localdate().year}-"
    last = FeeInvoice.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def issue_fee_invoice(framework, supplier, period: date, *, by=None, request=None) -> tuple[FeeInvoice, bool]:
    """The fee invoice for a supplier's declared spend in a month: made once; asked again, the one
    already issued is returned (created False)."""
    period = rules.month_start(period)
    if not framework.fee_rate:
        raise DomainError(f"{framework.reference} charges no fee.")
    if not rules.can_return_for(period, timezone.localdate()):
        raise DomainError(f"Fees for {period:%B %Y} can be invoiced once the month has ended.")
    existing = FeeInvoice.objects.filter(framework=framework, supplier=supplier, period=period).first()
    if existing is not None:
        return existing, False
    spend = declared_spend(framework, supplier, period)
    amount = framework_rules.fee(spend, framework.fee_rate)
    if amount <= 0:
        raise DomainError(f"{supplier.name} declared no spend under {framework.reference} in {period:%B %Y}.")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                invoice = FeeInvoice.objects.create(
                    number=_next_fee_number(),
                    framework=framework,
                    supplier=supplier,
                    period=period,
                    declared_spend=spend,
                    fee_rate=framework.fee_rate,
                    amount=amount,
                    issued_by=by,
                )
                record(
                    "fee_invoice.issued",
                    actor=by,
                    organisation=framework.owner,
                    obj=invoice,
                    after={
                        "period": period,
                        "supplier": supplier.pk,
                        "declared": str(spend),
                        "rate": str(framework.fee_rate),
                        "amount": str(amount),
                    },
                    request=request,
                )
                for user in _staff(supplier, SUPPLIER_ROLES):
                    send_email(
                        to=user.email,
                        user=user,
                        subject=f"Fee invoice {invoice.number} for {framework.reference}, {period:%B %Y}",
                        template="spend/email/fee_invoice.txt",
                        context={
                            "invoice": invoice,
                            "framework": framework,
                            "declared": _money(spend),
                            "amount": _money(amount),
                            "url": _link("spend:fee-invoice", invoice.pk),
                        },
                        purpose="portal_service",
                    )
            return invoice, True
        except IntegrityError:
            existing = FeeInvoice.objects.filter(
                framework=framework, supplier=supplier, period=period
            ).first()
            if existing is not None:
                return existing, False  # issued by someone else meanwhile
            # otherwise the number was taken by a concurrent invoice: take the next one
    raise Conflict("The fee invoice could not be numbered: try again.")


# How far back the daily job looks for declared spend without an invoice (late returns included).
FEE_LOOKBACK_MONTHS = 12


def issue_due_fee_invoices(*, today: date | None = None) -> int:
    """Issue every fee invoice that is due: for each framework with a fee, each supplier and each month
    whose returns were due (the due day passed), with declared spend and no invoice yet. Run daily,
    so a late return is invoiced the day after it arrives. Never issues one twice."""
    from tenderbox.lib.dates import add_months

    today = today or timezone.localdate()
    latest = rules.previous_period(today)
    if not rules.is_overdue(latest, today):
        latest = add_months(latest, -1)
    earliest = add_months(latest, -(FEE_LOOKBACK_MONTHS - 1))
    invoiced = FeeInvoice.objects.filter(
        framework=OuterRef("contract__framework"),
        supplier=OuterRef("contract__supplier"),
        period=OuterRef("period"),
    )
    due = (
        SpendRecord.objects.counted()
        .filter(
            source=SpendRecord.Source.MI_RETURN,
            contract__framework__fee_rate__gt=0,
            period__gte=earliest,
            period__lte=latest,
        )
        .exclude(Exists(invoiced))
        .values("contract__framework", "contract__supplier", "period")
        .annotate(net=Sum("amount_excl_vat"))
        .filter(net__gt=0)
        .order_by("period", "contract__framework", "contract__supplier")
    )
    from tenderbox.frameworks.models import Framework
    from tenderbox.organisations.models import Organisation

    issued = 0
    for row in due:
        framework = Framework.objects.get(pk=row["contract__framework"])
        supplier = Organisation.objects.get(pk=row["contract__supplier"])
        try:
            _, created = issue_fee_invoice(framework, supplier, row["period"])
        except DomainError:
            continue  # the fee rounds to nothing
        issued += created
    return issued


def record_payment(
    *,
    by,
    amount: Decimal,
    paid_at,
    reference: str,
    method: str,
    subscription=None,
    fee_invoice=None,
    payer_name: str = "",
    payer_email: str = "",
) -> Payment:
    """Record money received for a subscription or a fee invoice; a fee invoice paid in full is paid."""
    if (subscription is None) == (fee_invoice is None):
        raise DomainError("A payment is for one subscription or one fee invoice.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    subscription=subscription,
                    fee_invoice=fee_invoice,
                    amount=amount,
                    paid_at=paid_at,
                    reference=reference.strip(),
                    method=method,
                    payer_name=payer_name.strip(),
                    payer_email=payer_email.strip(),
                    recorded_by=by,
                )
        except IntegrityError:
            raise Conflict(f"A {method} payment with reference {reference} is already recorded.") from None
        organisation = fee_invoice.supplier if fee_invoice else subscription.organisation
        record(
            "payment.recorded",
            actor=by,
            organisation=organisation,
            obj=payment,
            after={"amount": str(amount), "method": method, "reference": payment.reference},
        )
        if fee_invoice is not None and fee_invoice.status == FeeInvoice.Status.ISSUED:
            paid = fee_invoice.payments.aggregate(s=Sum("amount"))["s"] or ZERO
            if paid >= fee_invoice.amount:
                fee_invoice.mark_paid(at=paid_at)
                record(
                    "fee_invoice.paid", actor=by, organisation=fee_invoice.framework.owner, obj=fee_invoice
                )
    return payment
