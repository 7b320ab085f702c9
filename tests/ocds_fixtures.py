"""A published world for the OCDS tests, built through the real actions on 1 December 2026.

- Northshire's grounds procurement (two lots): its deadline moved by an amendment, tenders from
  Acme (both lots, £150,000 each), Brightside (lot 1, £120,000) and Delta (lot 1, £133,333: a
  losing price, never published), evaluated by Jo, awarded (Acme wins lot 2, Brightside lot 1),
  contracted after standstill; Acme's contract is then varied.
- The Facilities framework (let elsewhere) with Acme and Brightside on lot 1 and Delta on lot 2;
  later Brightside is suspended from lot 1 and Delta removed from lot 2.
- A direct-award call-off from lot 2 to Delta; a further competition on lot 1 won by Acme and
  contracted; and a second further competition still open (private: never published).
- A cancelled procurement, and a draft (private).
"""

import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import jsonref
import pytest
import requests
import time_machine
from django.utils import timezone
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig
from ocdsextensionregistry import util as registry_util

from tenderbox.contracts import actions as contracts
from tenderbox.evaluation import actions as evaluation
from tenderbox.frameworks import actions as frameworks
from tenderbox.frameworks.models import Appointment
from tenderbox.publishing.schema import EXTENSIONS, EXTENSIONS_DIR, SCHEMA_DIR, STANDARD_ZIP
from tenderbox.submissions import actions as submissions
from tenderbox.tenders import actions as tenders
from tenderbox.tenders.models import Procurement
from tests.conftest import draft_procurement, pdf_upload, submit_tender
from tests.framework_fixtures import lots


def evaluate(procurement, versions, evaluator, by, marks):
    assignment = evaluation.assign(procurement, evaluator, by=by)
    evaluation.declare(assignment, by=evaluator, conflict=False)
    quality = procurement.criteria.get(kind="quality")
    for version, value in zip(versions, marks, strict=True):
        evaluation.score(assignment, version, quality, value=value, justification=f"Evaluator note {value}")
        evaluation.moderate(version, quality, value=value, reason=f"Moderation note {value}", by=by)
        for question in procurement.selection_questions.all():
            evaluation.mark_selection(version, question, passed=True, reason="", by=by)


def further_competition(framework, buyer, by, *, title):
    lot = lots(framework)[0]
    procurement = frameworks.start_further_competition(
        lot,
        authority=buyer,
        by=by,
        title=title,
        description="Mowing and tree care for 12 parks.",
        value_excl_vat=Decimal("150000.00"),
        vat=Decimal("30000.00"),
    )
    now = timezone.now()
    Procurement.objects.filter(pk=procurement.pk).update(
        clarification_deadline=now + timedelta(days=7),
        submission_deadline=now + timedelta(days=12),
        expected_award_date=(now + timedelta(days=22)).date(),
        contract_start=date(2027, 2, 1),
        contract_end=date(2028, 1, 31),
    )
    procurement.refresh_from_db()
    tenders.add_criterion(procurement, by=by, kind="quality", name="Approach", weight=60)
    tenders.add_criterion(procurement, by=by, kind="price", name="Price", weight=40)
    tenders.add_standard_declarations(procurement, by=by)
    tenders.add_document(procurement, pdf_upload(), title="Call-off specification", by=by)
    return tenders.publish(procurement, by=by)


@pytest.fixture
def world(framework, northshire, helen, ian, jo, acme, alice, brightside, carol, delta, dev, fiona):
    """Everything above; time is frozen by the framework fixture and moved on here."""
    start = timezone.now()
    # The advertised procurement.
    parks = tenders.publish(draft_procurement(northshire, ian), by=ian)
    tenders.amend(
        parks,
        by=ian,
        reason="More time for site visits",
        summary="Deadline moved by a week.",
        new_deadline=parks.submission_deadline + timedelta(days=7),
    )
    parks.refresh_from_db()
    lot1, lot2 = parks.lots.all()
    acme_v = submit_tender(parks, acme, alice, price="150000", quality="Acme secret approach")
    brightside_v = submit_tender(
        parks, brightside, carol, price="120000", lots=[lot1], quality="Brightside plan"
    )
    delta_v = submit_tender(parks, delta, dev, price="133333", lots=[lot1], quality="Delta plan")
    with time_machine.travel(parks.submission_deadline + timedelta(seconds=1), tick=False):
        submissions.approve_opening(parks, by=helen)
        submissions.approve_opening(parks, by=ian)
        parks.refresh_from_db()
        evaluate(parks, [acme_v, brightside_v, delta_v], jo, ian, [4, 4, 4])
        parks = evaluation.award(parks, by=ian, winners={})
    with time_machine.travel(parks.standstill_ends_at + timedelta(seconds=1), tick=False):
        parks = evaluation.enter_contract(parks, by=ian)
        acme_contract = parks.contracts.get(supplier=acme)
    with time_machine.travel(parks.standstill_ends_at + timedelta(days=30), tick=False):
        contracts.change_contract(
            acme_contract,
            by=ian,
            kind="variation",
            reason="Two more parks added",
            new_value=Decimal("170000.00"),
        )
    # Framework call-offs, back on 2 December 2026.
    with time_machine.travel(start + timedelta(days=1), tick=False):
        direct = frameworks.direct_award(
            lots(framework)[1],
            authority=northshire,
            supplier=delta,
            by=ian,
            justification="Ranked first on price for the region at appointment.",
            title="Cleaning of County Hall",
            description="Daily office cleaning.",
            value_excl_vat=Decimal("96000.00"),
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 12, 31),
            delivery_postcode="DL7 8AD",
            delivery_region="TLE",
        )
        won = further_competition(framework, northshire, ian, title="Grounds for Northshire parks")
        version = submit_tender(won, acme, alice, price="140000", quality="Acme call-off approach")
    with time_machine.travel(won.submission_deadline + timedelta(seconds=1), tick=False):
        submissions.approve_opening(won, by=helen)
        submissions.approve_opening(won, by=ian)
        won.refresh_from_db()
        evaluate(won, [version], jo, ian, [4])
        won = evaluation.award(won, by=ian, winners={})
    with time_machine.travel(won.standstill_ends_at + timedelta(seconds=1), tick=False):
        won = evaluation.enter_contract(won, by=ian)
        frameworks.change_appointment(
            Appointment.objects.get(supplier=brightside), verb="suspend", by=fiona, reason="Insurance lapsed"
        )
        frameworks.change_appointment(
            Appointment.objects.get(supplier=delta),
            verb="remove",
            by=fiona,
            reason="Ceased trading in cleaning",
        )
        open_competition = further_competition(framework, northshire, ian, title="Secret hedge competition")
        cancelled = tenders.publish(
            draft_procurement(northshire, ian, title="Bridge inspection services", lots=0), by=ian
        )
        tenders.cancel(cancelled, by=ian, reason="Budget withdrawn")
        draft = draft_procurement(northshire, ian, title="Draft library refit", lots=0)
    return {
        "parks": Procurement.objects.get(pk=parks.pk),
        "direct": direct,
        "won": Procurement.objects.get(pk=won.pk),
        "open_competition": open_competition,
        "cancelled": Procurement.objects.get(pk=cancelled.pk),
        "draft": draft,
        "framework": framework,
    }


# Validation with the reference library, offline ----------------------------------------------
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


def assert_valid(result):
    assert result["validation_errors"] == []
    # Every extension was found (served from the shipped copies) and applied, its codelists read.
    assert [(e["url"], e["failed_codelists"]) for e in result["extensions"]["extensions"]] == [
        (base + "extension.json", {}) for base in EXTENSIONS.values()
    ]
    assert result["extensions"]["is_extended_schema"] is True
    assert result["extensions"]["invalid_extension"] == {}
