"""The OpenAPI schema, fuzzed by schemathesis against the WSGI application (no network).

Every operation gets generated requests, valid and invalid, sent with a real API token of a buyer (Ian,
Northshire) and of a supplier (Alice, Acme). Path ids are mostly steered to real objects of the matrix's
world, so the fuzzing reaches past the 404s into the endpoints' own code. Whatever is sent, no answer
may be a 5xx, and every answer with a documented status must match its schema.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tenderbox.wsgi import application
from tests.test_permission_matrix import World, changed_tables, snapshot

# Bounded so the whole schema (about 40 operations, two callers each) runs in well under a minute.
EXAMPLES_PER_OPERATION = 10
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def fuzz_world(request, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return World(request)


@pytest.fixture
def keep_connection():
    """Requests go through the real WSGI handler, which closes the database connection after each
    request; the test's transaction must outlive them (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _steer(case, world):
    """Point most generated ids at real objects (one in four stays as generated)."""
    real = {
        "procurement_id": [world.opened.pk, world.draft.pk, world.published.pk],
        "reference": [world.opened.reference, world.published.reference],
        "org_id": [world.acme.pk, world.northshire.pk],
        "assignment_id": [world.assignment.pk],
        "version_id": [str(world.acme_version.pk), str(world.brightside_version.pk)],
        "clarification_id": [world.clarification.pk],
    }
    for name, value in list((case.path_parameters or {}).items()):
        choices = real.get(name)
        if not choices:
            continue
        seed = value if isinstance(value, int) else len(str(value))
        if seed % 4 != 3:
            case.path_parameters[name] = choices[seed % len(choices)]


def _fuzz(operation, mode, world):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests on every run: a failure in CI reproduces locally
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        cache.clear()  # the fuzzing is faster than the API's rate limits allow one caller
        _steer(case, world)
        for persona in ("ian", "alice"):
            case.call_and_validate(
                headers={"Authorization": f"Bearer {world.tokens[persona]}"}, checks=CHECKS
            )

    run()


def test_no_request_breaks_the_api(fuzz_world, keep_connection):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, fuzz_world)
            except Unsatisfiable:
                pass  # no invalid request exists for it (e.g. its only parameter is any string)
            except Exception as exc:  # noqa: BLE001 - every operation is fuzzed, then all failures shown
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert operations > 30
    assert failures == [], "\n\n".join(failures)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/opportunities/TBX%00", None),
        ("GET", "/api/v1/opportunities?q=a%00b", None),
        ("POST", "/api/v1/opportunities/{published}/response/submit", {"idempotency_key": "a\x00b"}),
        ("PUT", "/api/v1/opportunities/{published}/response", {"quality": {"{quality}": "a\x00b"}}),
        ("POST", "/api/v1/procurements/{published_id}/clarifications", {"question": "a\x00", "answer": "b"}),
        ("POST", "/api/v1/evaluations/{assignment}/declaration", {"conflict": True, "details": "\x00"}),
    ],
)
def test_nul_characters_are_refused_with_a_400(fuzz_world, client, method, path, body):
    """PostgreSQL can neither store nor compare a NUL character: found by fuzzing as 500s."""
    w = fuzz_world
    ids = {
        "published": w.published.reference,
        "published_id": w.published.pk,
        "assignment": w.assignment.pk,
        "quality": w.published.criteria.get(kind="quality").pk,
    }
    path = path.format(**ids)
    persona = "jo" if "evaluations" in path else "ian" if "procurements" in path else "alice"
    data = json.dumps(body).replace("{quality}", str(ids["quality"])) if body else None
    kwargs = {"data": data, "content_type": "application/json"} if data else {}
    before = snapshot()
    response = client.generic(method, path, **kwargs, HTTP_AUTHORIZATION=f"Bearer {w.tokens[persona]}")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"] or "Null characters" in response.json()["detail"]
    assert changed_tables(before, snapshot()) == []
