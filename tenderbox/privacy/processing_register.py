"""The register of processing activities (UK GDPR Art. 30(1)), generated from the privacy map and the
registers: one activity per purpose of the legal-basis register, with the categories of people and of
data, the records that hold them, the recipients, transfers, retention limits and the security measures.

Rendered to docs/register-of-processing.md by `tenderbox privacy-docs` (CI checks it is current), and
for the privacy officer in the admin site (Privacy › Processors › Register of processing), where the
register of processors, which lives in the database, completes the recipients and transfers.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings

from tenderbox.privacy.map import Category, privacy_map
from tenderbox.privacy.register import PURPOSES
from tenderbox.privacy.retention import RULES

# Art. 30(1)(c): whose data each app's records hold (a model label overrides its app). Apps not named
# here hold data of account holders.
ACCOUNT_HOLDERS = "account holders (buyer staff, supplier staff, sole traders, Tenderbox staff)"
SIGNING_IN = "people who sign in"
PEOPLE = {
    "accounts": (ACCOUNT_HOLDERS,),
    "organisations": (ACCOUNT_HOLDERS, "sole traders and partners whose business is a supplier"),
    "tenders": ("buyer staff", "suppliers' staff who ask clarification questions"),
    "submissions": ("suppliers' staff, sole traders and partners who tender",),
    "evaluation": ("buyer staff who evaluate", "people named in tenders"),
    "frameworks": ("buyer staff who run frameworks and appoint suppliers",),
    "contracts": ("buyer staff who let and change contracts",),
    "spend": ("buyer staff who record spend", "suppliers' staff who send management-information returns"),
    "spend.Payment": (
        "billing contacts who pay subscriptions and fees",
        "Tenderbox staff who record payments",
    ),
    "notifications": (ACCOUNT_HOLDERS,),
    "privacy": (ACCOUNT_HOLDERS,),
    "privacy.Complaint": ("people who complain",),
    "audit": ("people whose actions are recorded in the audit trail",),
    "sessions": (SIGNING_IN,),
    "axes": (SIGNING_IN,),
    "otp_totp": (SIGNING_IN,),
    "otp_static": (SIGNING_IN,),
    "admin": ("Tenderbox staff",),
    "api": ("people who create API tokens for their organisation",),
}


def people_of(model_label: str) -> tuple[str, ...]:
    return PEOPLE.get(model_label) or PEOPLE.get(model_label.split(".")[0]) or (ACCOUNT_HOLDERS,)


# Art. 30(1)(d): who receives the data, per purpose, besides the processors (a test checks each
# purpose of the register has an entry).
RECIPIENTS = {
    "portal_service": "the organisations you work with on the portal (a buyer sees the tenders sent to it)",
    "opportunity_alerts": "none besides the email processor",
    "service_changes": "none besides the email processor",
    "marketing": "none besides the email processor",
    "effectiveness": "none: first-party counts that identify nobody",
    "recommendations": "none besides the email processor",
    "presentation": "none",
    "statistics": "third parties receive only statistics from which nobody can be identified (policy 5.4)",
    "interactive_features": "other users of the portal, as each feature shows (answers to clarification "
    "questions are published without the asker's name)",
    "communications_monitoring": "Tenderbox staff (the privacy officer)",
    "security": "Tenderbox staff; the police and courts where the law requires (policy 6.1)",
    "service_monitoring": "Tenderbox staff",
    "kpi_reporting": "the parties to the contract (the contracting authority and the supplier) and, for a "
    "call-off, the authority that runs the framework",
    "procurement_assessment": "the buyer running the procurement and its evaluators, after the deadline",
    "tender_reuse": "none",
    "fraud_prevention": "Tenderbox staff who review held sign-ups",
    "legal_publication": "the public: published notices, contracts and registers (Procurement Act 2023)",
    "financial_records": "auditors and HMRC where the law requires",
    "privacy_rights": "the Information Commissioner's Office when a complaint or a breach requires it",
}

# Art. 30(1)(g): a general description of the technical and organisational security measures.
SECURITY_MEASURES = (
    "Passwords hashed with Argon2id; NCSC password rules; sign-in lockout after 5 failures.",
    "Two-factor sign-in required for buyer staff and Tenderbox staff; sessions of at most 8 hours, "
    "30 minutes idle.",
    "Tenders sealed with HPKE to a per-procurement key until two people open them; drafts and "
    "documents encrypted at rest under a master key kept outside the database.",
    "Protected reads only through access rules per organisation and role; staff pages behind two factors.",
    "A tamper-evident, hash-chained audit trail of every important action, append-only in the database.",
    "TLS with HSTS, a strict Content-Security-Policy, uploads checked by content.",
    "Retention rules applied daily; erasure and restriction driven by the privacy map.",
    "A breach log with the 72-hour ICO reporting deadline tracked.",
)


@dataclass(frozen=True)
class Activity:
    key: str
    purpose: str
    platforms: tuple[str, ...]
    basis: str
    people: tuple[str, ...]
    data: tuple[str, ...]
    records: tuple[str, ...]
    recipients: str
    retention: tuple[str, ...]


def _record_name(label: str) -> str:
    return str(apps.get_model(label)._meta.verbose_name)


def activities() -> list[Activity]:
    by_purpose = defaultdict(list)
    for entry in privacy_map().personal:
        for key in entry.purposes:
            by_purpose[key].append(entry)
    result = []
    for p in PURPOSES.values():
        entries = by_purpose[p.key]
        models = {e.model for e in entries}
        result.append(
            Activity(
                key=p.key,
                purpose=p.use,
                platforms=p.platforms,
                basis=f"{p.basis.label}. {p.policy_wording}",
                people=tuple(sorted({group for m in models for group in people_of(m)})),
                data=tuple(str(c) for c in Category if c in {e.category for e in entries} - {Category.LINK}),
                records=tuple(sorted({_record_name(m) for m in models})),
                recipients=RECIPIENTS[p.key],
                retention=tuple(RULES[k].summary for k in sorted({e.retention for e in entries})),
            )
        )
    return result


def controller() -> dict:
    return {
        "controller": "The organisation operating this Tenderbox service",
        "contact": settings.PRIVACY_OFFICER_EMAIL,
    }


def render_markdown() -> str:
    """docs/register-of-processing.md: the register without the database's register of processors."""
    c = controller()
    lines = [
        "# Register of processing activities (UK GDPR Art. 30)",
        "",
        "Generated by `tenderbox privacy-docs` from the privacy map (each app's `personal_data.py`), the",
        "legal-basis register (`privacy/register.py`) and the retention rules (`privacy/retention.py`); do",
        "not edit by hand. CI fails when it is out of date. The privacy officer's page in the admin site",
        "(Privacy › Processors › Register of processing) adds the register of processors, which is kept",
        "in the database.",
        "",
        f"- Controller: {c['controller']}.",
        f"- Contact: the privacy officer, {c['contact']}.",
        "- Transfers outside the UK: only through the processors listed in the register of processors,",
        "  each with its location and agreement; none otherwise.",
        "",
        "## Processing activities",
        "",
    ]
    for a in activities():
        lines += [
            f"### `{a.key}`: {a.purpose}",
            "",
            f"- Platforms: {', '.join(a.platforms)}",
            f"- Legal basis: {a.basis}",
            f"- People: {'; '.join(a.people) or 'no personal data kept for this purpose'}",
            f"- Data: {', '.join(a.data) or 'none kept'}",
            f"- Records: {', '.join(a.records) or 'none'}",
            f"- Recipients: {a.recipients}; and the processors in the register of processors",
            f"- Retention: {' '.join(a.retention) or 'nothing kept'}",
            "",
        ]
    lines += ["## Security measures (Art. 32)", ""]
    lines += [f"- {m}" for m in SECURITY_MEASURES]
    return "\n".join(lines) + "\n"
