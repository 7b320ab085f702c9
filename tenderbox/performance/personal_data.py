"""Privacy map declarations for contract performance (see privacy/map.py).

KPI reports, ratings and feedback are records of how a contract was performed: they feed the contract
performance notice (PA23 s.71) and any later exclusion decision on poor performance, so they stay with
the contract under the financial-records floor the contracts app uses (7 years). Who set a KPI,
reported a value or gave a rating are links to accounts, which erasure anonymises; the record stays.
A supplier's comment and a buyer's written feedback are free text that may name people (a site
manager, a member of the supplier's staff): they are kept under the floor and included in the export
of the person who wrote them.
"""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Field

PURPOSES = ("kpi_reporting",)
RETENTION = "framework_transactions"
LINK_NOTE = "Points at the account, which erasure anonymises; the performance record stays."

PERSONAL = [
    Field("performance.Kpi", "created_by", C.LINK, PURPOSES, RETENTION, erasure=E.FOLLOWS, note=LINK_NOTE),
    Field(
        "performance.KpiReport", "reported_by", C.LINK, PURPOSES, RETENTION, erasure=E.FOLLOWS, note=LINK_NOTE
    ),
    Field(
        "performance.KpiReport",
        "comment",
        C.ACCOUNT,
        PURPOSES,
        RETENTION,
        erasure=E.KEEP,
        note="The supplier's free-text explanation of a period's value; may name people.",
    ),
    Field(
        "performance.PerformanceRating",
        "rated_by",
        C.LINK,
        PURPOSES,
        RETENTION,
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "performance.PerformanceRating",
        "feedback",
        C.ACCOUNT,
        PURPOSES,
        RETENTION,
        erasure=E.KEEP,
        note="The buyer's written assessment (PA23 s.71); may name the supplier's staff, and a sole "
        "trader by name.",
    ),
]

NOT_PERSONAL = {
    "performance.Kpi": "id framework contract name description unit target period direction created_at",
    "performance.KpiReport": "id kpi contract period_start period_end value reported_at corrections",
    "performance.PerformanceRating": "id contract period_kind period_start period_end rating rated_at "
    "corrections",
    "performance.ReportChase": "id kpi contract period_start sent_at",
}
