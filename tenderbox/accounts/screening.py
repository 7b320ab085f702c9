"""Sign-up fraud screening: explainable rules, each with a weight, summed into a score.

Policy 3.4: "We also use your information to stop the sign up of an account where we suspect an
account may be used for fraud reasons, this is subject to an automated decision". Under UK GDPR
Arts. 22A-22D a held person is told, may make representations, and gets a human decision: so a high
score holds the account for review, it never refuses it. Each decision records the rules that fired.
The rules are pure functions of what the sign-up form gave and a few counts.
"""

import ipaddress
from dataclasses import dataclass
from functools import cache
from importlib import resources

HOLD_THRESHOLD = 50


@dataclass(frozen=True)
class Facts:
    email: str
    ip: str | None
    organisation_name: str
    is_sole_trader: bool
    companies_house_number: str
    size: str
    signups_from_ip_last_hour: int
    signups_from_network_last_day: int


@dataclass(frozen=True)
class Rule:
    code: str
    weight: int
    explanation: str


RULES = {
    r.code: r
    for r in [
        Rule("disposable_email", 60, "The email address is at a disposable (throwaway) email service."),
        Rule(
            "many_from_address",
            40,
            "Several accounts were created from the same internet address within an hour.",
        ),
        Rule("many_from_network", 30, "Many accounts were created from the same network within a day."),
        Rule(
            "sole_trader_company_number",
            30,
            "A sole trader was registered with a Companies House number, which only companies have.",
        ),
        Rule(
            "sole_trader_limited_name",
            20,
            "A sole trader was registered with a company name ending in Limited or Ltd.",
        ),
    ]
}


@cache
def disposable_domains() -> frozenset[str]:
    text = resources.files("tenderbox.accounts").joinpath("data/disposable_domains.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def network_of(ip: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of an address, for counting sign-ups per network."""
    if not ip:
        return ""
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def fired_rules(facts: Facts) -> list[Rule]:
    fired = []
    domain = facts.email.rsplit("@", 1)[-1].lower()
    if domain in disposable_domains():
        fired.append(RULES["disposable_email"])
    if facts.signups_from_ip_last_hour >= 3:
        fired.append(RULES["many_from_address"])
    if facts.signups_from_network_last_day >= 10:
        fired.append(RULES["many_from_network"])
    if facts.is_sole_trader and facts.companies_house_number and facts.companies_house_number[:2].isdigit():
        fired.append(RULES["sole_trader_company_number"])
    name = facts.organisation_name.lower().rstrip(". ")
    if facts.is_sole_trader and (name.endswith(" limited") or name.endswith(" ltd")):
        fired.append(RULES["sole_trader_limited_name"])
    return fired


def score(rules: list[Rule]) -> int:
    return sum(r.weight for r in rules)
