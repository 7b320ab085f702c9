"""Legal holds: placing and lifting them (audited), and the set in force that retention consults.

A hold on a person, an organisation or a procurement stops every retention rule and erasure from
touching their records while it is in force (UK GDPR Art. 17(3)(e): legal claims).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.privacy.models import LegalHold


def place_legal_hold(*, by, reason: str, user=None, organisation=None, procurement=None, request=None):
    """Hold one person's, organisation's or procurement's records (exactly one target)."""
    targets = [t for t in (user, organisation, procurement) if t is not None]
    if len(targets) != 1:
        raise DomainError("A legal hold is on exactly one person, organisation or procurement.")
    if not reason.strip():
        raise DomainError("Give the reason for the hold: the reference of the claim, request or order.")
    with transaction.atomic():
        hold = LegalHold.objects.create(
            user=user,
            organisation=organisation,
            procurement=procurement,
            reason=reason.strip(),
            placed_by=by,
            placed_at=timezone.now(),
        )
        record(
            "legal_hold.placed",
            actor=by,
            obj=hold,
            organisation=organisation,
            subject=user,
            after={"target": hold.target_label},
            request=request,
        )
    return hold


def lift_legal_hold(hold: LegalHold, *, by, request=None) -> LegalHold:
    """Lift a hold: the held records fall under their retention rules again from the next run."""
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at is not None:
            raise Conflict("This legal hold was already lifted.")
        hold.lifted_at = timezone.now()
        hold.lifted_by = by
        hold.save(update_fields=["lifted_at", "lifted_by"])
        record(
            "legal_hold.lifted",
            actor=by,
            obj=hold,
            organisation=hold.organisation,
            subject=hold.user,
            after={"target": hold.target_label},
            request=request,
        )
    return hold


@dataclass(frozen=True)
class Holds:
    """The ids under a hold in force. Holds are few, so the retention job reads them once per batch."""

    users: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()
    procurements: frozenset[int] = frozenset()

    @classmethod
    def in_force(cls) -> "Holds":
        users, organisations, procurements = set(), set(), set()
        rows = LegalHold.objects.in_force().values_list("user_id", "organisation_id", "procurement_id")
        for user_id, organisation_id, procurement_id in rows:
            if user_id:
                users.add(user_id)
            if organisation_id:
                organisations.add(organisation_id)
            if procurement_id:
                procurements.add(procurement_id)
        return cls(frozenset(users), frozenset(organisations), frozenset(procurements))

    def __bool__(self) -> bool:
        return bool(self.users or self.organisations or self.procurements)

    def describe(self, *, users=(), organisations=(), procurements=()) -> list[str]:
        """Which of these ids are held, as labels (for explanations)."""
        found = [f"accounts.user #{pk}" for pk in sorted(set(users) & self.users)]
        found += [
            f"organisations.organisation #{pk}" for pk in sorted(set(organisations) & self.organisations)
        ]
        found += [f"tenders.procurement #{pk}" for pk in sorted(set(procurements) & self.procurements)]
        return found
