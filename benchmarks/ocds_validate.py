"""Validate an OCDS export with the reference validator (libcoveocds), offline: every release of the
gzipped JSON lines file in one release package, and the records compiled from them in one record
package, against the shipped standard and extensions. Prints the error counts and the first errors.

    .venv/bin/tenderbox ocds export /tmp/ocds.jsonl.gz
    .venv/bin/python benchmarks/ocds_validate.py /tmp/ocds.jsonl.gz

Needs the dev dependencies (libcoveocds). Reads the file only; touches no database.
"""

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="A file written by `tenderbox ocds export`.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
    import django

    django.setup()
    import jsonref
    from ocdsextensionregistry import util as registry_util

    from tenderbox.publishing import packages
    from tests.ocds_fixtures import ShippedExtensions, ShippedStandard, validate

    jsonref.requests = ShippedStandard
    registry_util.session.mount("https://", ShippedExtensions())
    registry_util.session.mount("http://", ShippedExtensions())

    releases, records = [], []
    with gzip.open(args.file, "rt", encoding="utf-8") as lines:
        for line in lines:
            made = json.loads(line)["releases"]
            releases += made
            records.append(packages.record(made))
    folder = tempfile.mkdtemp(prefix="tenderbox-validate-")
    with registry_util.session.cache_disabled():
        for name, package in (
            ("release package", packages.release_package(releases, uri="https://tenderbox.example/")),
            ("record package", packages.record_package(records, uri="https://tenderbox.example/")),
        ):
            started = time.monotonic()
            result = validate(package, folder)
            errors = result["validation_errors"]
            print(
                f"{name}: {len(releases)} releases, {len(records)} records: {len(errors)} errors, "
                f"extensions not applied {result['extensions']['invalid_extension'] or 'none'} "
                f"({time.monotonic() - started:.0f} s)"
            )
            for error in errors[:5]:
                print("  ", error)


if __name__ == "__main__":
    main()
