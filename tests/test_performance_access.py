"""Who reaches contract performance: each rule tried from the wrong side (a rival supplier, another
authority, an evaluator, an outsider, another organisation's ids), and nothing changes when refused."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from tenderbox.performance import actions
from tenderbox.performance.models import Kpi, KpiReport, PerformanceRating
from tenderbox.tenders.rules import UK_TIME
from tests.conftest import sign_in


@pytest.fixture(autouse=True)
def spring():
    with time_machine.travel(datetime(2026, 4, 10, 9, 0, tzinfo=UK_TIME), tick=False):
        yield


@pytest.fixture
def kpi(call_off, ian):
    return actions.define_kpi(
        by=ian,
        contract=call_off,
        name="Complaints",
        unit="count",
        target=2,
        period="monthly",
        direction="lower",
    )


def status(client, user, path, method="get", data=None):
    client.logout()
    if user is not None:
        sign_in(client, user)
    return getattr(client, method)(path, data or {}).status_code


def test_a_contracts_report_is_seen_by_its_buyer_supplier_and_framework_owner_only(
    client, call_off, kpi, helen, ian, alice, bob, yasmin, carol, brightside, stella, southmoor, oscar, jo
):
    path = f"/performance/contracts/{call_off.pk}/"
    assert [status(client, u, path) for u in (helen, ian, alice, bob, yasmin)] == [200] * 5
    assert [status(client, u, path) for u in (carol, stella, oscar, jo)] == [404] * 4
    assert status(client, None, path) == 302  # to sign in
    assert status(client, ian, "/performance/contracts/999999/") == 404
    for suffix in ("kpis.csv",):
        assert status(client, carol, path + suffix) == 404
        assert status(client, alice, path + suffix) == 200


def test_the_owner_sees_another_authoritys_call_off_and_that_authority_sees_not_northshires(
    client, call_off, southmoor_call_off, yasmin, ian, stella
):
    assert status(client, yasmin, f"/performance/contracts/{southmoor_call_off.pk}/") == 200
    assert status(client, ian, f"/performance/contracts/{southmoor_call_off.pk}/") == 404
    assert status(client, stella, f"/performance/contracts/{call_off.pk}/") == 404


def test_only_the_buyers_staff_set_a_contracts_kpi(
    client, call_off, kpi, alice, carol, brightside, stella, southmoor, yasmin, ian
):
    path = f"/performance/contracts/{call_off.pk}/kpis/new"
    data = {"name": "Injected", "unit": "%", "target": "1", "period": "monthly", "direction": "higher"}
    assert status(client, alice, path, "post", data) == 403
    assert status(client, yasmin, path, "post", data) == 403  # the owner sets framework KPIs, not this
    assert status(client, carol, path, "post", data) == 404
    assert status(client, stella, path, "post", data) == 404
    assert list(Kpi.objects.values_list("name", flat=True)) == ["Complaints"]
    assert status(client, ian, path, "post", data) == 302
    assert Kpi.objects.count() == 2


def test_only_the_contracts_supplier_reports(
    client, call_off, rival_contract, kpi, ian, helen, carol, brightside, stella, southmoor, yasmin, bob
):
    path = f"/performance/contracts/{call_off.pk}/kpis/{kpi.pk}/report"
    data = {"period": "2026-01-01", "value": "1"}
    assert status(client, ian, path, "post", data) == 403
    assert status(client, yasmin, path, "post", data) == 403
    assert status(client, carol, path, "post", data) == 404
    assert status(client, stella, path, "post", data) == 404
    # Brightside through its own contract's door with Acme's KPI id: no such KPI there.
    assert (
        status(
            client, carol, f"/performance/contracts/{rival_contract.pk}/kpis/{kpi.pk}/report", "post", data
        )
        == 404
    )
    assert KpiReport.objects.count() == 0
    assert status(client, bob, path, "post", data) == 302
    assert KpiReport.objects.get().value == Decimal("1.00")


def test_only_the_buyers_staff_rate(
    client, call_off, alice, carol, brightside, stella, southmoor, yasmin, ian
):
    path = f"/performance/contracts/{call_off.pk}/rate"
    data = {"period": "quarterly:2026-01-01", "rating": "inadequate", "feedback": "Sabotage."}
    assert status(client, alice, path, "post", data) == 403
    assert status(client, yasmin, path, "post", data) == 403
    assert status(client, carol, path, "post", data) == 404
    assert status(client, stella, path, "post", data) == 404
    assert PerformanceRating.objects.count() == 0
    assert status(client, ian, path, "post", data) == 302
    assert PerformanceRating.objects.get().rating == "inadequate"


def test_the_framework_report_and_its_kpis_are_for_the_owners_staff(
    client, ypo_framework, call_off, yasmin, ian, alice, stella, southmoor
):
    for suffix in ("", "kpis.csv"):
        path = f"/performance/frameworks/{ypo_framework.pk}/{suffix}"
        assert status(client, yasmin, path) == 200
        assert [status(client, u, path) for u in (ian, alice, stella)] == [404] * 3
    path = f"/performance/frameworks/{ypo_framework.pk}/kpis/new"
    data = {"name": "Audit", "unit": "%", "target": "90", "period": "quarterly", "direction": "higher"}
    assert [status(client, u, path, "post", data) for u in (ian, alice)] == [404, 404]
    assert Kpi.objects.count() == 0
    assert status(client, yasmin, path, "post", data) == 302
    assert Kpi.objects.get().framework == ypo_framework


def test_the_supplier_report_shows_each_viewer_only_the_contracts_they_may_see(
    client,
    acme,
    call_off,
    southmoor_call_off,
    rival_contract,
    alice,
    ian,
    stella,
    southmoor,
    yasmin,
    carol,
    brightside,
    oscar,
    northshire,
):
    path = f"/performance/suppliers/{acme.pk}/"

    def refs(user):
        client.logout()
        sign_in(client, user)
        html = client.get(path).content.decode()
        return [ref for ref in (call_off.reference, southmoor_call_off.reference) if f"{ref}:" in html]

    assert refs(alice) == [call_off.reference, southmoor_call_off.reference]
    assert refs(yasmin) == [call_off.reference, southmoor_call_off.reference]
    assert refs(ian) == [call_off.reference]
    assert refs(stella) == [southmoor_call_off.reference]
    assert [status(client, u, path) for u in (carol, oscar)] == [404, 404]
    assert status(client, ian, f"/performance/suppliers/{northshire.pk}/") == 404  # a buyer is no supplier
    assert status(client, carol, f"/performance/suppliers/{brightside.pk}/") == 200
    csv = client.get(f"/performance/suppliers/{acme.pk}/kpis.csv")
    assert csv.status_code == 404


def test_the_index_lists_what_each_person_may_see(
    client, call_off, rival_contract, southmoor_call_off, ypo_framework, ian, carol, yasmin
):
    sign_in(client, ian)
    html = client.get("/performance/").content.decode()
    assert call_off.reference in html and rival_contract.reference in html
    assert southmoor_call_off.reference not in html and ypo_framework.reference not in html
    client.logout()
    sign_in(client, carol)
    html = client.get("/performance/").content.decode()
    assert rival_contract.reference in html and call_off.reference not in html
    client.logout()
    sign_in(client, yasmin)
    html = client.get("/performance/").content.decode()
    assert (
        call_off.reference in html
        and southmoor_call_off.reference in html
        and ypo_framework.reference in html
    )
