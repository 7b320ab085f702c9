"""Privacy map declarations for evaluation (see privacy/map.py).

Evaluators' declarations, scores and justifications are records of material decisions, kept at
least 3 years after the contract (Procurement Act 2023 s.98). Assessment summaries go to suppliers
and may name a sole trader.
"""

from tenderbox.privacy.map import Category as C
from tenderbox.privacy.map import Erasure as E
from tenderbox.privacy.map import Field, fields

RECORDS = ("procurement_assessment",)
LINK_NOTE = "Points at the account, which erasure anonymises; the decision record stays."

PERSONAL = [
    *fields(
        "evaluation.Assignment",
        "evaluator assigned_by",
        C.LINK,
        RECORDS,
        "procurement_records",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "evaluation.Assignment",
        "declaration",
        C.ACCOUNT,
        RECORDS,
        "procurement_records",
        erasure=E.KEEP,
        note="A conflict-of-interest declaration (PA23 s.81-83).",
    ),
    Field(
        "evaluation.SelectionMark",
        "marked_by",
        C.LINK,
        RECORDS,
        "procurement_records",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "evaluation.Score",
        "justification",
        C.ACCOUNT,
        RECORDS,
        "procurement_records",
        erasure=E.KEEP,
        note="An evaluator's reasoning, a record of a material decision.",
    ),
    Field(
        "evaluation.ModeratedScore",
        "moderated_by",
        C.LINK,
        RECORDS,
        "procurement_records",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "evaluation.Award",
        "decided_by",
        C.LINK,
        RECORDS,
        "procurement_records",
        erasure=E.FOLLOWS,
        note=LINK_NOTE,
    ),
    Field(
        "evaluation.AssessmentSummary",
        "text",
        C.BUSINESS,
        RECORDS,
        "procurement_records",
        erasure=E.KEEP,
        note="Names the supplier; personal data for a sole trader.",
    ),
]

NOT_PERSONAL = {
    "evaluation.Assignment": "id procurement assigned_at status declared_at",
    "evaluation.SelectionMark": "id version question passed reason marked_at",
    "evaluation.Score": "id assignment version criterion score scored_at",
    "evaluation.ModeratedScore": "id version criterion score reason moderated_at",
    "evaluation.Award": "id procurement lot version total tie_break_reason decided_at",
    "evaluation.AssessmentSummary": "id procurement supplier created_at",
}
