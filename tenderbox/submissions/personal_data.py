"""Privacy map declarations for responses (see privacy/map.py).

A submitted tender may hold personal data (a sole trader's details, CVs of key staff): it is kept up
to 7 years to make reapplying easier (policy 4.1.1), never less than 3 years after the contract
(Procurement Act 2023 s.98). The sealed content is exported to its author only once opened.
"""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Export as X
from tenderbox.privacy.map import Field, fields

TENDER = ("procurement_assessment", "tender_reuse")
LINK_NOTE = "Points at the account, which erasure anonymises."

PERSONAL = [
    *fields(
        "submissions.Response",
        "created_by",
        C.LINK,
        TENDER,
        "tender_submission",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "submissions.Response",
        "draft",
        C.BUSINESS,
        TENDER,
        "tender_submission",
        export=X.INCLUDE,
        erasure=E.DELETE,
        note="The supplier's encrypted working copy; decrypted for its own organisation.",
    ),
    Field(
        "submissions.ResponseVersion",
        "submitted_by",
        C.LINK,
        TENDER,
        "tender_submission",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "submissions.ResponseVersion",
        "sealed",
        C.BUSINESS,
        TENDER,
        "tender_submission",
        export=X.DESCRIBE,
        erasure=E.KEEP,
        note="Sealed until opening; kept under the tender retention floor (PA23 s.98), then emptied by "
        "retention.",
    ),
    Field(
        "submissions.ResponseDocument",
        "uploaded_by",
        C.LINK,
        TENDER,
        "tender_submission",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    *fields(
        "submissions.ResponseDocument",
        "file filename_sealed",
        C.BUSINESS,
        TENDER,
        "tender_submission",
        export=X.DESCRIBE,
        erasure=E.KEEP,
        note="Encrypted; part of the tender record until retention purges it.",
    ),
    Field(
        "submissions.SupplierProfile",
        "updated_by",
        C.LINK,
        ("tender_reuse",),
        "organisation",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    *fields(
        "submissions.SupplierProfile",
        "public_liability_cover employers_liability_cover insurance_expiry accreditations annual_turnover",
        C.BUSINESS,
        ("tender_reuse",),
        "organisation",
        note="Personal data only for a sole trader.",
    ),
    Field(
        "submissions.ProfileDocument",
        "uploaded_by",
        C.LINK,
        ("tender_reuse",),
        "organisation",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    *fields(
        "submissions.ProfileDocument",
        "file filename",
        C.BUSINESS,
        ("tender_reuse",),
        "organisation",
        erasure=E.DELETE,
        note="Encrypted; a sole trader's certificates are personal data.",
    ),
    Field(
        "submissions.OpeningApproval",
        "approved_by",
        C.LINK,
        ("procurement_assessment",),
        "procurement_records",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
]

NOT_PERSONAL = {
    "submissions.ProcurementKey": "id procurement public_key wrapped_private_key created_at",
    "submissions.SupplierProfile": "id supplier updated_at declarations_confirmed_at",
    "submissions.ProfileDocument": "id supplier kind wrapped_key content_type size sha256 uploaded_at",
    "submissions.Response": "id procurement supplier status created_at updated_at submitted_at withdrawn_at "
    "shortened_retention_requested_at retention_purged_at",
    "submissions.ResponseVersion": "id response number submitted_at receipt_sha256 idempotency_key",
    "submissions.ResponseDocument": "id response wrapped_key content_type size sha256 uploaded_at in_draft",
    "submissions.OpeningApproval": "id procurement approved_at",
}
