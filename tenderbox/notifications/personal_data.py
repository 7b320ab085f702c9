"""Privacy map declarations for the communications archive (see privacy/map.py)."""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Field, fields

PERSONAL = [
    Field(
        "notifications.Message",
        "recipient",
        C.LINK,
        ("communications_monitoring",),
        "account_unused",
        erasure=E.DELETE,
        note="Erasure deletes the person's messages.",
    ),
    *fields(
        "notifications.Message",
        "to_email subject body",
        C.COMMUNICATIONS,
        ("communications_monitoring",),
        "account_unused",
        erasure=E.DELETE,
    ),
    *fields(
        "notifications.Message",
        "created_at sent_at",
        C.COMMUNICATIONS,
        ("communications_monitoring",),
        "account_unused",
        erasure=E.DELETE,
    ),
]

NOT_PERSONAL = {"notifications.Message": "id purpose status attempts last_error"}
