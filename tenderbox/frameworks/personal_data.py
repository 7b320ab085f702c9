"""Privacy map declarations for frameworks (see privacy/map.py).

A framework is an authority's record. Who set it up, appointed, suspended or removed a supplier are
links to accounts (erasure anonymises the account; the record stays). A supplier's appointment is
published (PA23 s.45; the policy's transparency promise) and kept until 12 months after the
framework's term ends, extensions included (the policy's framework-supplier rule); a sole trader's
name reaches it only through the organisation, which has its own declaration.
"""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import fields

LINK_NOTE = "Points at the account, which erasure anonymises; the framework record stays."

PERSONAL = [
    *fields(
        "frameworks.Framework",
        "created_by went_live_by",
        C.LINK,
        ("legal_publication",),
        "framework_supplier",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    *fields(
        "frameworks.FrameworkDocument",
        "uploaded_by",
        C.LINK,
        ("legal_publication",),
        "framework_supplier",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    *fields(
        "frameworks.Appointment",
        "appointed_by status_changed_by",
        C.LINK,
        ("legal_publication",),
        "framework_supplier",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
]

NOT_PERSONAL = {
    "frameworks.Framework": "id owner reference title description procurement let_elsewhere_reference "
    "starts_on ends_on original_ends_on extendable_to fee_rate call_off_minimum_days named_authorities "
    "status "
    "created_at went_live_at expired_at next_transition_at",
    "frameworks.Framework_named_authorities": "id framework organisation",
    "frameworks.EligibilityRule": "id framework authority_type region",
    "frameworks.FrameworkLot": "id framework number title scope cpv_codes max_value max_suppliers "
    "call_off_method direct_award_criteria",
    "frameworks.FrameworkLot_cpv_codes": "id frameworklot cpvcode",
    "frameworks.FrameworkDocument": "id framework title file filename content_type size sha256 uploaded_at",
    "frameworks.Appointment": "id lot supplier source award status appointed_at status_changed_at "
    "status_reason",
    "frameworks.CompetitionInvitation": "id procurement appointment invited_at",
    "frameworks.ExpiryWarning": "id framework ends_on days sent_at",
}
