"""Privacy map declarations for organisations (see privacy/map.py).

An organisation's details are a company's, not a person's, except for a sole trader, whose legal
name, trading name, address and contacts identify them: those fields are declared personal, and
erasure applies to them only when `is_sole_trader` is set (the organisation's published record is
anonymised, the procurement history kept).
"""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Field, fields

SOLE_TRADER_NOTE = "Personal data only for a sole trader; erased or anonymised only then."

PERSONAL = [
    *fields(
        "organisations.Organisation",
        "name trading_name",
        C.BUSINESS,
        ("portal_service", "procurement_assessment", "legal_publication"),
        "organisation",
        erasure=E.ANONYMISE,
        note=SOLE_TRADER_NOTE,
    ),
    *fields(
        "organisations.Organisation",
        "address_line_1 address_line_2 town postcode phone contact_email vat_number",
        C.BUSINESS,
        ("portal_service", "procurement_assessment", "legal_publication"),
        "organisation",
        note=SOLE_TRADER_NOTE,
    ),
    *fields(
        "organisations.Membership",
        "user",
        C.LINK,
        ("portal_service",),
        "membership",
        erasure=E.DELETE,
    ),
    Field(
        "organisations.Membership",
        "created_at",
        C.ACCOUNT,
        ("portal_service",),
        "membership",
        erasure=E.DELETE,
    ),
    Field(
        "organisations.Invitation",
        "email",
        C.CONTACT,
        ("portal_service",),
        "invitation",
        erasure=E.DELETE,
    ),
    *fields(
        "organisations.Invitation",
        "invited_by accepted_by",
        C.LINK,
        ("portal_service",),
        "invitation",
        erasure=E.FOLLOWS,
        note="Points at the account, which erasure anonymises.",
    ),
]

NOT_PERSONAL = {
    "organisations.Organisation": "id kind authority_type companies_house_number region size is_vcse "
    "is_sole_trader created_at",
    "organisations.Membership": "id organisation role",
    "organisations.Invitation": "id organisation role token_hash created_at expires_at accepted_at "
    "revoked_at",
}
