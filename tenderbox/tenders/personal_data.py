"""Privacy map declarations for procurements (see privacy/map.py).

Procurements are an authority's records, not personal data, except for who did what (links to
accounts, which erasure anonymises) and clarification questions, which are pre-contract
communications with suppliers kept for at least 3 years (Procurement Act 2023 s.98).
"""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Field, fields

RECORDS = ("procurement_assessment",)
LINK_NOTE = "Points at the account, which erasure anonymises; the procurement record stays."

PERSONAL = [
    *fields(
        "tenders.Procurement",
        "created_by published_by",
        C.LINK,
        RECORDS,
        "procurement_records",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "tenders.Document",
        "uploaded_by",
        C.LINK,
        RECORDS,
        "procurement_records",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "tenders.Amendment",
        "created_by",
        C.LINK,
        RECORDS,
        "procurement_records",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "tenders.Interest",
        "registered_by",
        C.LINK,
        ("portal_service",),
        "procurement_records",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    *fields(
        "tenders.Clarification",
        "asked_by answered_by",
        C.LINK,
        RECORDS,
        "procurement_records",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "tenders.Clarification",
        "question",
        C.COMMUNICATIONS,
        RECORDS,
        "procurement_records",
        erasure=E.KEEP,
        note="Pre-contract communication (PA23 s.98); published without the asker's name.",
    ),
]

NOT_PERSONAL = {
    "tenders.CpvCode": "code description prefix",
    "tenders.SearchVersion": "id value",
    "tenders.Procurement": "id buyer reference title description category cpv_codes cpv_words main_cpv "
    "value_excl_vat vat region regime procedure framework_lot light_touch urgent planned_notice price_method "
    "clarification_deadline "
    "submission_deadline expected_award_date contract_start contract_end status created_at published_at "
    "closed_at opened_at awarded_at standstill_ends_at contracted_at cancelled_at cancellation_reason "
    "next_transition_at",
    "tenders.Procurement_cpv_codes": "id procurement cpvcode",
    "tenders.Lot": "id procurement number title description value_excl_vat cpv_codes",
    "tenders.Lot_cpv_codes": "id lot cpvcode",
    "tenders.AwardCriterion": "id procurement number kind name guidance weight max_score",
    "tenders.SelectionQuestion": "id procurement number text is_exclusion_ground",
    "tenders.Document": "id procurement title file filename content_type size sha256 uploaded_at",
    "tenders.Amendment": "id procurement reason summary old_deadline new_deadline created_at",
    "tenders.Notice": "id procurement kind published_at summary",
    "tenders.Interest": "id procurement supplier registered_at",
    "tenders.Clarification": "id procurement asked_by_supplier asked_at answer answered_at",
}
