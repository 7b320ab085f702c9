"""Nothing sealed, draft or private reaches any published output (the OCDS API's every door, the
bulk download, the export and the registers with their downloads), including after a sole trader's
erasure: tender content and losing prices,
scores and their notes, evaluators and every person's name and address, drafts, further
competitions not yet awarded, and internal reasons."""

import gzip
import io

import pytest
from django.core.management import call_command

from tenderbox.accounts.models import User
from tenderbox.organisations.models import Organisation
from tenderbox.publishing import actions, packages
from tenderbox.publishing.releases import ocid
from tenderbox.submissions.models import ResponseVersion


def published_text(client, tmp_path) -> str:
    """Everything anyone can download, as one string."""
    parts = []
    url = "/api/ocds/releases?page_size=5"
    while url:
        response = client.get(url)
        parts.append(response.content.decode())
        url = response.json().get("links", {}).get("next")
    for _, process, _ in packages.iter_processes():
        for kind in ("releases", "records"):
            parts.append(client.get(f"/api/ocds/{kind}/{process}").content.decode())
    bulk = client.get("/api/ocds/bulk/releases.jsonl.gz")
    parts.append(gzip.decompress(b"".join(bulk.streaming_content)).decode())
    for register in ("contracts", "call-offs", "appointed-suppliers", "spend"):
        parts.append(client.get(f"/registers/{register}/").content.decode())
        for kind in ("csv", "json"):
            response = client.get(f"/registers/{register}/?format={kind}")
            parts.append(b"".join(response.streaming_content).decode())
    call_command("ocds", "export", str(tmp_path / "out.jsonl.gz"), stdout=io.StringIO())
    parts.append(gzip.decompress((tmp_path / "out.jsonl.gz").read_bytes()).decode())
    return "\n".join(parts)


SECRETS = [
    # Sealed tender content and a losing price.
    "Acme secret approach",
    "Brightside plan",
    "Delta plan",
    "Acme call-off approach",
    "133333",
    # Scores and the notes behind them.
    "Evaluator note",
    "Moderation note",
    # Drafts and the further competition still running.
    "Draft library refit",
    "Secret hedge competition",
    # Internal reasons for suspending or removing a supplier.
    "Insurance lapsed",
    "Ceased trading",
]


def test_nothing_private_is_published(client, world, tmp_path):
    text = published_text(client, tmp_path)
    assert "Grounds maintenance for county parks" in text  # the search below finds what is there
    found = [secret for secret in SECRETS if secret in text]
    assert found == []
    people = [value for user in User.objects.all() for value in (user.email, user.full_name)]
    assert len(people) == 14
    assert [value for value in people if value in text] == []
    receipts = list(ResponseVersion.objects.values_list("receipt_sha256", flat=True))
    assert len(receipts) == 4 and [r for r in receipts if r in text] == []
    for hidden in (world["draft"], world["open_competition"]):
        assert hidden.reference not in text


def test_after_a_sole_traders_erasure_no_output_names_them(client, world, tmp_path):
    delta = Organisation.objects.get(name="Delta Services Ltd")
    Organisation.objects.filter(pk=delta.pk).update(
        name="Dev Patel", trading_name="Patel Cleaning", is_sole_trader=True, companies_house_number=""
    )
    before = published_text(client, tmp_path)
    assert "Dev Patel" in before
    assert "LS1 4AP" not in before.split("Dev Patel", 1)[1][:300]  # a sole trader's postcode is never out

    # What the privacy code's erasure does to the organisation in place (the privacy map declares its
    # name ANONYMISE and its contact fields personal for a sole trader), then it asks publishing.
    Organisation.objects.filter(pk=delta.pk).update(
        name=f"Erased supplier {delta.pk}", trading_name="", address_line_1="", town="", postcode="", phone=""
    )
    changed = actions.republish_for_organisation(delta, reason="erasure")
    # Delta lost the parks procurement: only where it was appointed or awarded is it named.
    assert changed == [ocid(world["direct"].reference), ocid(world["framework"].reference)]
    after = published_text(client, tmp_path)
    assert [value for value in ("Dev Patel", "Patel Cleaning") if value in after] == []
    assert f"Erased supplier {delta.pk}" in after


@pytest.mark.parametrize("path", ["releases", "records"])
def test_a_further_competition_stays_unpublished_until_its_award(client, world, path):
    still_open = world["open_competition"]
    assert client.get(f"/api/ocds/{path}/{ocid(still_open.reference)}").status_code == 404
    listed = client.get("/api/ocds/releases?page_size=1000").json()["releases"]
    assert ocid(still_open.reference) not in {r["ocid"] for r in listed}
