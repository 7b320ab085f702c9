"""Erasure of a person (UK GDPR Art. 17), driven by the privacy map; and its statement to the person.

`erase(person, by=..., reference=...)` finds the person's rows in every app (privacy/subject.py) and
does to each what the map declares, unless a retention rule the law sets keeps it (Art. 17(3)(b),
(e): a legal obligation, legal claims):

- a row found through a link declared `DELETE` (the person's own rows: consents, messages, alerts,
  devices, memberships, sessions, sign-in records, invitations to their address) is deleted;
- a row that is the person's but is kept in shape (a sole trader's organisation, a supplier profile)
  has its fields declared `BLANK` or `DELETE` emptied and those declared `ANONYMISE` replaced by a
  placeholder; `KEEP`, `UNLINKED` and `FOLLOWS` fields stay;
- rows under a rule the law keeps (KEPT_RULES: floors such as the Procurement Act 2023 s.98 records,
  tender submissions, financial records, framework suppliers) are kept and listed with the rule and the
  date it ends; the person's written request shortens their tenders' 7-year ceiling (policy 4.1.1) so
  retention purges each tender the day its floor passes;
- the account itself is anonymised in place (privacy/erasure.anonymise_user), so the procurement
  records that point at it stay whole and identify nobody, unless `retention_engine.erasure_blockers`
  says a hold or a floor still needs it: then it is restricted (store only, Art. 18(1)(b)), and the
  PendingErasures retention policy anonymises it the day nothing keeps it any longer.

`erase(..., dry_run=True)` takes the same decisions and rolls them back, so it changes nothing.
The result lists, per kind of record, what was erased, anonymised or kept, under which rule and until
when: `statement()` is what the person is told.
"""

from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.lib.dates import add_months
from tenderbox.privacy.map import Category, Erasure, privacy_map
from tenderbox.privacy.retention import RULES, Kind
from tenderbox.privacy.subject import Found, find, how_found

# Rules under which the law (or the policy's promise of a minimum) keeps a record past an erasure.
KEPT_RULES = frozenset(
    {r.key for r in RULES.values() if r.kind in (Kind.FLOOR, Kind.CEILING_AND_FLOOR)}
    | {"framework_supplier", "lapsed_account_transactions", "subject_request"}
)
# While the account itself must be kept, what keeps it usable and whole is kept with it (restricted).
KEPT_WITH_ACCOUNT = frozenset({"membership", "organisation"})
TENDER_LABELS = frozenset(
    {"submissions.Response", "submissions.ResponseVersion", "submissions.ResponseDocument"}
)
USER_LABEL = "accounts.User"


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@dataclass
class Line:
    label: str
    action: str  # "deleted", "emptied", "anonymised", "kept"
    count: int
    rule: str = ""
    why: str = ""
    until: str = ""

    @property
    def what(self) -> str:
        model = apps.get_model(self.label)
        return f"{str(model._meta.verbose_name).capitalize()} records"


@dataclass
class ErasureResult:
    reference: str
    dry_run: bool
    account: str = ""  # "anonymised", "restricted" or "no account"
    blockers: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    kept_rows: dict[tuple[str, str], str] = field(default_factory=dict)  # (label, pk) -> rule

    def add(self, label, action, count, rule="", why="", until=""):
        for line in self.lines:
            if (line.label, line.action, line.rule, line.why, line.until) == (
                label,
                action,
                rule,
                why,
                until,
            ):
                line.count += count
                return
        self.lines.append(Line(label, action, count, rule, why, until))

    def keep(self, label, pks, rule, why, until=""):
        for pk in pks:
            self.kept_rows[(label, str(pk))] = rule
        if pks:
            self.add(label, "kept", len(pks), rule, why, until)

    def statement(self) -> str:
        """What the person is told: what was erased, and what is kept, why and until when."""
        erased = [ln for ln in self.lines if ln.action != "kept"]
        kept = [ln for ln in self.lines if ln.action == "kept"]
        parts = []
        if self.account == "anonymised":
            parts.append(
                "Your account is anonymised: your name, email address, phone number and password are gone."
            )
        elif self.account == "restricted":
            parts.append(
                "Your account must be kept for now, for the reasons below, so it is restricted: we only "
                "store it, and it will be anonymised as soon as nothing keeps it."
            )
        if erased:
            parts.append("Erased:")
            parts += [
                f"- {ln.what}: {ln.count} {ln.action}" + (f" ({ln.why})" if ln.why else "") for ln in erased
            ]
        if kept:
            parts.append("Kept:")
            for ln in kept:
                rule = RULES.get(ln.rule)
                line = f"- {ln.what} ({ln.count}): {ln.why}"
                if rule:
                    line += f" [{rule.source}]"
                if ln.until:
                    line += f"; kept until {ln.until}"
                parts.append(line)
        if self.blockers:
            parts.append("Why your account is kept:")
            parts += [f"- {b}" for b in self.blockers]
        return "\n".join(parts)


def _day(value: date | None) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def placeholder(model_field, obj):
    """The value a field declared ANONYMISE takes, by its type (kept unique where the field is)."""
    if isinstance(model_field, models.EmailField):
        return f"erased-{obj._meta.model_name}-{obj.pk}@invalid.tenderbox"
    if isinstance(model_field, models.CharField | models.TextField):
        value = f"Erased {obj._meta.verbose_name} {obj.pk}" if model_field.unique else "Erased"
        return value[: model_field.max_length] if model_field.max_length else value
    return None


def blank_value(model_field):
    """The empty value of a field declared BLANK or DELETE on a row that is kept; None: cannot be."""
    if model_field.null:
        return None
    if isinstance(model_field, models.BinaryField):
        return b""
    if isinstance(model_field, models.CharField | models.TextField | models.FileField):
        return ""
    raise ValueError(f"{model_field} cannot be emptied")


def erasure_problems() -> list[str]:
    """Declared fields that erasure could not carry out (tests/test_subject_coverage.py keeps this empty)."""
    problems = []
    for label in sorted({f.model for f in privacy_map().personal}):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if not how_found(label):
            problems.append(
                f"{label}: no way to find a person's rows (no link to a person, organisation or parent)"
            )
            continue
        if label == USER_LABEL:
            continue
        entries = privacy_map().for_model(label)
        whole_row = _deletes_whole_row(label, entries)
        for entry in entries:
            model_field = model._meta.get_field(entry.field)
            if getattr(model_field, "many_to_many", False) or whole_row:
                continue
            if entry.erasure == Erasure.ANONYMISE and placeholder(model_field, model(pk=0)) is None:
                problems.append(
                    f"{label}.{entry.field}: declared ANONYMISE but has no placeholder for its type"
                )
            if entry.erasure in (Erasure.BLANK, Erasure.DELETE) and not model_field.is_relation:
                try:
                    blank_value(model_field)
                except ValueError:
                    problems.append(
                        f"{label}.{entry.field}: declared {entry.erasure.name} but cannot be emptied"
                    )
    return problems


def _deletes_whole_row(label, entries) -> bool:
    return bool(entries) and all(e.erasure == Erasure.DELETE for e in entries)


def _delete_keys(found: Found) -> set[str]:
    """Keys through which a row is the person's own and is deleted (as in erasure.person_links)."""
    keys = set()
    for key in found.keys:
        if key.kind in ("finder", "parent"):
            if _deletes_whole_row(found.label, privacy_map().for_model(found.label)):
                keys.add(key.field)
            continue
        entry = privacy_map().classification(found.label, key.field)
        if not hasattr(entry, "erasure") or entry.erasure != Erasure.DELETE:
            continue
        if key.kind == "email":
            keys.add(key.field)
        elif key.kind == "account":
            model_field = found.model._meta.get_field(key.field)
            if entry.category == Category.LINK or model_field.remote_field.on_delete is models.CASCADE:
                keys.add(key.field)
    return keys


def _until(label: str, pk, rule_key: str) -> str:
    from tenderbox.privacy.retention_engine import explain

    try:
        explanation = explain(label, pk)
    except Exception:  # noqa: BLE001 - no policy covers it: say the rule's own clock
        explanation = None
    if explanation is not None and explanation.assessment is not None:
        until = explanation.assessment.kept_until
        if until:
            return _day(until)
    from tenderbox.privacy.retention_policies import RECORD_CLOCKS, records_kept_until

    if label in RECORD_CLOCKS and RULES[rule_key].months:
        until = records_kept_until(label, [pk], rule_key).get(pk)
        if until:
            return _day(until)
    rule = RULES[rule_key]
    if rule_key == "subject_request":
        return _day(add_months(timezone.localdate(), rule.months))
    if rule.kind == Kind.EXCEPTION:
        return "for good"
    if rule.months:
        years, months = divmod(rule.months, 12)
        span = f"{years} year{'s' if years != 1 else ''}" if not months else f"{rule.months} months"
        return f"{span} after {rule.clock_starts}"
    return rule.clock_starts


def _kept_rule(label: str) -> str:
    rules = sorted({e.retention for e in privacy_map().for_model(label)} & KEPT_RULES)
    return rules[0] if rules else ""


def _erase_tenders(found: dict, user, by, result: ErasureResult) -> None:
    """The person's written request shortens their tenders' ceiling; purge those whose floor passed."""
    from tenderbox.privacy.erasure import shorten_tender_retention
    from tenderbox.privacy.holds import Holds
    from tenderbox.privacy.retention_policies import Outcome, TenderSubmissions
    from tenderbox.submissions.models import Response

    response_ids = set(found["submissions.Response"].owned) if "submissions.Response" in found else set()
    for label in ("submissions.ResponseVersion", "submissions.ResponseDocument"):
        if label in found:
            model = found[label].model
            response_ids |= set(
                model.objects.filter(pk__in=found[label].pks).values_list("response_id", flat=True)
            )
    policy, today, holds = TenderSubmissions(), timezone.localdate(), Holds.in_force()
    for response in Response.objects.filter(pk__in=response_ids).select_related("procurement"):
        if user is not None:
            shorten_tender_retention(response, by=by)
            response.refresh_from_db()
        assessment = policy.assess(response, today=today, holds=holds)
        if assessment.outcome == Outcome.APPLY:
            policy.apply(response, assessment, now=timezone.now())
            result.add("submissions.Response", "emptied", 1)
        elif assessment.outcome == Outcome.DONE:
            continue
        else:
            why = "a tender you submitted: " + "; ".join(assessment.reasons or ("kept under its rule",))
            result.keep(
                "submissions.Response", [response.pk], "tender_submission", why, _day(assessment.kept_until)
            )
    for label in ("submissions.ResponseVersion", "submissions.ResponseDocument"):
        if label in found:
            model = found[label].model
            kept = list(
                model.objects.filter(pk__in=found[label].pks, response__retention_purged_at=None).values_list(
                    "pk", flat=True
                )
            )
            result.keep(label, kept, "tender_submission", "part of a tender kept under its rule (above)")


def _erase_audit(found: Found, user, result: ErasureResult, *, held: bool) -> None:
    from tenderbox.audit.chain import redact_person

    if user is None:
        return
    if held:
        result.keep(found.label, found.pks, "security_log", "under a legal hold")
        return
    count = redact_person(user)
    if count:
        result.add(found.label, "emptied", count, why="the address and IP address recorded with each event")
    result.add(
        found.label,
        "kept",
        len(found.pks),
        "procurement_records",
        "the audit trail keeps the account's id, which identifies nobody once it is anonymised",
    )


def _rows_naming(person, result: ErasureResult) -> None:
    """Rows of other people that name the person in a text the map declares deleted on erasure (a
    notice to the officer quoting their address, an admin log entry with their name): deleted too."""
    needles = [person.email]
    if len(person.full_name or "") >= 5:
        needles.append(person.full_name)
    for entry in privacy_map().personal:
        if entry.erasure != Erasure.DELETE:
            continue
        try:
            model = apps.get_model(entry.model)
            model_field = model._meta.get_field(entry.field)
        except LookupError:
            continue
        if not isinstance(model_field, models.CharField | models.TextField) or isinstance(
            model_field, models.EmailField
        ):
            continue
        q = Q()
        for needle in needles:
            q |= Q(**{f"{entry.field}__icontains": needle})
        pks = list(model._default_manager.filter(q).values_list("pk", flat=True))
        if pks:
            model._default_manager.filter(pk__in=pks).delete()
            result.add(entry.model, "deleted", len(pks), why="records of others that named you")


def _erase_rows(found: Found, result: ErasureResult, *, keep_account: bool) -> None:
    label, model = found.label, found.model
    entries = privacy_map().for_model(label)
    rule = _kept_rule(label)
    if rule:
        for pk in found.pks:
            result.keep(label, [pk], rule, RULES[rule].summary, _until(label, pk, rule))
        return
    rules_here = {e.retention for e in entries}
    if keep_account and (
        rules_here & KEPT_WITH_ACCOUNT or any(e.category == Category.CREDENTIALS for e in entries)
    ):
        result.keep(
            label,
            found.pks,
            sorted(rules_here)[0],
            "needed while your account is kept",
            "your account is anonymised",
        )
        return
    delete_keys = _delete_keys(found)
    to_delete = set()
    for key_field in delete_keys:
        to_delete |= found.by_key.get(key_field, set())
    if to_delete:
        count, _ = model._default_manager.filter(pk__in=to_delete).delete()
        result.add(label, "deleted", len(to_delete))
    rest = [pk for pk in found.pks if pk not in to_delete]
    if not rest:
        return
    # A row is changed in full only when it is the person's by its first link or as their sole trader
    # organisation's; a row found by an address elsewhere (an organisation whose contact they are)
    # loses only that address.
    first = found.keys[0]
    owned = set(found.by_key.get(first.field, set())) if first.kind != "email" else set()
    if first.kind in ("parent", "finder"):
        owned = set(found.pks)
    for key in found.keys:
        if key.kind == "organisation":
            owned |= found.by_key.get(key.field, set())
    email_keys = [k.field for k in found.keys if k.kind == "email"]
    changed_rows, kept_rows = 0, []
    for obj in model._default_manager.filter(pk__in=rest).order_by("pk"):
        is_owned = obj.pk in owned
        changes = []
        for entry in entries:
            if not is_owned and entry.field not in email_keys:
                continue
            if not is_owned and entry.field in email_keys and obj.pk not in found.by_key.get(entry.field, ()):
                continue
            model_field = model._meta.get_field(entry.field)
            if getattr(model_field, "many_to_many", False):
                if entry.erasure in (Erasure.BLANK, Erasure.DELETE):
                    getattr(obj, entry.field).clear()
                continue
            if model_field.is_relation:
                continue
            if entry.erasure == Erasure.ANONYMISE:
                setattr(obj, entry.field, placeholder(model_field, obj))
                changes.append(entry.field)
            elif entry.erasure in (Erasure.BLANK, Erasure.DELETE):
                if isinstance(model_field, models.FileField) and getattr(obj, entry.field):
                    getattr(obj, entry.field).delete(save=False)
                setattr(obj, entry.field, blank_value(model_field))
                changes.append(entry.field)
        if changes:
            obj.save(update_fields=changes)
            changed_rows += 1
        else:
            kept_rows.append(obj.pk)
    if changed_rows:
        result.add(label, "anonymised", changed_rows)
    if kept_rows:
        keep = {e.retention for e in entries if e.erasure == Erasure.KEEP}
        if keep:
            rule_key = sorted(keep)[0]
            for pk in kept_rows:
                result.keep(label, [pk], rule_key, RULES[rule_key].summary, _until(label, pk, rule_key))
        else:
            result.add(
                label,
                "kept",
                len(kept_rows),
                why="they point at your account, which no longer identifies you",
            )


def erase(person, *, by=None, reference: str, dry_run: bool = False) -> ErasureResult:
    """Erase what no legal obligation keeps; keep, restrict and queue the rest; say which is which."""
    result = ErasureResult(reference=reference, dry_run=dry_run)
    try:
        with transaction.atomic():
            _erase(person, by=by, result=result)
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    return result


# Floors whose records the account must stay whole for (financial records name the payer, policy
# 4.1.3-4.1.4; a framework supplier's data until the framework ends, 4.1.2). Procurement records and
# tenders are judged by retention_engine.erasure_blockers, which knows their dates.
ACCOUNT_FLOORS = frozenset(
    {r.key for r in RULES.values() if r.kind == Kind.FLOOR} - {"procurement_records"} | {"framework_supplier"}
)


def record_keepers(found: dict[str, Found], *, today=None) -> list:
    """Why the account must be kept for rows the person owns under a floor of another app (spend,
    fees) or the framework-supplier rule: each such rule, with how many rows and until when (a
    Keeper). Rows whose rule has run out keep nothing, so a pending erasure goes ahead on the day the
    last of them runs out; a clock not started yet (a framework still running) keeps them open-ended."""
    from tenderbox.privacy.retention_policies import RECORD_CLOCKS, Keeper, Outcome, records_kept_until

    today = today or timezone.localdate()
    keepers = []
    for label in sorted(found):
        entries = privacy_map().for_model(label)
        rules = sorted({e.retention for e in entries} & ACCOUNT_FLOORS)
        if not rules:
            continue
        first = found[label].keys[0]
        owned = found[label].owned if first.kind != "email" else set()
        if not owned:
            continue
        rule = RULES[rules[0]]
        if label in RECORD_CLOCKS:
            until = records_kept_until(label, owned, rule.key)
            still = [day for day in until.values() if day is None or day > today]
        else:  # no clock known here: kept until the owning app's retention removes the rows
            still = [None] * len(owned)
        if not still:
            continue
        last = None if None in still else max(still)
        model = found[label].model
        keepers.append(
            Keeper(
                Outcome.FLOOR,
                last,
                f"{len(still)} {model._meta.verbose_name} record(s) kept under {rule.key}"
                + (f" until {_day(last)}" if last else "")
                + f": {rule.summary}",
            )
        )
    return keepers


def floor_keepers(found: dict[str, Found]) -> list[str]:
    return [k.reason for k in record_keepers(found)]


def _erase(person, *, by, result: ErasureResult) -> None:
    from tenderbox.privacy.erasure import anonymise_user
    from tenderbox.privacy.models import Restriction
    from tenderbox.privacy.retention_engine import erasure_blockers

    user = person if person.pk is not None else None
    if user is not None:
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
    found = find(person)
    result.blockers = erasure_blockers(user) + floor_keepers(found) if user is not None else []
    keep_account = bool(result.blockers)
    held = any(b.startswith("a legal hold") for b in result.blockers)
    if any(label in found for label in TENDER_LABELS):
        _erase_tenders(found, user, by, result)
    for label in sorted(found):
        if label == USER_LABEL or label in TENDER_LABELS:
            continue
        if label == "audit.AuditEvent":
            _erase_audit(found[label], user, result, held=held)
            continue
        if held:
            result.keep(
                label, found[label].pks, "legal_hold", RULES["legal_hold"].summary, "the hold is lifted"
            )
            continue
        _erase_rows(found[label], result, keep_account=keep_account)
    if not held:
        _rows_naming(person, result)
    if user is None:
        result.account = "no account"
    elif keep_account:
        if not Restriction.objects.filter(user=user, lifted_at=None).exists():
            Restriction.objects.create(
                user=user, reason=f"Erasure requested ({result.reference}); kept by law until erased"
            )
        result.account = "restricted"
        result.keep(
            USER_LABEL, [user.pk], "account_unused", "your account, restricted: " + "; ".join(result.blockers)
        )
    else:
        anonymise_user(user, reason=result.reference, by=by, verb="user.erased")
        result.account = "anonymised"
        result.add(USER_LABEL, "anonymised", 1)
        # Kept, so no marketing ever reaches the address again (Art. 21(3)).
        from tenderbox.privacy.models import MarketingSuppression

        kept = list(
            MarketingSuppression.objects.filter(email__iexact=person.email).values_list("pk", flat=True)
        )
        if kept and ("privacy.MarketingSuppression", str(kept[0])) not in result.kept_rows:
            result.keep(
                "privacy.MarketingSuppression",
                kept,
                "marketing_suppression",
                RULES["marketing_suppression"].summary,
                "for good",
            )
    record(
        "subject_request.erased",
        actor=by,
        subject=user,
        after={"reference": result.reference, "account": result.account, "kept": len(result.kept_rows)},
    )


def pending_erasures():
    """Accounts whose erasure was asked and done in part: kept (restricted) until nothing keeps them."""
    from tenderbox.privacy.models import SubjectRequest

    return (
        get_user_model()
        .objects.filter(
            erased_at=None,
            subject_requests__kind=SubjectRequest.Kind.ERASURE,
            subject_requests__status=SubjectRequest.Status.COMPLETED,
        )
        .distinct()
    )


def _pending_policy():
    from tenderbox.privacy.retention_policies import Assessment, Outcome, Policy

    class PendingErasures(Policy):
        """People who asked for erasure while a hold or a floor kept their account: anonymised (and the
        rest of their data erased) the day nothing keeps it any longer."""

        key = "pending_erasures"
        rule_key = "account_unused"
        model_label = USER_LABEL
        verb = "erased"

        def candidates(self, *, today, now):
            return pending_erasures()

        def covers(self, obj):
            return pending_erasures().filter(pk=obj.pk).exists()

        def assess(self, obj, *, today, holds):
            from tenderbox.privacy.retention_policies import account_facts

            request = (
                obj.subject_requests.filter(kind="erasure", status="completed").order_by("closed_at").first()
            )
            start = timezone.localdate(request.closed_at) if request and request.closed_at else today
            base = {"clock_event": "the person's erasure request", "clock_start": start, "due_on": None}
            if obj.erased_at is not None:
                return Assessment(Outcome.DONE, **base)
            facts = account_facts(obj, today=today, holds=holds)
            keepers = [k for k in facts.keepers if k.outcome in (Outcome.HELD, Outcome.FLOOR)]
            keepers += record_keepers(find(obj), today=today)
            if keepers:
                outcome = Outcome.HELD if any(k.outcome == Outcome.HELD for k in keepers) else Outcome.FLOOR
                until = None if any(k.until is None for k in keepers) else max(k.until for k in keepers)
                return Assessment(outcome, kept_until=until, reasons=tuple(k.reason for k in keepers), **base)
            return Assessment(Outcome.APPLY, **base)

        def apply(self, obj, assessment, *, now):
            request = (
                obj.subject_requests.filter(kind="erasure", status="completed").order_by("closed_at").last()
            )
            erase(obj, reference=request.reference if request else "erasure request")

    return PendingErasures()
