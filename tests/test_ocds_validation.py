"""Published OCDS validates with zero errors under the reference validator (libcoveocds), offline:
the standard comes from the shipped zip, and the extensions' public addresses are served from the
shipped copies (any other address fails, so a test can never reach the network)."""

from tenderbox.portal import demo
from tenderbox.publishing import packages
from tests.ocds_fixtures import assert_valid, validate


def everything():
    processes = list(packages.iter_processes())
    releases = [r for _, _, made in processes for r in made]
    records = [packages.record(made) for _, _, made in processes]
    return (
        packages.release_package(releases, uri="https://tenderbox.example/api/ocds/releases"),
        packages.record_package(records, uri="https://tenderbox.example/api/ocds/records"),
        processes,
    )


def test_the_world_and_fifty_synthetic_procurements_validate(world, offline, tmp_path):
    demo.generate_scale(50, seed=7, spend_per_procurement=2)
    release_package, record_package, processes = everything()
    kinds = sorted({tag for r in release_package["releases"] for tag in r["tag"]})
    assert kinds == [
        "award",
        "awardUpdate",
        "contract",
        "contractAmendment",
        "contractUpdate",
        "implementation",
        "tender",
        "tenderAmendment",
        "tenderCancellation",
        "tenderUpdate",
    ]
    assert len(processes) > 40
    assert_valid(validate(release_package, tmp_path))
    assert_valid(validate(record_package, tmp_path))


def test_the_demo_world_validates(db, offline, tmp_path):
    demo.load_demo()
    demo.load_demo_procurements()
    demo.load_demo_frameworks()
    demo.generate_scale(50, seed=11, spend_per_procurement=2)
    release_package, record_package, processes = everything()
    assert {ocid.split("-", 2)[2].split("-")[0] for _, ocid, _ in processes} == {"TBX", "FW", "CON"}
    assert_valid(validate(release_package, tmp_path))
    assert_valid(validate(record_package, tmp_path))


def test_the_bulk_export_reads_a_chunk_at_a_time_not_a_process_or_a_payment_at_a_time(world):
    """The export's queries grow with its chunks (packages.CHUNK processes of a kind), never with the
    processes, contracts, payments or KPIs in a chunk: here every kind fits one chunk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenderbox.contracts.models import Contract
    from tenderbox.spend.models import SpendRecord

    def queries_and_releases():
        with CaptureQueriesContext(connection) as queries:
            made = [r for _, _, releases in packages.iter_processes() for r in releases]
        return len(queries), len(made)

    demo.generate_scale(20, seed=3, spend_per_procurement=2)
    before = (Contract.objects.count(), SpendRecord.objects.count())
    fewer, fewer_releases = queries_and_releases()
    demo.generate_scale(60, seed=5, spend_per_procurement=6)
    assert (Contract.objects.count(), SpendRecord.objects.count()) > before
    more, more_releases = queries_and_releases()
    assert more_releases > fewer_releases + 300
    assert more == fewer
