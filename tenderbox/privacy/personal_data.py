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

PERSONAL += [
    *fields(
        "privacy.LegalHold",
        "user",
        C.LINK,
        ("privacy_rights",),
        "legal_hold",
        erasure=E.KEEP,
        note="A hold stops erasure of the person it names while it is in force (Art. 17(3)(e)).",
    ),
    *fields(
        "privacy.LegalHold",
        "placed_by lifted_by",
        C.LINK,
        ("privacy_rights",),
        "legal_hold",
        erasure=E.FOLLOWS,
        note="Staff who placed or lifted it; points at the account.",
    ),
    *fields(
        "privacy.RetentionNotice",
        "user activity_at warned_at removal_on",
        C.ACCOUNT,
        ("portal_service",),
        "account_unused",
        erasure=E.DELETE,
        note="That the person was told their unused account would be removed, and when.",
    ),
    *fields(
        "privacy.Complaint",
        "name email user details received_at outcome",
        C.COMMUNICATIONS,
        ("privacy_rights",),
        "consent_evidence",
        erasure=E.KEEP,
        note="Kept to show how the complaint was handled; erased 12 months after it closed.",
    ),
    Field(
        "privacy.Breach",
        "recorded_by",
        C.LINK,
        ("security",),
        "security_log",
        erasure=E.FOLLOWS,
        note="Points at the staff account.",
    ),
]

NOT_PERSONAL = {
    "privacy.LegalHold": "id organisation procurement reason placed_at lifted_at",
    "privacy.RetentionNotice": "id",
    "privacy.RetentionRun": "id started_at finished_at running",
    "privacy.RetentionCursor": "id run population last_pk done applied warned notice_running kept_by_floor "
    "held kept not_due",
    "privacy.ConsentRecord": "id",
    "privacy.MarketingSuppression": "id",
    "privacy.Objection": "id",
    "privacy.Restriction": "id",
    "privacy.Processor": "id name service data_processed location due_diligence_on agreement_in_place",
    "privacy.Breach": "id description became_aware_at risk_to_people high_risk reported_to_ico_at "
    "people_told_at actions_taken",
    "privacy.Complaint": "id status acknowledged_at closed_at",
}

# Privacy notice versions (privacy/notice_models.py): who was emailed, saw and accepted which version.
PERSONAL += [
    *fields(
        "privacy.NoticeAcknowledgement",
        "user emailed_at seen_at accepted_at accepted_via",
        C.ACCOUNT,
        ("privacy_rights",),
        "account_unused",
        erasure=E.DELETE,
        note="Which version of the privacy notice the person was emailed, shown and accepted, and when.",
    ),
    Field(
        "privacy.NoticeVersion",
        "published_by",
        C.LINK,
        ("privacy_rights",),
        "notice_versions",
        erasure=E.FOLLOWS,
        note="Staff who published the version; points at the account.",
    ),
]
NOT_PERSONAL |= {
    "privacy.NoticeVersion": "id version summary effective_on published_at emails_done_at",
    "privacy.NoticeSection": "id notice position key heading body",
    "privacy.NoticeAcknowledgement": "id notice",
}
