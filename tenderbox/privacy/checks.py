"""The one question every place that sends or processes personal data asks first: may this person's
data be used for this purpose now? Restriction (Art. 18) stops everything but storage; an objection
(Art. 21) stops a legitimate-interest purpose unless overriding grounds are recorded; marketing needs
a live consent and no suppression entry, checked at the moment of sending."""

from tenderbox.privacy.models import ConsentRecord, MarketingSuppression, Objection, Restriction
from tenderbox.privacy.register import PURPOSES, LegalBasis

# Purposes that restriction stops: everything beyond storage and the service the person uses.
RESTRICTED_PURPOSES = frozenset(
    {
        "opportunity_alerts",
        "marketing",
        "recommendations",
        "statistics",
        "effectiveness",
        "kpi_reporting",
        "fraud_prevention",
    }
)


def is_restricted(user) -> bool:
    return Restriction.objects.filter(user=user, lifted_at=None).exists()


def has_objected(user, purpose: str) -> bool:
    return Objection.objects.filter(user=user, purpose=purpose, ended_at=None, overriding_grounds="").exists()


def has_marketing_consent(user) -> bool:
    return ConsentRecord.objects.filter(
        user=user, purpose=ConsentRecord.Purpose.MARKETING, withdrawn_at=None
    ).exists()


def is_suppressed(email: str) -> bool:
    return MarketingSuppression.objects.filter(email=email.strip().lower()).exists()


def may_process(user, purpose: str) -> bool:
    """True when `user`'s data may be used for `purpose` (a register key) right now."""
    entry = PURPOSES[purpose]
    if user is None or getattr(user, "erased_at", None) is not None:
        return False
    if purpose in RESTRICTED_PURPOSES and is_restricted(user):
        return False
    if entry.basis == LegalBasis.LEGITIMATE_INTEREST and has_objected(user, purpose):
        return False
    if purpose == "marketing":
        return (
            has_marketing_consent(user) and not is_suppressed(user.email) and not has_objected(user, purpose)
        )
    return True
