"""The performance API: the pages' rules and messages through the other door, and a token that never
reaches past its own organisation."""

from datetime import date, datetime

import pytest
import time_machine

from tenderbox.api.actions import create_token
from tenderbox.performance import actions
from tenderbox.performance.models import Kpi, KpiReport, PerformanceRating
from tenderbox.tenders.rules import UK_TIME


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture(autouse=True)
def april():
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


@pytest.fixture
def acme_token(alice, acme):
    return create_token(acme, by=alice, name="MI system", scope="write", days=90)[1]


@pytest.fixture
def northshire_token(ian, northshire):
    return create_token(northshire, by=ian, name="Contracts", scope="write", days=90)[1]


@pytest.fixture
def brightside_token(carol, brightside):
    return create_token(brightside, by=carol, name="Rival", scope="write", days=90)[1]


def put(client, path, body, token):
    return client.put(path, body, content_type="application/json", **bearer(token))


def test_the_supplier_reports_then_corrects_by_api(client, call_off, kpi, acme_token):
    path = f"/api/v1/contracts/{call_off.pk}/kpis/{kpi.pk}/reports/2026-02-01"
    first = put(client, path, {"value": "3", "comment": "Two about parking."}, acme_token)
    assert first.status_code == 201
    assert first.json() == {
        "kpi": kpi.pk,
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
        "value": "3.00",
        "comment": "Two about parking.",
        "corrections": 0,
    }
    second = put(client, path, {"value": "1"}, acme_token)
    assert (second.status_code, second.json()["value"], second.json()["corrections"]) == (200, "1.00", 1)
    report = client.get(f"/api/v1/contracts/{call_off.pk}/kpis", **bearer(acme_token)).json()
    (entry,) = report
    assert (entry["name"], entry["scope"], entry["target"]) == ("Complaints", "contract", "2.00")
    assert [(p["label"], p["value"], p["met_target"], p["status"]) for p in entry["periods"]] == [
        ("January 2026", None, None, "Late by 55 days"),
        ("February 2026", "1.00", True, "Reported (corrected)"),
        ("March 2026", None, None, "Due by 14 April 2026"),
        ("April 2026", None, None, "In progress"),
    ]


@pytest.mark.parametrize(
    ("period", "body", "message"),
    [
        ("2026-02-01", {"value": "lots"}, "Value must be a number, like 95 or 12.5"),
        ("2026-04-01", {"value": "1"}, "Select one of the periods you can report"),
        ("2026-02-15", {"value": "1"}, "Select one of the periods you can report"),
        ("yesterday", {"value": "1"}, "Select one of the periods you can report"),
    ],
)
def test_a_bad_report_by_api_is_a_400_with_the_forms_message(
    client, call_off, kpi, acme_token, period, body, message
):
    response = put(
        client, f"/api/v1/contracts/{call_off.pk}/kpis/{kpi.pk}/reports/{period}", body, acme_token
    )
    assert response.status_code == 400
    assert response.json()["detail"] == message
    assert KpiReport.objects.count() == 0


def test_tokens_reach_only_their_own_side(
    client, call_off, rival_contract, kpi, acme_token, northshire_token, brightside_token
):
    report = f"/api/v1/contracts/{call_off.pk}/kpis/{kpi.pk}/reports/2026-02-01"
    assert (
        put(client, report, {"value": "1"}, northshire_token).status_code == 403
    )  # the buyer does not report
    assert put(client, report, {"value": "1"}, brightside_token).status_code == 404  # a rival sees nothing
    rival_door = f"/api/v1/contracts/{rival_contract.pk}/kpis/{kpi.pk}/reports/2026-02-01"
    assert put(client, rival_door, {"value": "1"}, brightside_token).status_code == 404  # not its KPI
    assert client.get(f"/api/v1/contracts/{call_off.pk}/kpis", **bearer(brightside_token)).status_code == 404
    assert (
        client.get(f"/api/v1/contracts/{call_off.pk}/ratings", **bearer(brightside_token)).status_code == 404
    )
    assert KpiReport.objects.count() == 0

    rate = f"/api/v1/contracts/{call_off.pk}/ratings/quarterly/2026-01-01"
    body = {"rating": "good", "feedback": "Well done."}
    assert put(client, rate, body, acme_token).status_code == 403  # a supplier does not rate itself
    assert put(client, rate, body, brightside_token).status_code == 404
    assert PerformanceRating.objects.count() == 0

    new_kpi = {"name": "X", "unit": "%", "target": "1", "period": "monthly", "direction": "higher"}
    path = f"/api/v1/contracts/{call_off.pk}/kpis"
    assert (
        client.post(path, new_kpi, content_type="application/json", **bearer(acme_token)).status_code == 403
    )
    assert Kpi.objects.count() == 1


def test_a_token_made_by_someone_in_two_organisations_acts_only_for_its_own(
    client, call_off, kpi, alice, northshire
):
    """Alice also works for Northshire; her Acme token still cannot rate Northshire's contract."""
    from tenderbox.organisations.models import Membership, Role

    Membership.objects.create(user=alice, organisation=northshire, role=Role.BUYER)
    token = create_token(call_off.supplier, by=alice, name="Acme only", scope="write", days=30)[1]
    response = put(
        client,
        f"/api/v1/contracts/{call_off.pk}/ratings/quarterly/2026-01-01",
        {"rating": "good", "feedback": "Marking my own homework."},
        token,
    )
    assert response.status_code == 403
    assert PerformanceRating.objects.count() == 0


def test_the_buyer_rates_and_sets_kpis_by_api(client, call_off, kpi, northshire_token):
    rate = f"/api/v1/contracts/{call_off.pk}/ratings/quarterly/2026-01-01"
    response = put(
        client, rate, {"rating": "approaching_target", "feedback": "Nearly there."}, northshire_token
    )
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("label", "rating", "corrections")} == {
        "label": "January to March 2026",
        "rating": "approaching_target",
        "corrections": 0,
    }
    again = put(client, rate, {"rating": "good", "feedback": "Sorted."}, northshire_token)
    assert (again.status_code, again.json()["rating"], again.json()["corrections"]) == (200, "good", 1)
    bad = put(client, rate, {"rating": "stellar", "feedback": "x"}, northshire_token)
    assert (bad.status_code, bad.json()["detail"]) == (400, "Select a rating")
    future = f"/api/v1/contracts/{call_off.pk}/ratings/quarterly/2026-04-01"
    assert put(client, future, {"rating": "good", "feedback": "x"}, northshire_token).json()["detail"] == (
        "Select one of the periods you can rate"
    )
    created = client.post(
        f"/api/v1/contracts/{call_off.pk}/kpis",
        {"name": "Audit", "unit": "%", "target": "90", "period": "quarterly", "direction": "higher"},
        content_type="application/json",
        **bearer(northshire_token),
    )
    assert created.status_code == 201 and created.json()["scope"] == "contract"
    refused = client.post(
        f"/api/v1/contracts/{call_off.pk}/kpis",
        {"name": "Audit", "unit": "%", "target": "90", "period": "fortnightly", "direction": "higher"},
        content_type="application/json",
        **bearer(northshire_token),
    )
    assert (refused.status_code, refused.json()["detail"]) == (400, "Select how often it is reported")
    assert Kpi.objects.count() == 2


def test_framework_kpis_are_set_by_the_owner_only(client, ypo_framework, yasmin, ypo, northshire_token):
    owner = create_token(ypo, by=yasmin, name="Owner", scope="write", days=30)[1]
    body = {"name": "Audit", "unit": "%", "target": "90", "period": "quarterly", "direction": "higher"}
    path = f"/api/v1/frameworks/{ypo_framework.pk}/kpis"
    assert (
        client.post(path, body, content_type="application/json", **bearer(northshire_token)).status_code
        == 404
    )
    assert Kpi.objects.count() == 0
    response = client.post(path, body, content_type="application/json", **bearer(owner))
    assert response.status_code == 201 and response.json()["scope"] == "framework"


def test_a_read_only_token_cannot_report(client, call_off, kpi, alice, acme):
    token = create_token(acme, by=alice, name="Reader", scope="read", days=30)[1]
    response = put(
        client, f"/api/v1/contracts/{call_off.pk}/kpis/{kpi.pk}/reports/2026-02-01", {"value": "1"}, token
    )
    assert response.status_code == 403
    assert KpiReport.objects.count() == 0
    assert client.get(f"/api/v1/contracts/{call_off.pk}/kpis", **bearer(token)).status_code == 200


def test_the_report_by_api_matches_the_action_for_ratings(client, call_off, ian, acme_token):
    actions.rate_performance(
        call_off,
        period_kind="quarterly",
        period_start=date(2026, 1, 1),
        rating="good",
        feedback="Good.",
        by=ian,
    )
    (rating,) = client.get(f"/api/v1/contracts/{call_off.pk}/ratings", **bearer(acme_token)).json()
    assert (rating["period_kind"], rating["period_start"], rating["period_end"], rating["rating"]) == (
        "quarterly",
        "2026-01-01",
        "2026-03-31",
        "good",
    )


def test_numbers_may_be_sent_as_json_numbers(client, call_off, kpi, acme_token, northshire_token):
    response = put(
        client,
        f"/api/v1/contracts/{call_off.pk}/kpis/{kpi.pk}/reports/2026-03-01",
        {"value": 96.5},
        acme_token,
    )
    assert (response.status_code, response.json()["value"]) == (201, "96.50")
    created = client.post(
        f"/api/v1/contracts/{call_off.pk}/kpis",
        {"name": "Audit", "unit": "%", "target": 90, "period": "quarterly", "direction": "higher"},
        content_type="application/json",
        **bearer(northshire_token),
    )
    assert (created.status_code, created.json()["target"]) == (201, "90.00")
