"""The legal-basis register: the privacy policy's section 13 table as data that code refers to.

Every processing purpose in code names one of these keys; the privacy map, the public privacy page
and (later) the register of processing are rendered from it. The wording of each purpose is the
policy's own; the article is the UK GDPR Art. 6(1) point the policy's basis corresponds to.
"""

from dataclasses import dataclass
from enum import StrEnum

PROCUREMENT = "Procurement portal"
CONTRACTS = "Contract portal"
COMPANY = "Tenderbox itself"


class LegalBasis(StrEnum):
    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    LEGITIMATE_INTEREST = "legitimate_interest"

    @property
    def label(self) -> str:
        return {
            "consent": "Consent (UK GDPR Art. 6(1)(a))",
            "contract": "Contract (UK GDPR Art. 6(1)(b))",
            "legal_obligation": "Legal obligation (UK GDPR Art. 6(1)(c))",
            "legitimate_interest": "Legitimate interests (UK GDPR Art. 6(1)(f))",
        }[self.value]


@dataclass(frozen=True)
class Purpose:
    key: str
    platforms: tuple[str, ...]
    use: str
    basis: LegalBasis
    policy_wording: str
    source: str = "Privacy policy section 13"


PURPOSES: dict[str, Purpose] = {
    p.key: p
    for p in [
        Purpose(
            "portal_service",
            (CONTRACTS, PROCUREMENT),
            "To carry out our contract with you to provide you with a buyer/supplier portal "
            "service including processing payment, sending notifications and where required to "
            "provide advice.",
            LegalBasis.CONTRACT,
            "Necessary for the performance of our contract with you or to take steps to enter "
            "into a contract with you.",
        ),
        Purpose(
            "opportunity_alerts",
            (PROCUREMENT,),
            "To notify you of tender opportunities related to your industry.",
            LegalBasis.LEGITIMATE_INTEREST,
            "Our use of your data is necessary for our legitimate interest in providing the "
            "procurement service as it is intended.",
        ),
        Purpose(
            "service_changes",
            (CONTRACTS, PROCUREMENT),
            "To advise you of any changes to our service.",
            LegalBasis.CONTRACT,
            "Necessary for the performance of our contract with you or to take steps to enter "
            "into a contract with you.",
        ),
        Purpose(
            "marketing",
            (COMPANY,),
            "To send you marketing information about our services that may be of interest to you.",
            LegalBasis.CONSENT,
            "You have given your consent for us to contact you.",
        ),
        Purpose(
            "effectiveness",
            (COMPANY, CONTRACTS, PROCUREMENT),
            "To manage the effectiveness of our online services and to deliver our services to you "
            "(first-party analytics, only with your agreement).",
            LegalBasis.CONSENT,
            "You have given your consent for us to contact you.",
        ),
        Purpose(
            "recommendations",
            (COMPANY,),
            "To make recommendations about our products and services.",
            LegalBasis.CONSENT,
            "You have given your consent for us to contact you.",
        ),
        Purpose(
            "presentation",
            (COMPANY, CONTRACTS, PROCUREMENT),
            "To make sure that the content of our websites and our portals are presented as "
            "effectively as possible so that you can use the service effectively.",
            LegalBasis.LEGITIMATE_INTEREST,
            "Our use of your data is necessary for our legitimate interest of making sure that the "
            "service we provide is managed effectively.",
        ),
        Purpose(
            "statistics",
            (COMPANY, CONTRACTS, PROCUREMENT),
            "To create statistical information which will help us manage the service we provide "
            "and make improvements to the service.",
            LegalBasis.LEGITIMATE_INTEREST,
            "Our use of your data is necessary for our legitimate interest of making sure that the "
            "service we provide is managed effectively.",
        ),
        Purpose(
            "interactive_features",
            (COMPANY, CONTRACTS, PROCUREMENT),
            "To allow our customers to access the interactive features of the website and any portals.",
            LegalBasis.LEGITIMATE_INTEREST,
            "Our use of your data is necessary for our legitimate interest of making sure that the "
            "service we provide is managed effectively.",
        ),
        Purpose(
            "communications_monitoring",
            (CONTRACTS, PROCUREMENT),
            "To monitor and retain copies of communications relating to the portal service provided.",
            LegalBasis.LEGITIMATE_INTEREST,
            "The monitoring of your user data and communications is necessary for legitimate "
            "interest to safeguard user policy.",
        ),
        Purpose(
            "security",
            (COMPANY, CONTRACTS, PROCUREMENT),
            "To protect your personal information when you use our websites and portal services, "
            "and when you make a purchase or payment.",
            LegalBasis.LEGITIMATE_INTEREST,
            "To protect your data and your identity.",
        ),
        Purpose(
            "service_monitoring",
            (COMPANY, CONTRACTS, PROCUREMENT),
            "To monitor our website and service to make sure it is functioning correctly and to its "
            "optimum and to be able to correct any issues to improve the customer journey.",
            LegalBasis.LEGITIMATE_INTEREST,
            "Our use of your data is necessary for our legitimate interest of making sure that the "
            "service we provide is managed effectively.",
        ),
        Purpose(
            "kpi_reporting",
            (CONTRACTS,),
            "To create statistical information which will be used to assess user performance, "
            "generate KPI reports and feedback, as part of our contractual obligation.",
            LegalBasis.CONTRACT,
            "Necessary for the performance of our contract with you.",
        ),
        Purpose(
            "procurement_assessment",
            (PROCUREMENT,),
            "To assess your details as part of the procurement process.",
            LegalBasis.CONTRACT,
            "Necessary for the performance of our contract with you or to take steps to enter "
            "into a contract with you.",
        ),
        Purpose(
            "tender_reuse",
            (PROCUREMENT,),
            "To store your data for you to be able to submit tenders without having to re-input data.",
            LegalBasis.CONTRACT,
            "Necessary for the performance of our contract with you or to take steps to enter "
            "into a contract with you.",
        ),
        Purpose(
            "fraud_prevention",
            (COMPANY, CONTRACTS, PROCUREMENT),
            "To stop the sign up of an account where we suspect an account may be used for fraud "
            "(an automated decision, reviewed by a person on request).",
            LegalBasis.LEGITIMATE_INTEREST,
            "Policy 3.4: screening sign-ups for fraud.",
            source="Privacy policy 3.4",
        ),
        Purpose(
            "legal_publication",
            (CONTRACTS, PROCUREMENT),
            "To publish spending under frameworks, call-off contracts, appointed suppliers and "
            "successful suppliers, as the law requires.",
            LegalBasis.LEGAL_OBLIGATION,
            "We are bound by law to publish these details (Procurement Act 2023, Transparency Code).",
            source="Privacy policy 5.1.1 and 5.1.2",
        ),
        Purpose(
            "financial_records",
            (COMPANY, CONTRACTS),
            "To keep financial records of subscriptions, fees and spend under frameworks.",
            LegalBasis.LEGAL_OBLIGATION,
            "We are obliged to keep financial records for a minimum of 7 years.",
            source="Privacy policy 4.1.3 and 4.1.4",
        ),
        Purpose(
            "privacy_rights",
            (COMPANY, CONTRACTS, PROCUREMENT),
            "To record consents and handle requests about your data, and show that we did.",
            LegalBasis.LEGAL_OBLIGATION,
            "UK GDPR Arts. 5(2), 7(1) and 12: we must be able to show consent and how requests were handled.",
            source="Privacy policy 7",
        ),
    ]
}


def purpose(key: str) -> Purpose:
    """The register entry for a purpose key; an unknown key is a programming error."""
    return PURPOSES[key]
