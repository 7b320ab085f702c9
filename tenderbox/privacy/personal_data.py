"""Privacy map declarations for consent records (see privacy/map.py)."""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Field, fields

PERSONAL = [
    *fields(
        "privacy.ConsentRecord",
        "user",
        C.LINK,
        ("privacy_rights",),
        "consent_evidence",
        erasure=E.DELETE,
    ),
    *fields(
        "privacy.ConsentRecord",
        "purpose wording version source given_at withdrawn_at withdrawn_via",
        C.CONSENT,
        ("privacy_rights",),
        "consent_evidence",
        erasure=E.DELETE,
        note="A withdrawn marketing consent leaves a suppression entry (marketing_suppression).",
    ),
    Field(
        "privacy.MarketingSuppression",
        "email",
        C.CONTACT,
        ("marketing",),
        "marketing_suppression",
        erasure=E.KEEP,
        note="Kept after erasure so the person is never mailed marketing again (Art. 21(3)).",
    ),
    Field(
        "privacy.MarketingSuppression",
        "created_at",
        C.CONSENT,
        ("marketing",),
        "marketing_suppression",
        erasure=E.KEEP,
    ),
    *fields(
        "privacy.Objection",
        "user purpose recorded_at overriding_grounds ended_at",
        C.CONSENT,
        ("privacy_rights",),
        "consent_evidence",
        erasure=E.DELETE,
    ),
    *fields(
        "privacy.Restriction",
        "user reason started_at lifted_at",
        C.CONSENT,
        ("privacy_rights",),
        "consent_evidence",
        erasure=E.KEEP,
        note="Kept while restricted data is kept, to show it was restricted.",
    ),
]

NOT_PERSONAL = {
    "privacy.ConsentRecord": "id",
    "privacy.MarketingSuppression": "id",
    "privacy.Objection": "id",
    "privacy.Restriction": "id",
}
