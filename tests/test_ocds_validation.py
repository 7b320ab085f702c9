"""Published OCDS validates with zero errors under the reference validator (libcoveocds), offline:
the standard comes from the shipped zip, and the extensions' public addresses are served from the
shipped copies (any other address fails, so a test can never reach the network)."""

import io
import json
import zipfile
from pathlib import Path

import jsonref
import pytest
import requests
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig
from ocdsextensionregistry import util as registry_util

from tenderbox.portal import demo
from tenderbox.publishing import packages
from tenderbox.publishing.schema import EXTENSIONS, EXTENSIONS_DIR, SCHEMA_DIR, STANDARD_ZIP


def _archive(name: str, repo: str) -> bytes:
    """The extension's shipped folder as the code host's archive of it (one top-level folder)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(f"{repo}-master/", "")
        for path in sorted(Path(EXTENSIONS_DIR, name).rglob("*")):
            if path.is_file():
                archive.write(path, f"{repo}-master/{path.relative_to(EXTENSIONS_DIR / name)}")
    return out.getvalue()


class ShippedExtensions(requests.adapters.BaseAdapter):
    """Answers the extensions' public addresses (their files, or the archive the registry library
    downloads instead) from tenderbox/publishing/data; refuses every other address."""

    def send(self, request, **kwargs):
        for name, base in EXTENSIONS.items():
            repo = base.split("/")[4]
            if request.url == f"https://github.com/open-contracting-extensions/{repo}/archive/master.zip":
                return self._answer(request, _archive(name, repo))
            if request.url.startswith(base):
                path = Path(EXTENSIONS_DIR, name, request.url[len(base) :])
                return self._answer(request, path.read_bytes() if path.is_file() else None)
        raise requests.ConnectionError(f"No network in tests: {request.url}")

    @staticmethod
    def _answer(request, content: bytes | None):
        response = requests.Response()
        response.url, response.request = request.url, request
        response.status_code = 404 if content is None else 200
        response.raw = io.BytesIO(content or b"")
        return response

    def close(self):
        pass


class ShippedStandard:
    """Stands in for `requests` inside jsonref, which libcoveocds uses to dereference the record
    package schema's link to the versioned release schema: the standard's schema addresses are
    answered from the shipped zip, every other address is refused."""

    BASE = "https://standard.open-contracting.org/schema/1__1__5/"

    @classmethod
    def get(cls, uri):
        if not uri.startswith(cls.BASE):
            raise requests.ConnectionError(f"No network in tests: {uri}")
        response = requests.Response()
        response.url, response.status_code = uri, 200
        with zipfile.ZipFile(STANDARD_ZIP) as archive:
            response.raw = io.BytesIO(archive.read(SCHEMA_DIR + uri[len(cls.BASE) :]))
        return response


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setattr(jsonref, "requests", ShippedStandard)
    session = registry_util.session
    adapters = dict(session.adapters)
    session.mount("https://", ShippedExtensions())
    session.mount("http://", ShippedExtensions())
    with session.cache_disabled():
        yield
    session.adapters.clear()
    session.adapters.update(adapters)


def validate(package: dict, folder) -> dict:
    config = LibCoveOCDSConfig()
    config.config["context"] = "api"
    config.config["standard_zip"] = STANDARD_ZIP.as_uri()
    # The validator writes the extended schema it used into `folder`.
    return ocds_json_output(
        str(folder), json_data=json.loads(json.dumps(package)), lib_cove_ocds_config=config
    )


def everything():
    processes = list(packages.iter_processes())
    releases = [r for _, _, made in processes for r in made]
    records = [packages.record(made) for _, _, made in processes]
    return (
        packages.release_package(releases, uri="https://tenderbox.example/api/ocds/releases"),
        packages.record_package(records, uri="https://tenderbox.example/api/ocds/records"),
        processes,
    )


def assert_valid(result):
    assert result["validation_errors"] == []
    # Every extension was found (served from the shipped copies) and applied, its codelists read.
    assert [(e["url"], e["failed_codelists"]) for e in result["extensions"]["extensions"]] == [
        (base + "extension.json", {}) for base in EXTENSIONS.values()
    ]
    assert result["extensions"]["is_extended_schema"] is True
    assert result["extensions"]["invalid_extension"] == {}


def test_the_world_and_fifty_synthetic_procurements_validate(world, offline, tmp_path):
    demo.generate_scale(50, seed=7)
    release_package, record_package, processes = everything()
    kinds = sorted({tag for r in release_package["releases"] for tag in r["tag"]})
    assert kinds == [
        "award",
        "awardUpdate",
        "contract",
        "contractAmendment",
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
    demo.generate_scale(50, seed=11)
    release_package, record_package, processes = everything()
    assert {ocid.split("-", 2)[2].split("-")[0] for _, ocid, _ in processes} == {"TBX", "FW", "CON"}
    assert_valid(validate(release_package, tmp_path))
    assert_valid(validate(record_package, tmp_path))
