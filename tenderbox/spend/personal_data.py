"""Privacy map declarations for spend, MI returns, fees, subscriptions and payments (see privacy/map.py).

Spend under frameworks is a financial record and published spending: kept at least 7 years from the
transaction (policy 4.1.3, rule framework_transactions). Fees, subscriptions and their payments are
financial records kept at least 7 years from payment (policy 4.1.4, rule fees_and_subscriptions).
Who recorded or uploaded something is a link to an account, which erasure anonymises; the record
stays. The one place a person's own details are stored is a payment's billing contact: kept under
the floor (erasure cannot remove a financial record the law keeps), blanked once it has passed
(privacy/retention_policies.PaymentBillingContacts). A sole trader supplier is identified through
the organisation, declared there.
"""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Field, fields

LINK_NOTE = "Points at the account, which erasure anonymises; the financial record stays."

PERSONAL = [
    Field(
        "spend.SpendRecord",
        "recorded_by",
        C.LINK,
        ("financial_records",),
        "framework_transactions",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "spend.MIReturn",
        "uploaded_by",
        C.LINK,
        ("financial_records",),
        "framework_transactions",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "spend.FeeInvoice",
        "issued_by",
        C.LINK,
        ("financial_records",),
        "fees_and_subscriptions",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "spend.Payment",
        "recorded_by",
        C.LINK,
        ("financial_records",),
        "fees_and_subscriptions",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    *fields(
        "spend.Payment",
        "payer_name payer_email",
        C.CONTACT,
        ("financial_records",),
        "fees_and_subscriptions",
        erasure=E.KEEP,
        note="The billing contact of a financial record: kept 7 years from payment (policy 4.1.4), "
        "then blanked by the retention job.",
    ),
]

NOT_PERSONAL = {
    "spend.SpendRecord": "id contract source mi_return line_number period invoice_date paid_on "
    "transaction_number description category amount_excl_vat vat recorded_at",
    "spend.MIReturn": "id supplier contract framework period status is_nil file filename content_type size "
    "sha256 line_count total_excl_vat total_vat uploaded_at superseded_at superseded_by",
    "spend.ReturnChase": "id contract period sent_at recipients",
    "spend.SpendWarning": "id contract threshold contract_value spent sent_at",
    "spend.FeeInvoice": "id number framework supplier period declared_spend fee_rate amount status "
    "issued_at paid_at",
    "spend.Subscription": "id organisation plan period_start period_end amount_excl_vat vat created_at",
    "spend.Payment": "id subscription fee_invoice amount paid_at reference method recorded_at",
}
