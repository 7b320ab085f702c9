"""Privacy map declarations for models that come from Django and third-party packages."""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Export as X
from tenderbox.privacy.map import Field, fields

SECURITY = ("security",)

PERSONAL = [
    # Django sessions: who is signed in on which device.
    Field(
        "sessions.Session",
        "session_data",
        C.ONLINE,
        SECURITY,
        "session",
        export=X.DESCRIBE,
        erasure=E.DELETE,
        note="Erasure signs the person out everywhere.",
    ),
    # Django admin's change log: staff actions (Tenderbox staff only).
    *fields(
        "admin.LogEntry",
        "user action_time object_repr change_message",
        C.ACCOUNT,
        SECURITY,
        "security_log",
        erasure=E.DELETE,
    ),
    # Two-factor devices: the TOTP secret is a credential, never exported.
    *fields(
        "otp_totp.TOTPDevice",
        "user name created_at last_used_at",
        C.CREDENTIALS,
        SECURITY,
        "account_unused",
        erasure=E.DELETE,
    ),
    Field(
        "otp_totp.TOTPDevice",
        "key",
        C.CREDENTIALS,
        SECURITY,
        "account_unused",
        export=X.DESCRIBE,
        erasure=E.DELETE,
    ),
    *fields(
        "otp_static.StaticDevice",
        "user name created_at last_used_at",
        C.CREDENTIALS,
        SECURITY,
        "account_unused",
        erasure=E.DELETE,
    ),
    Field(
        "otp_static.StaticToken",
        "token",
        C.CREDENTIALS,
        SECURITY,
        "account_unused",
        export=X.DESCRIBE,
        erasure=E.DELETE,
    ),
    # Sign-in throttling (django-axes): addresses and attempted usernames.
    *fields(
        "axes.AccessAttempt",
        "user_agent ip_address username http_accept path_info attempt_time get_data post_data",
        C.ONLINE,
        SECURITY,
        "security_log",
        erasure=E.DELETE,
    ),
    *fields(
        "axes.AccessFailureLog",
        "user_agent ip_address username http_accept path_info attempt_time",
        C.ONLINE,
        SECURITY,
        "security_log",
        erasure=E.DELETE,
    ),
    *fields(
        "axes.AccessLog",
        "user_agent ip_address username http_accept path_info attempt_time logout_time session_hash",
        C.ONLINE,
        SECURITY,
        "security_log",
        erasure=E.DELETE,
    ),
]

NOT_PERSONAL = {
    "sessions.Session": "session_key expire_date",
    "admin.LogEntry": "id content_type object_id action_flag",
    "auth.Permission": "id name content_type codename",
    "auth.Group": "id name permissions",
    "auth.Group_permissions": "id group permission",
    "contenttypes.ContentType": "id app_label model",
    "otp_totp.TOTPDevice": "id confirmed throttling_failure_timestamp throttling_failure_count step t0 "
    "digits tolerance drift last_t",
    "otp_static.StaticDevice": "id confirmed throttling_failure_timestamp throttling_failure_count",
    "otp_static.StaticToken": "id device",
    "axes.AccessAttempt": "id failures_since_start",
    "axes.AccessFailureLog": "id locked_out",
    "axes.AccessAttemptExpiration": "access_attempt expires_at",
    "axes.AccessLog": "id",
}
