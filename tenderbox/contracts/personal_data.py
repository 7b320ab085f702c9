"""Privacy map declarations for contracts (see privacy/map.py).

Contracts are financial and procurement records: purchases and supply under frameworks are kept at
least 7 years (the policy; financial records). Who awarded or changed a contract are links to
accounts, which erasure anonymises; the contract stays. A sole trader supplier is identified through
the organisation, declared there.
"""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Field

LINK_NOTE = "Points at the account, which erasure anonymises; the contract record stays."

PERSONAL = [
    Field(
        "contracts.Contract",
        "awarded_by",
        C.LINK,
        ("financial_records",),
        "framework_transactions",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "contracts.ContractChange",
        "made_by",
        C.LINK,
        ("financial_records",),
        "framework_transactions",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
]

NOT_PERSONAL = {
    "contracts.Contract": "id reference buyer supplier framework framework_lot procurement award route "
    "justification title description category value_excl_vat original_value_excl_vat starts_on ends_on "
    "original_ends_on delivery_postcode delivery_region status awarded_at ended_at terminated_at "
    "termination_reason next_transition_at",
    "contracts.ContractChange": "id contract kind reason old_value new_value old_ends_on new_ends_on made_at",
}
