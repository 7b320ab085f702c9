"""Privacy map declarations for consent records (see privacy/map.py)."""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import fields

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
]

NOT_PERSONAL = {"privacy.ConsentRecord": "id"}
