"""Retention rules as data: floors and ceilings counted from business events.

The numbers come from the privacy policy section 4 and the law (see ../shared/PRIVACY.md, copied
into docs/privacy-map.md's rule table). A floor ("at least") blocks erasure and purges until it
passes; a ceiling ("up to", "no longer than") is a deadline to purge. Each rule is declared once
here and named by the map; `privacy/retention_engine.py` applies them daily, one policy per
population of records (rules with no population yet, such as frameworks, spend and fees, are
declared so that the map and the notice can name them, and get a policy when their models exist).
"""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    CEILING = "ceiling"
    FLOOR = "floor"
    CEILING_AND_FLOOR = "ceiling and floor"
    EVENT = "until an event"
    EXCEPTION = "kept as an exception"


@dataclass(frozen=True)
class RetentionRule:
    key: str
    summary: str
    clock_starts: str
    kind: Kind
    source: str
    months: int | None = None
    # Days before the deadline that the person is told, so they can keep the account by signing in.
    warn_days: int | None = None


RULES: dict[str, RetentionRule] = {
    r.key: r
    for r in [
        RetentionRule(
            "account_unused",
            "Purged or anonymised 12 months after registration or last use of the service; the person "
            "is told 30 days before and keeps the account by signing in.",
            "registration, or the last sign-in",
            Kind.CEILING,
            "Privacy policy 4.1",
            months=12,
            warn_days=30,
        ),
        RetentionRule(
            "lapsed_account_transactions",
            "Transaction details of a lapsed account kept up to 7 years.",
            "the anniversary at which the account lapsed",
            Kind.CEILING,
            "Privacy policy 4.2",
            months=84,
        ),
        RetentionRule(
            "tender_submission",
            "Up to 7 years (sooner if the person asks in writing), never less than 3 years from "
            "the contract being entered into or the procurement ending.",
            "submission (for awarded bids, the end of the contract)",
            Kind.CEILING_AND_FLOOR,
            "Privacy policy 4.1.1; Procurement Act 2023 s.98",
            months=84,
        ),
        RetentionRule(
            "framework_supplier",
            "12 months of non-use, counted only from the end of the framework's term including extensions.",
            "the end of the framework's term, recomputed when it is extended",
            Kind.CEILING,
            "Privacy policy 4.1.2",
            months=12,
        ),
        RetentionRule(
            "framework_transactions",
            "At least 7 years: purchases and supply under frameworks are financial records and "
            "published spending.",
            "the transaction date",
            Kind.FLOOR,
            "Privacy policy 4.1.3",
            months=84,
        ),
        RetentionRule(
            "fees_and_subscriptions",
            "At least 7 years: financial records of fees and subscriptions.",
            "the payment date",
            Kind.FLOOR,
            "Privacy policy 4.1.4",
            months=84,
        ),
        RetentionRule(
            "procurement_records",
            "At least 3 years: records of material decisions and pre-contract communications.",
            "the contract being entered into, or the procurement ending",
            Kind.FLOOR,
            "Procurement Act 2023 s.98",
            months=36,
        ),
        RetentionRule(
            "marketing_suppression",
            "A minimal suppression entry (the address only) is kept after marketing consent is "
            "withdrawn or objected to, so the person is never mailed again.",
            "withdrawal or objection",
            Kind.EXCEPTION,
            "UK GDPR Art. 21(3); ICO guidance on direct marketing",
        ),
        RetentionRule(
            "consent_evidence",
            "Kept while the consent is relied on and for 12 months after it is withdrawn, to show "
            "what was agreed.",
            "withdrawal of the consent",
            Kind.CEILING,
            "UK GDPR Art. 7(1)",
            months=12,
        ),
        RetentionRule(
            "security_log",
            "Sign-in and security records kept 12 months, then the personal details are erased.",
            "the event",
            Kind.CEILING,
            "Privacy policy section 13 (security purpose); Tenderbox security policy",
            months=12,
        ),
        RetentionRule(
            "session",
            "Deleted when the session ends: at most 8 hours, or 30 minutes idle.",
            "sign-in",
            Kind.EVENT,
            "Tenderbox session settings",
        ),
        RetentionRule(
            "invitation",
            "Deleted 12 months after the invitation was sent, used or not.",
            "sending",
            Kind.CEILING,
            "Privacy policy 4.1",
            months=12,
        ),
        RetentionRule(
            "membership",
            "Kept while the person is a member; the history stays in the audit trail.",
            "leaving the organisation",
            Kind.EVENT,
            "Privacy policy 2.1.3",
        ),
        RetentionRule(
            "organisation",
            "Kept while the organisation has an account; a sole trader's details follow the account rules.",
            "the organisation's last use of the service",
            Kind.CEILING,
            "Privacy policy 4.1",
            months=12,
        ),
        RetentionRule(
            "legal_hold",
            "A legal hold is kept while it is in force and for 12 months after it is lifted, as the "
            "record of why records outlived their rule.",
            "lifting of the hold",
            Kind.CEILING,
            "UK GDPR Art. 17(3)(e) (legal claims); Art. 5(2) (accountability)",
            months=12,
        ),
        RetentionRule(
            "notice_versions",
            "Published versions of the privacy notice are kept while the service runs, so that every past "
            "version stays readable; who published each stays only as a link to the staff account.",
            "publication",
            Kind.EXCEPTION,
            "UK GDPR Arts. 5(2) and 13; privacy policy 9.1",
        ),
    ]
}


def rule(key: str) -> RetentionRule:
    return RULES[key]
