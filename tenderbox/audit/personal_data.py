"""Privacy map declarations for the audit trail (see privacy/map.py and decision 0002)."""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Field, fields

PERSONAL = [
    *fields(
        "audit.AuditEvent",
        "actor_label ip_address personal_salt",
        C.ONLINE,
        ("security",),
        "security_log",
        note="Outside the hash chain: blanked on erasure or after 12 months; the chain still verifies.",
    ),
    *fields(
        "audit.AuditEvent",
        "actor_id subject_user_id",
        C.LINK,
        ("security", "privacy_rights"),
        "procurement_records",
        erasure=E.UNLINKED,
        note="Ids of an anonymised account identify nobody; they keep the trail's shape.",
    ),
    Field(
        "audit.AuditEvent",
        "created_at",
        C.ACCOUNT,
        ("security",),
        "procurement_records",
        erasure=E.UNLINKED,
    ),
    Field(
        "audit.AuditEvent",
        "verb",
        C.ACCOUNT,
        ("security",),
        "procurement_records",
        erasure=E.UNLINKED,
        note="What the person did, e.g. user.signed_in.",
    ),
]

NOT_PERSONAL = {
    "audit.AuditEvent": "id seq organisation_id object_type object_id before after personal_digest "
    "prev_hash hash",
    "audit.AuditChainHead": "id last_seq last_hash",
}
