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
    Field(
        "notifications.Message",
        "unsubscribe_url",
        C.ONLINE,
        ("communications_monitoring",),
        "account_unused",
        erasure=E.DELETE,
        note="Signed link naming the subscription; deleted with the message.",
    ),
    *fields(
        "notifications.AlertSubscription",
        "user name regions keywords value_min value_max frequency cpv_codes created_at last_digest_at active",
        C.ACCOUNT,
        ("opportunity_alerts",),
        "account_unused",
        erasure=E.DELETE,
        note="What the person asked to be alerted about.",
    ),
    *fields(
        "notifications.AlertDelivery",
        "subscription procurement created_at message",
        C.COMMUNICATIONS,
        ("opportunity_alerts",),
        "account_unused",
        erasure=E.DELETE,
    ),
]

NOT_PERSONAL = {
    "notifications.Message": "id purpose status attempts last_error",
    "notifications.AlertSubscription": "id",
    "notifications.AlertSubscription_cpv_codes": "id alertsubscription cpvcode",
    "notifications.AlertDelivery": "id",
}
