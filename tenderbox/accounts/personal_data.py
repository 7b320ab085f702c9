"""Privacy map declarations for accounts (see privacy/map.py)."""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Export as X
from tenderbox.privacy.map import Field, fields

SERVICE = ("portal_service",)

PERSONAL = [
    Field(
        "accounts.User",
        "email",
        C.CONTACT,
        ("portal_service", "security"),
        "account_unused",
        erasure=E.ANONYMISE,
        note="Replaced by erased-<id>@invalid so the row keeps its unique key.",
    ),
    Field(
        "accounts.User",
        "full_name",
        C.IDENTITY,
        SERVICE,
        "account_unused",
        erasure=E.ANONYMISE,
        note="Replaced by 'Erased user'.",
    ),
    Field("accounts.User", "phone", C.CONTACT, SERVICE, "account_unused"),
    Field(
        "accounts.User",
        "password",
        C.CREDENTIALS,
        ("security",),
        "account_unused",
        export=X.DESCRIBE,
        erasure=E.ANONYMISE,
        note="Argon2 hash; replaced by an unusable password.",
    ),
    *fields(
        "accounts.User",
        "last_login date_joined email_verified_at",
        C.ACCOUNT,
        ("security",),
        "account_unused",
        erasure=E.UNLINKED,
        note="Dates of an anonymised account identify nobody.",
    ),
    Field(
        "accounts.User",
        "adult_declared_at",
        C.ACCOUNT,
        SERVICE,
        "account_unused",
        erasure=E.UNLINKED,
        note="Evidence of the 18+ declaration (policy 1.3).",
    ),
    Field(
        "accounts.User",
        "privacy_notice_version",
        C.ACCOUNT,
        ("privacy_rights",),
        "account_unused",
        erasure=E.UNLINKED,
    ),
    *fields("accounts.User_groups", "user", C.LINK, ("security",), "account_unused", erasure=E.DELETE),
    *fields(
        "accounts.User_user_permissions",
        "user",
        C.LINK,
        ("security",),
        "account_unused",
        erasure=E.DELETE,
    ),
    *fields(
        "accounts.SignupScreening",
        "user ip_address network score rules_fired decision screened_at "
        "review_requested_at representations reviewed_by reviewed_at review_reason",
        C.ACCOUNT,
        ("fraud_prevention",),
        "account_unused",
        erasure=E.DELETE,
        note="An automated decision and its human review (UK GDPR Arts. 22A-22D).",
    ),
]

NOT_PERSONAL = {
    "accounts.User": "id is_superuser is_staff is_active erased_at groups user_permissions",
    "accounts.User_groups": "id group",
    "accounts.User_user_permissions": "id permission",
    "accounts.SignupScreening": "id",
}
