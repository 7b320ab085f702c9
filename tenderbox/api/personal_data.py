"""Privacy map declarations for API tokens (see privacy/map.py)."""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Field

PERSONAL = [
    Field(
        "api.ApiToken",
        "created_by",
        C.LINK,
        ("security",),
        "security_log",
        erasure=E.DELETE,
        note="Erasure deletes the person's tokens.",
    ),
    Field("api.ApiToken", "last_used_at", C.ONLINE, ("security",), "security_log", erasure=E.DELETE),
]

NOT_PERSONAL = {
    "api.ApiToken": "id organisation name token_hash prefix scope created_at expires_at revoked_at",
}
