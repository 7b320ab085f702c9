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
