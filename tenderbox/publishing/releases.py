"""OCDS releases built from the models, deterministically (docs/decisions/0011-ocds-publication.md).

A *contracting process* is one ocid. Tenderbox has four kinds:
- an advertised procurement (`TBX-…`), from its tender notice on: tender, one tenderAmendment per
  amendment, a tenderUpdate with bid statistics once tenders are opened, award, contract, then the
  contracts' amendments, terminations, transactions, KPIs and reported KPI values; a
  tenderCancellation if it is cancelled.
  When it let a framework, its tender says so (techniques) and the appointed suppliers follow as
  awards of the framework's lots;
- a framework let elsewhere (`FW-…`): its tender when it goes live, then its appointed suppliers;
- a further competition (`TBX-…` with a framework lot): never advertised, so nothing is published
  until its award is decided; then tender, award and contract at once, linked to the framework;
- a direct-award call-off (`CON-…`): award and contract at once, linked to the framework.

Each release is built as it was at its event (the models keep what changed: an amendment's old and
new deadline, a change's old and new value and end), so ids and contents are stable. Only public
facts are read: no sealed content, scores, evaluators or people; a supplier is named once it is
awarded or appointed (PA23 s.50 and the contract award notice); the price of a tender is published
only as the value of the contract entered into.
"""

import functools
from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone

from tenderbox.publishing import rules
from tenderbox.publishing.sources import metrics_for, transactions_for
from tenderbox.tenders.rules import UK_TIME


# Identifiers --------------------------------------------------------------------------------
def ocid(local_id: str) -> str:
    """`<prefix>-<local id>`: the prefix is this deployment's registered OCDS prefix (OCDS_PREFIX)."""
    return f"{settings.OCDS_PREFIX}-{local_id}"


def local_id(value: str) -> str | None:
    prefix = settings.OCDS_PREFIX + "-"
    return value[len(prefix) :] if value.startswith(prefix) and len(value) > len(prefix) else None


def party_id(org) -> str:
    """Companies House numbers are the UK's company register (org-id scheme GB-COH); others are
    identified by Tenderbox's own stable id."""
    if org.companies_house_number:
        return f"GB-COH-{org.companies_house_number}"
    return f"{settings.OCDS_PREFIX}-org-{org.pk}"


@functools.lru_cache(maxsize=4096)
def stamp(moment: datetime) -> str:
    """UK time with its offset (GMT or BST): how the UK platforms publish. Cached: the payments of
    a contract share their days (each is noon UK time), and the export stamps millions."""
    return timezone.localtime(moment, UK_TIME).isoformat()


def day_start(day) -> str:
    return stamp(datetime.combine(day, time.min, tzinfo=UK_TIME))


def day_end(day) -> str:
    return stamp(datetime.combine(day, time(23, 59, 59), tzinfo=UK_TIME))


def number(value) -> int | float:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def money(amount) -> dict:
    return {"amount": number(amount), "currency": "GBP"}


def lot_id(number: int) -> str:
    return f"lot-{number}"


# Parties ------------------------------------------------------------------------------------
class Parties:
    """The organisations one release mentions, each once with all its roles."""

    def __init__(self):
        self._by_id = {}

    def add(self, org, *roles) -> dict:
        pid = party_id(org)
        party = self._by_id.get(pid)
        if party is None:
            party = self._by_id[pid] = _party(org)
        for role in roles:
            if role not in party["roles"]:
                party["roles"].append(role)
        return {"id": pid, "name": party["name"]}

    def as_list(self) -> list[dict]:
        return list(self._by_id.values())


def _party(org) -> dict:
    """What the law asks to be published about an organisation, and no more. A sole trader is a
    person: their trading name is published as the supplier (the contract award notice requires
    it), with their region only; no street address, postcode or contact details."""
    party = {"id": party_id(org), "name": org.name, "roles": []}
    if org.companies_house_number:
        party["identifier"] = {
            "scheme": "GB-COH",
            "id": org.companies_house_number,
            "legalName": org.name,
        }
    if org.is_supplier and org.is_sole_trader:
        party["address"] = {"region": org.region, "countryName": "United Kingdom"}
    else:
        address = {
            "streetAddress": ", ".join(x for x in (org.address_line_1, org.address_line_2) if x),
            "locality": org.town,
            "region": org.region,
            "postalCode": org.postcode,
            "countryName": "United Kingdom",
        }
        party["address"] = {k: v for k, v in address.items() if v}
        if org.is_buyer and org.contact_email:
            # The authority's own procurement mailbox, never a person's account address.
            party["contactPoint"] = {"email": org.contact_email}
    if org.is_supplier:
        scale = rules.scale(org.size, sole_trader=org.is_sole_trader)
        if scale:
            party["details"] = {"scale": scale}
    return party


def _release(process_ocid: str, suffix: str, date, tags: list[str], parties: Parties, **blocks) -> dict:
    release = {
        "ocid": process_ocid,
        "id": f"{process_ocid}-{suffix}",
        "date": stamp(date),
        "tag": tags,
        "initiationType": "tender",
        "parties": parties.as_list(),
    }
    release.update({k: v for k, v in blocks.items() if v is not None})
    return release


# Procurements -------------------------------------------------------------------------------
def _items(codes, related_lot=None) -> list[dict]:
    items = []
    for code in codes:
        item = {
            "id": f"{related_lot or 'whole'}-{code.code.split('-')[0]}",
            "description": code.description,
            "classification": rules.cpv_classification(code.code, code.description),
        }
        if related_lot:
            item["relatedLot"] = related_lot
        items.append(item)
    return items


def _procurement_tender(p, *, status: str, deadline, framework=None, competitive=None) -> dict:
    method, details = rules.procurement_method(p.procedure, p.regime)
    codes = sorted(p.cpv_codes.all(), key=lambda c: (c.code != p.main_cpv_id, c.code))
    lots = sorted(p.lots.all(), key=lambda lot: lot.number)
    items = _items(codes)
    for lot in lots:
        items += _items(sorted(lot.cpv_codes.all(), key=lambda c: c.code), lot_id(lot.number))
    tender = {
        "id": p.reference,
        "title": p.title,
        "description": p.description,
        "status": status,
        "value": money(p.value_excl_vat),
        "procurementMethod": method,
        "procurementMethodDetails": details,
        "mainProcurementCategory": p.category,
        "items": items,
        "submissionMethod": ["electronicSubmission"],
    }
    if p.published_at:
        tender["tenderPeriod"] = {"startDate": stamp(p.published_at)}
        if deadline:
            tender["tenderPeriod"]["endDate"] = stamp(deadline)
        if p.clarification_deadline:
            tender["enquiryPeriod"] = {
                "startDate": stamp(p.published_at),
                "endDate": stamp(p.clarification_deadline),
            }
    if p.contract_start and p.contract_end:
        tender["contractPeriod"] = {
            "startDate": day_start(p.contract_start),
            "endDate": day_end(p.contract_end),
        }
    if lots:
        tender["lots"] = [
            {
                "id": lot_id(lot.number),
                "title": lot.title,
                **({"description": lot.description} if lot.description else {}),
                "value": money(lot.value_excl_vat),
                "status": status,
            }
            for lot in lots
        ]
    if framework is not None:
        tender["techniques"] = {"hasFrameworkAgreement": True, "frameworkAgreement": _agreement(framework)}
    if competitive is not None:
        # A call-off under a framework (techniques extension): by competition or not.
        tender["techniques"] = {"hasFrameworkAgreement": True}
        tender["competitive"] = competitive
    return tender


def _agreement(framework) -> dict:
    agreement = {
        "description": framework.description,
        "period": {
            "startDate": day_start(framework.starts_on),
            "endDate": day_end(framework.original_ends_on),
        },
    }
    if framework.extendable_to:
        agreement["period"]["maxExtentDate"] = day_end(framework.extendable_to)
    return agreement


def _framework_of(p):
    """The framework the procurement let, once it is live: a draft framework's details may still
    change, so nothing of it is published before."""
    try:
        framework = p.framework
    except ObjectDoesNotExist:  # it let no framework
        return None
    return None if framework.status == "draft" else framework


def _documents(p, as_of=None) -> list[dict]:
    """The tender documents published by `as_of` (all of them when None): those added to the draft
    went out with the notice; those added by an amendment, when it was made."""
    out = []
    for d in sorted(p.documents.all(), key=lambda d: (d.uploaded_at, d.pk)):
        published = max(d.uploaded_at, p.published_at)
        if as_of is not None and published > as_of:
            continue
        out.append(
            {
                "id": str(d.pk),
                "documentType": "biddingDocuments",
                "title": d.title,
                "url": settings.SITE_URL + reverse("tenders:document", args=[p.reference, d.pk]),
                "datePublished": stamp(published),
                "format": d.content_type,
            }
        )
    return out


def _amendment(a) -> dict:
    return {
        "id": str(a.pk),
        "date": stamp(a.created_at),
        "rationale": a.reason,
        "description": a.summary or a.reason,
    }


def _statistics(p) -> tuple[int, dict]:
    # Counts only: who tendered, and what, stays sealed (docs/decisions/0004-sealed-tenders.md).
    count = getattr(p, "submitted_tenders", None)
    if count is None:
        count = p.responses.filter(status="submitted").count()
    return count, {
        "statistics": [{"id": "bids", "measure": "bids", "value": count, "date": stamp(p.opened_at)}]
    }


def _award(award, *, status: str, parties: Parties, value=None) -> dict:
    supplier = award.version.response.supplier
    entry = {
        "id": str(award.pk),
        "title": f"Lot {award.lot.number}: {award.lot.title}" if award.lot_id else award.procurement.title,
        "status": status,
        "date": stamp(award.decided_at),
        "suppliers": [parties.add(supplier, "supplier")],
    }
    if award.lot_id:
        entry["relatedLots"] = [lot_id(award.lot.number)]
    if value is not None:
        entry["value"] = money(value)
    return entry


def _contract_entry(contract, *, award_id: str, status: str = "active") -> dict:
    entry = {
        "id": contract.reference,
        "awardID": award_id,
        "title": contract.title,
        "description": contract.description,
        "status": status,
        "period": {
            "startDate": day_start(contract.starts_on),
            "endDate": day_end(contract.original_ends_on),
        },
        "value": money(contract.original_value_excl_vat),
        "dateSigned": stamp(contract.awarded_at),
    }
    return entry


def procurement_releases(p) -> list[dict]:
    """Every public release of one procurement's process, oldest first."""
    process = ocid(p.reference)
    framework = _framework_of(p)
    further = p.framework_lot_id is not None
    related = _framework_link(p.framework_lot.framework) if further else None
    amendments = sorted(p.amendments.all(), key=lambda a: (a.created_at, a.pk))
    # The deadline as first published is the first amendment's old one, if it was ever moved.
    first_deadline = next((a.old_deadline for a in amendments if a.old_deadline), p.submission_deadline)
    awards = sorted(p.awards.all(), key=lambda a: a.pk)
    contracts = sorted(p.contracts.all(), key=lambda c: c.pk)
    out = []

    def parties():
        party_set = Parties()
        buyer = party_set.add(p.buyer, "buyer", "procuringEntity")
        return party_set, buyer

    def tender(status, deadline, amendments_so_far=(), *, as_of=None):
        t = _procurement_tender(
            p, status=status, deadline=deadline, framework=framework, competitive=True if further else None
        )
        if amendments_so_far:
            t["amendments"] = [_amendment(a) for a in amendments_so_far]
        if not further:
            # An advertised procurement's documents are public (tenders:document); a further
            # competition's are for its invited suppliers only.
            documents = _documents(p, as_of)
            if documents:
                t["documents"] = documents
        return t

    if not further and p.published_at:
        ps, buyer = parties()
        out.append(
            _release(
                process,
                "tender",
                p.published_at,
                ["tender"],
                ps,
                buyer=buyer,
                tender=tender("active", first_deadline, as_of=p.published_at),
            )
        )
        deadline = first_deadline
        for n, a in enumerate(amendments, start=1):
            deadline = a.new_deadline or deadline
            ps, buyer = parties()
            out.append(
                _release(
                    process,
                    f"amendment-{a.pk}",
                    a.created_at,
                    ["tenderAmendment"],
                    ps,
                    buyer=buyer,
                    tender=tender("active", deadline, amendments[:n], as_of=a.created_at),
                )
            )
        if p.opened_at:
            count, bids = _statistics(p)
            ps, buyer = parties()
            t = tender("active", p.submission_deadline, amendments)
            t["numberOfTenderers"] = count
            out.append(
                _release(
                    process, "opened", p.opened_at, ["tenderUpdate"], ps, buyer=buyer, tender=t, bids=bids
                )
            )
    if p.awarded_at and awards:
        ps, buyer = parties()
        t = tender("complete", p.submission_deadline, amendments)
        bids = None
        if p.opened_at:
            count, bids = _statistics(p)
            t["numberOfTenderers"] = count
        tags = ["tender", "award"] if further else ["award"]
        out.append(
            _release(
                process,
                "award",
                p.awarded_at,
                tags,
                ps,
                buyer=buyer,
                tender=t,
                bids=bids,
                awards=[_award(a, status="pending", parties=ps) for a in awards],
                relatedProcesses=related,
            )
        )
    if p.contracted_at:
        by_award = {c.award_id: c for c in contracts}
        ps, buyer = parties()
        award_entries = [
            _award(
                a,
                status="active",
                parties=ps,
                value=by_award[a.pk].original_value_excl_vat if a.pk in by_award else None,
            )
            for a in awards
        ]
        contract_entries = [_contract_entry(c, award_id=str(c.award_id)) for c in contracts if c.award_id]
        out.append(
            _release(
                process,
                "contract",
                p.contracted_at,
                ["contract"],
                ps,
                buyer=buyer,
                awards=award_entries,
                contracts=contract_entries or None,
                relatedProcesses=related,
            )
        )
    if p.cancelled_at and p.published_at and not further:
        ps, buyer = parties()
        t = tender("cancelled", p.submission_deadline, amendments)
        t["statusDetails"] = p.cancellation_reason
        out.append(
            _release(process, "cancelled", p.cancelled_at, ["tenderCancellation"], ps, buyer=buyer, tender=t)
        )
    if framework is not None:
        out += appointment_releases(framework, process)
    for contract in contracts:
        out += contract_releases(contract, process, related=related)
    return sorted(out, key=lambda r: r["date"])


# Frameworks ---------------------------------------------------------------------------------
def framework_ocid(framework) -> str:
    """A framework let on Tenderbox is the process of the procurement that let it."""
    if framework.procurement_id:
        return ocid(framework.procurement.reference)
    return ocid(framework.reference)


def _framework_link(framework) -> list[dict]:
    return [
        {
            "id": "framework",
            "relationship": ["framework"],
            "title": framework.title,
            "scheme": "ocid",
            "identifier": framework_ocid(framework),
        }
    ]


def _framework_lots(framework) -> list:
    return sorted(framework.lots.all(), key=lambda lot: lot.number)


def framework_releases(framework) -> list[dict]:
    """A framework let elsewhere: its tender when it went live, then its appointed suppliers."""
    from tenderbox.frameworks.actions import _category_of

    process = ocid(framework.reference)
    lots = _framework_lots(framework)
    items = []
    for lot in lots:
        items += _items(sorted(lot.cpv_codes.all(), key=lambda c: c.code), lot_id(lot.number))
    ps = Parties()
    buyer = ps.add(framework.owner, "buyer", "procuringEntity")
    tender = {
        "id": framework.reference,
        "title": framework.title,
        "description": framework.description,
        "status": "complete",
        "value": money(sum((lot.max_value for lot in lots), Decimal(0))),
        "items": items,
        "contractPeriod": {
            "startDate": day_start(framework.starts_on),
            "endDate": day_end(framework.original_ends_on),
        },
        "techniques": {"hasFrameworkAgreement": True, "frameworkAgreement": _agreement(framework)},
        "lots": [
            {
                "id": lot_id(lot.number),
                "title": lot.title,
                "description": lot.scope,
                "value": money(lot.max_value),
                "status": "complete",
            }
            for lot in lots
        ],
    }
    if lots:
        tender["mainProcurementCategory"] = _category_of(lots[0])
    if framework.let_elsewhere_reference:
        tender["procurementMethodDetails"] = f"Let outside Tenderbox: {framework.let_elsewhere_reference}"
    out = [_release(process, "tender", framework.went_live_at, ["tender"], ps, buyer=buyer, tender=tender)]
    return out + appointment_releases(framework, process)


def appointment_releases(framework, process: str) -> list[dict]:
    """Each appointed supplier is an award on its framework lot. One award release per moment
    suppliers were appointed (an import appoints many at once); a removal is an awardUpdate that
    cancels that supplier's award (OCDS 1.1 merges awards and suppliers by id, so a removal must be
    a status, not a shorter list). A suspended supplier is still appointed, so nothing changes."""
    appointments = sorted(
        (a for lot in _framework_lots(framework) for a in lot.appointments.all()), key=lambda a: a.pk
    )
    moments = {}
    for a in appointments:
        moments.setdefault((a.appointed_at, "award"), []).append(a)
        if a.status == "removed" and a.status_changed_at:
            moments.setdefault((a.status_changed_at, "awardUpdate"), []).append(a)
    out = []
    for (moment, tag), batch in sorted(moments.items(), key=lambda m: (m[0][0], m[0][1])):
        ps = Parties()
        buyer = ps.add(framework.owner, "buyer", "procuringEntity")
        awards = []
        for a in batch:
            award = {
                "id": f"appointment-{a.pk}",
                "title": f"Lot {a.lot.number}: {a.lot.title}",
                "status": "active" if tag == "award" else "cancelled",
                "date": stamp(a.appointed_at),
                "suppliers": [ps.add(a.supplier, "supplier")],
                "relatedLots": [lot_id(a.lot.number)],
            }
            if tag == "awardUpdate":
                award["description"] = "Removed from the framework."
            awards.append(award)
        suffix = f"appointed-{batch[0].pk}" if tag == "award" else f"removed-{batch[0].pk}"
        out.append(_release(process, suffix, moment, [tag], ps, buyer=buyer, awards=awards))
    return out


# Contracts ----------------------------------------------------------------------------------
def direct_award_releases(contract) -> list[dict]:
    """A call-off by direct award: award and contract at once, linked to its framework."""
    from tenderbox.frameworks.actions import _category_of

    process = ocid(contract.reference)
    lot = contract.framework_lot
    method, details = rules.DIRECT_AWARD
    ps = Parties()
    buyer = ps.add(contract.buyer, "buyer", "procuringEntity")
    supplier = ps.add(contract.supplier, "supplier")
    tender = {
        "id": contract.reference,
        "title": contract.title,
        "description": contract.description,
        "status": "complete",
        "procurementMethod": method,
        "procurementMethodDetails": details,
        "procurementMethodRationale": contract.justification,
        "mainProcurementCategory": _category_of(lot),
        "items": _items(sorted(lot.cpv_codes.all(), key=lambda c: c.code)),
        "techniques": {"hasFrameworkAgreement": True},
        "competitive": False,
    }
    if not tender["procurementMethodRationale"]:
        del tender["procurementMethodRationale"]
    award = {
        "id": award_id(contract),
        "title": contract.title,
        "status": "active",
        "date": stamp(contract.awarded_at),
        "value": money(contract.original_value_excl_vat),
        "suppliers": [supplier],
    }
    related = _framework_link(contract.framework)
    out = [
        _release(
            process,
            "award",
            contract.awarded_at,
            ["tender", "award", "contract"],
            ps,
            buyer=buyer,
            tender=tender,
            awards=[award],
            contracts=[_contract_entry(contract, award_id=award["id"])],
            relatedProcesses=related,
        )
    ]
    return sorted(out + contract_releases(contract, process, related=related), key=lambda r: r["date"])


def award_id(contract) -> str:
    return str(contract.award_id) if contract.award_id else f"{contract.reference}-award"


def _unit(unit: str) -> dict | None:
    """A KPI's unit: percent by its UN/CEFACT code (as the metrics extension recommends), any other
    by its name as the buyer wrote it."""
    if not unit:
        return None
    if unit == "%":
        return {"name": "percent", "scheme": "UNCEFACT", "id": "P1"}
    return {"name": unit}


def _observation(oid: str, measure, unit: str, period: dict | None = None) -> dict:
    observation = {"id": oid}
    if period:
        observation["period"] = period
    observation["measure"] = number(measure)
    if _unit(unit):
        observation["unit"] = _unit(unit)
    return observation


def metric_releases(contract, process: str, parties, *, related=None) -> list[dict]:
    """A contract's KPIs (metrics extension): when they came to apply, a contractUpdate with them as
    `agreedMetrics`, each with its target as an observation (one release per moment, like
    appointments); then each reported value an implementation release with the period's observation
    in `implementation.metrics`. The models keep only a report's latest value, so a corrected value
    is a new release (`-revision-<n>`) and the earlier one is no longer built (decision 0011)."""
    out = []
    metrics = metrics_for(contract)
    moments = {}
    for m in metrics:
        moments.setdefault(m.applies_from, []).append(m)
    for moment, batch in sorted(moments.items()):
        ps, buyer = parties()
        agreed = [
            {
                "id": m.id,
                "title": m.title,
                "description": m.description,
                "observations": [_observation("target", m.target, m.unit)],
            }
            for m in batch
        ]
        out.append(
            _release(
                process,
                f"{contract.reference}-metrics-{batch[0].id}",
                moment,
                ["contractUpdate"],
                ps,
                buyer=buyer,
                contracts=[
                    {"id": contract.reference, "awardID": award_id(contract), "agreedMetrics": agreed}
                ],
                relatedProcesses=related,
            )
        )
    for m in metrics:
        for o in m.observations:
            ps, buyer = parties()
            period = {"startDate": day_start(o.starts_on), "endDate": day_end(o.ends_on)}
            suffix = f"{contract.reference}-{m.id}-{o.id}" + (f"-revision-{o.revision}" if o.revision else "")
            reported = {
                "id": m.id,
                "title": m.title,
                "observations": [_observation(o.id, o.measure, m.unit, period)],
            }
            out.append(
                _release(
                    process,
                    suffix,
                    o.reported_at,
                    ["implementation"],
                    ps,
                    buyer=buyer,
                    contracts=[
                        {
                            "id": contract.reference,
                            "awardID": award_id(contract),
                            "implementation": {"metrics": [reported]},
                        }
                    ],
                    relatedProcesses=related,
                )
            )
    return out


def contract_releases(contract, process: str, *, related=None) -> list[dict]:
    """A contract's life after it is entered into: each variation or extension (contractAmendment,
    PA23 s.74-77), its termination or end, each payment under it (implementation), and its KPIs
    with the values reported against them (metric_releases)."""
    out = []
    changes = sorted(contract.changes.all(), key=lambda c: (c.made_at, c.pk))

    def parties():
        ps = Parties()
        buyer = ps.add(contract.buyer, "buyer")
        ps.add(contract.supplier, "supplier")
        return ps, buyer

    for n, change in enumerate(changes, start=1):
        ps, buyer = parties()
        entry = {
            "id": contract.reference,
            "awardID": award_id(contract),
            "value": money(change.new_value),
            "period": {"startDate": day_start(contract.starts_on), "endDate": day_end(change.new_ends_on)},
            "amendments": [
                {
                    "id": str(c.pk),
                    "date": stamp(c.made_at),
                    "rationale": c.reason,
                    "description": (
                        f"{c.get_kind_display()}: value £{c.old_value:,.2f} to £{c.new_value:,.2f}; "
                        f"end {c.old_ends_on:%-d %B %Y} to {c.new_ends_on:%-d %B %Y}."
                    ),
                }
                for c in changes[:n]
            ],
        }
        out.append(
            _release(
                process,
                f"change-{change.pk}",
                change.made_at,
                ["contractAmendment"],
                ps,
                buyer=buyer,
                contracts=[entry],
                relatedProcesses=related,
            )
        )
    ended = contract.terminated_at or contract.ended_at
    if ended:
        ps, buyer = parties()
        tag = "contractTermination" if contract.terminated_at else "contractUpdate"
        out.append(
            _release(
                process,
                f"{contract.reference}-{contract.status}",
                ended,
                [tag],
                ps,
                buyer=buyer,
                contracts=[{"id": contract.reference, "awardID": award_id(contract), "status": "terminated"}],
                relatedProcesses=related,
            )
        )

    def paying(payer, payee):
        ps = Parties()
        buyer = ps.add(contract.buyer, "buyer")
        ps.add(contract.supplier, "supplier")
        return ps, buyer, ps.add(payer, "payer"), ps.add(payee, "payee")

    # Most payments are from the buyer to the supplier: their parties are built once a contract,
    # and the releases share them (nothing changes a release once built; the export writes it).
    usual = None
    for t in transactions_for(contract):
        if t.payer is None and t.payee is None:
            usual = usual or paying(contract.buyer, contract.supplier)
            ps, buyer, payer, payee = usual
        else:
            ps, buyer, payer, payee = paying(t.payer or contract.buyer, t.payee or contract.supplier)
        transaction = {
            "id": t.id,
            "date": stamp(t.date),
            "value": money(t.amount),
            "payer": payer,
            "payee": payee,
        }
        if t.uri:
            transaction["uri"] = t.uri
        out.append(
            _release(
                process,
                f"{contract.reference}-transaction-{t.id}",
                t.date,
                ["implementation"],
                ps,
                buyer=buyer,
                contracts=[
                    {
                        "id": contract.reference,
                        "awardID": award_id(contract),
                        "implementation": {"transactions": [transaction]},
                    }
                ],
                relatedProcesses=related,
            )
        )
    return out + metric_releases(contract, process, parties, related=related)
