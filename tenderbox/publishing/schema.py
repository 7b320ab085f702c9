"""The OCDS 1.1.5 schema and the extensions Tenderbox uses, shipped in `data/` (see data/SOURCES.md).

The product reads them from its own package, never from the network: the patched release schema
(the standard's release schema with each extension's JSON Merge Patch applied, as the standard's
extension mechanism defines) drives the merge rules of compiled and versioned releases.
"""

import functools
import json
import re
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / "data"
STANDARD_ZIP = DATA / "standard-1__1__5.zip"
EXTENSIONS_DIR = DATA / "extensions"
VERSION = "1.1"
SCHEMA_DIR = "standard-1__1__5/schema/"

# The canonical address of each extension used (declared in every package's `extensions`), and
# the folder of its shipped copy. Published data names the public address, so anyone can resolve it.
EXTENSIONS = {
    "lots": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/master/",
    "techniques": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/",
    "bid": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/",
    "partyDetails_scale": (
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyDetails_scale_extension/master/"
    ),
    "metrics": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/",
}


def extension_urls() -> list[str]:
    return [base + "extension.json" for base in EXTENSIONS.values()]


def standard_file(name: str) -> dict:
    with zipfile.ZipFile(STANDARD_ZIP) as archive:
        return json.loads(archive.read(SCHEMA_DIR + name))


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch: how OCDS extensions patch the release schema."""
    if not isinstance(patch, dict):
        return patch
    if not isinstance(target, dict):
        target = {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = merge_patch(target.get(key), value)
    return target


@functools.cache
def patched_release_schema() -> dict:
    schema = standard_file("release-schema.json")
    for name in EXTENSIONS:
        patch = json.loads((EXTENSIONS_DIR / name / "release-schema.json").read_text())
        schema = merge_patch(schema, patch)
    return schema


@functools.cache
def merge_schema() -> dict:
    """The patched schema for the merge routine, which dereferences every `$ref`. The lots extension
    names `SubmissionTerms`, defined by the submissionTerms extension that Tenderbox does not use:
    an open object stands in for it (no lot here carries submission terms)."""
    schema = json.loads(json.dumps(patched_release_schema()))
    text = json.dumps(schema)
    for name in sorted(set(re.findall(r"#/definitions/(\w+)", text)) - set(schema["definitions"])):
        schema["definitions"][name] = {"type": "object"}
    return schema
