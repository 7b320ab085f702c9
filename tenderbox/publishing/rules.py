"""Pure mappings from Tenderbox's procurement law facts to OCDS codes (DOMAIN.md, OCDS mapping).

No database: each takes plain values and returns codes or text, so one test covers each branch.
"""

from tenderbox.tenders import rules as tender_rules

# procedure -> (OCDS procurementMethod, procurementMethodDetails under PA23)
METHODS = {
    # PA23 s.20(2)(a): one stage, anyone may tender.
    tender_rules.OPEN: ("open", "Open procedure (Procurement Act 2023 s.20(2)(a))"),
    # PA23 s.20(2)(b): any design the authority sets; it may short-list, so selective.
    tender_rules.COMPETITIVE_FLEXIBLE: (
        "selective",
        "Competitive flexible procedure (Procurement Act 2023 s.20(2)(b))",
    ),
    # PA23 s.84-88: advertised below-threshold contracts, open to anyone.
    tender_rules.QUICK_QUOTE: ("open", "Below-threshold open competition (Procurement Act 2023 s.84-88)"),
    # PA23 s.46: only the framework's suppliers take part.
    tender_rules.FURTHER_COMPETITION: (
        "selective",
        "Competitive selection process under a framework (Procurement Act 2023 s.46)",
    ),
}
PCR_METHODS = {
    tender_rules.OPEN: ("open", "Open procedure (Public Contracts Regulations 2015 reg. 27)"),
    tender_rules.COMPETITIVE_FLEXIBLE: ("selective", "Restricted or negotiated procedure (PCR 2015)"),
}
DIRECT_AWARD = (
    "limited",
    "Direct award under a framework, without further competition (Procurement Act 2023 s.45-47)",
)


def procurement_method(procedure: str, regime: str = tender_rules.PA23) -> tuple[str, str]:
    if regime == tender_rules.PCR2015 and procedure in PCR_METHODS:
        return PCR_METHODS[procedure]
    return METHODS.get(procedure, ("open", procedure.replace("_", " ").capitalize()))


def scale(size: str, *, sole_trader: bool) -> str | None:
    """OCDS partyScale: a sole trader is a self-employed person, whatever its recorded size."""
    if sole_trader:
        return "selfEmployed"
    return size or None


def cpv_classification(code: str, description: str) -> dict:
    """A CPV code as an OCDS classification: the 8 digits (the check digit is not part of the id)."""
    return {"scheme": "CPV", "id": code.split("-")[0], "description": description}
