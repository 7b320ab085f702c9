"""Publishing workflows that other apps call.

Releases are built from the models at every request and export (docs/decisions/0011), so nothing
published is stored to rebuild: once the privacy code has anonymised an organisation in place (a sole
trader's erasure request), every output already reads the anonymised values. What the privacy code
still needs is which published processes named the organisation, to tell the recipients of earlier
copies (UK GDPR Art. 19) and to record it: that is `republish_for_organisation`.
"""

from django.db.models import Q

from tenderbox.audit.chain import record
from tenderbox.publishing import packages
from tenderbox.publishing.releases import framework_ocid, ocid


def ocids_naming(org) -> list[str]:
    """Every public process whose releases name the organisation (as buyer, supplier, appointed
    supplier, payer or payee), sorted."""
    found = set()
    procurements = packages.public_procurements().filter(
        Q(buyer=org)
        | Q(awards__version__response__supplier=org)
        | Q(contracts__supplier=org)
        | Q(framework__lots__appointments__supplier=org)
    )
    found |= {ocid(ref) for ref in procurements.values_list("reference", flat=True).distinct()}
    for framework in (
        packages.public_frameworks().filter(Q(owner=org) | Q(lots__appointments__supplier=org)).distinct()
    ):
        found.add(framework_ocid(framework))
    direct = packages.direct_awards().filter(Q(buyer=org) | Q(supplier=org))
    found |= {ocid(ref) for ref in direct.values_list("reference", flat=True)}
    return sorted(found)


def republish_for_organisation(org, *, by=None, reason: str = "") -> list[str]:
    """Called by the privacy code after it has changed an organisation's published details in place
    (erasure, rectification): returns the ocids whose outputs changed, and records that they were
    republished. Idempotent."""
    changed = ocids_naming(org)
    record(
        "ocds.republished",
        actor=by,
        organisation=org,
        obj=org,
        after={"processes": len(changed), "reason": reason},
    )
    return changed
