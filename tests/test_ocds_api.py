"""The public OCDS API under /api/ocds/ and `tenderbox ocds export`: release and record packages
per ocid, a paginated list filtered by date and tag, and streamed gzipped bulk downloads. Bad input
gets a clear 400; what is not public is not found."""

import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tenderbox.publishing import packages
from tenderbox.publishing.releases import ocid


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    return response.json()


def all_releases():
    return [r for _, _, made in packages.iter_processes() for r in made]


def test_a_release_package_per_ocid(client, world):
    parks = world["parks"]
    package = get_json(client, f"/api/ocds/releases/{ocid(parks.reference)}")
    assert package["version"] == "1.1"
    assert package["uri"] == f"http://testserver/api/ocds/releases/{ocid(parks.reference)}"
    assert package["publisher"] == {"name": "Tenderbox", "uri": "http://127.0.0.1:8000"}
    assert package["license"] == "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    assert [url.split("/")[4] for url in package["extensions"]] == [
        "ocds_lots_extension",
        "ocds_techniques_extension",
        "ocds_bid_extension",
        "ocds_partyDetails_scale_extension",
        "ocds_metrics_extension",
    ]
    assert package["releases"] == packages.releases_for(ocid(parks.reference))


def test_a_record_package_per_ocid(client, world):
    direct = world["direct"]
    package = get_json(client, f"/api/ocds/records/{ocid(direct.reference)}")
    (record,) = package["records"]
    assert record["ocid"] == ocid(direct.reference)
    assert record["compiledRelease"]["awards"][0]["suppliers"][0]["name"] == "Delta Services Ltd"
    assert record["versionedRelease"]["tender"]["competitive"][0]["value"] is False


@pytest.mark.parametrize(
    "which",
    ["draft", "open_competition", "unknown", "other_prefix", "no_local_id"],
)
def test_what_is_not_public_is_not_found(client, world, which):
    target = {
        "draft": ocid(world["draft"].reference),
        "open_competition": ocid(world["open_competition"].reference),
        "unknown": ocid("TBX-2026-999999"),
        "other_prefix": f"ocds-zzz999-{world['parks'].reference}",
        "no_local_id": "ocds-tbx000-",
    }[which]
    for kind in ("releases", "records"):
        assert get_json(client, f"/api/ocds/{kind}/{target}", status=404) == {
            "detail": f"No public contracting process has the ocid {target}."
        }


def test_the_list_pages_through_everything_in_order(client, world):
    everything = all_releases()
    seen, url, pages = [], "/api/ocds/releases?page_size=3", 0
    while url:
        package = get_json(client, url)
        seen += package["releases"]
        url = package.get("links", {}).get("next")
        pages += 1
    assert [r["id"] for r in seen] == [r["id"] for r in everything]
    assert pages > 2
    assert len(seen) == 14


def test_the_list_filters_by_tag_and_date(client, world):
    awards = get_json(client, "/api/ocds/releases?tag=award&page_size=1000")["releases"]
    assert sorted(r["id"].split("ocds-tbx000-")[1] for r in awards) == sorted(
        r["id"].split("ocds-tbx000-")[1] for r in all_releases() if "award" in r["tag"]
    )
    assert all("award" in r["tag"] for r in awards) and len(awards) == 4
    january = get_json(client, "/api/ocds/releases?since=2027-01-01&until=2027-01-31T23:59:59%2B00:00")[
        "releases"
    ]
    assert [r["id"].rsplit("-", 1)[-1] for r in january] == ["opened", "award", "contract"]
    both = get_json(client, "/api/ocds/releases?since=2027-01-01&tag=contractAmendment")["releases"]
    assert [r["tag"] for r in both] == [["contractAmendment"]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=yesterday", "since must be an ISO 8601 date or date-time, like 2026-12-01, not 'yesterday'."),
        (
            "until=2026-13-01",
            "until must be an ISO 8601 date or date-time, like 2026-12-01, not '2026-13-01'.",
        ),
        ("since=2027-01-02&until=2027-01-01", "since must not be after until."),
        ("page_size=0", "page_size must be between 1 and 1000."),
        ("page_size=many", "page_size must be a whole number."),
        ("cursor=x:1", "cursor is not one this API gave: start again without it."),
        ("cursor=p:abc", "cursor is not one this API gave: start again without it."),
    ],
)
def test_bad_list_parameters_are_refused_clearly(client, world, query, message):
    assert get_json(client, f"/api/ocds/releases?{query}", status=400) == {"detail": message}


def test_a_bad_tag_names_the_tags(client, world):
    error = get_json(client, "/api/ocds/releases?tag=bogus", status=400)["detail"]
    assert error.startswith("tag must be one of the OCDS release tags (award, awardCancellation,")
    assert error.endswith("not 'bogus'.")


def test_the_api_only_reads(client, world):
    assert client.post("/api/ocds/releases").status_code == 405
    assert client.delete(f"/api/ocds/releases/{ocid(world['parks'].reference)}").status_code == 405


def read_lines(data: bytes) -> list[dict]:
    return [json.loads(line) for line in gzip.decompress(data).splitlines()]


def test_the_bulk_download_streams_gzipped_release_packages(client, world):
    response = client.get("/api/ocds/bulk/releases.jsonl.gz")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/gzip"
    assert response["Content-Disposition"] == 'attachment; filename="ocds-releases.jsonl.gz"'
    lines = read_lines(b"".join(response.streaming_content))
    assert [p["releases"][0]["ocid"] for p in lines] == [o for _, o, _ in packages.iter_processes()]
    assert [r for p in lines for r in p["releases"]] == all_releases()


def test_small_flushes_still_make_one_valid_gzip_stream(world):
    from tenderbox.publishing.export import gzipped_lines

    chunks = list(gzipped_lines("https://x.example/", flush_every=1))
    assert len(chunks) > 5
    assert len(read_lines(b"".join(chunks))) == 5


def test_the_export_command_writes_every_process(world, tmp_path):
    out, path = io.StringIO(), tmp_path / "ocds.jsonl.gz"
    call_command("ocds", "export", str(path), stdout=out)
    assert out.getvalue() == f"Wrote 5 contracting processes to {path}.\n"
    lines = read_lines(path.read_bytes())
    assert [r for p in lines for r in p["releases"]] == all_releases()
    assert {p["uri"] for p in lines} == {"http://127.0.0.1:8000/api/ocds/bulk/releases.jsonl.gz"}


def test_the_export_command_refuses_what_it_cannot_write(db, tmp_path):
    with pytest.raises(CommandError, match="Give a file name"):
        call_command("ocds", "export", "-")
    with pytest.raises(
        CommandError, match=r"Cannot write .*missing/ocds.jsonl.gz: No such file or directory."
    ):
        call_command("ocds", "export", str(tmp_path / "missing" / "ocds.jsonl.gz"))


def test_anonymous_callers_are_limited_per_address(client, world, monkeypatch):
    from tenderbox.publishing import views

    monkeypatch.setattr(views, "RATE_PER_MINUTE", 3)
    url = f"/api/ocds/releases/{ocid(world['direct'].reference)}"
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    response = client.get(url)
    assert (response.json(), response["Retry-After"]) == (
        {"detail": "Too many attempts. Wait 1 minute and try again."},
        "60",
    )


def test_a_narrow_filter_pages_on_without_reading_everything(client, world, monkeypatch):
    from tenderbox.publishing import views

    monkeypatch.setattr(views, "SCAN_LIMIT", 2)
    found, url, pages = [], "/api/ocds/releases?tag=tenderCancellation", 0
    while url:
        package = get_json(client, url)
        found += package["releases"]
        url = package.get("links", {}).get("next")
        pages += 1
    assert [r["tag"] for r in found] == [["tenderCancellation"]]
    assert pages == 3  # five processes, two a page
