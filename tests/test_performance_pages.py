"""The KPI pages: the s.52 warning, charts beside their tables, reporting and correcting through the
form, rating, CSV downloads safe from formula injection, and the panel for the contract page."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory

from tenderbox.audit.models import AuditEvent
from tenderbox.performance import actions
from tenderbox.performance.models import KpiReport, PerformanceRating
from tenderbox.performance.views import contract_section, kpi_panel_context
from tenderbox.tenders.rules import UK_TIME
from tests.conftest import sign_in

WARNING = (
    "This contract is worth over £5 million including VAT, so the Procurement Act 2023 (section 52) "
    "requires at least 3 key performance indicators"
)


def at(*args):
    return time_machine.travel(datetime(*args, 9, 0, tzinfo=UK_TIME), tick=False)


@pytest.fixture(autouse=True)
def may():
    with at(2026, 5, 20):
        yield


def define(contract, by, name, period="monthly", **extra):
    fields = {"unit": "%", "target": Decimal("95"), "direction": "higher", **extra}
    return actions.define_kpi(by=by, contract=contract, name=name, period=period, **fields)


@pytest.fixture
def kpi(call_off, ian):
    with at(2026, 1, 2):
        return define(call_off, ian, "Calls answered within 20 seconds")


def page(client, user, path):
    client.logout()
    sign_in(client, user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_big_contract_warns_until_it_has_three_kpis_and_a_small_one_never(
    client, call_off, rival_contract, ian
):
    path = f"/performance/contracts/{call_off.pk}/"
    html = page(client, ian, path)
    assert WARNING in html and "It has no KPIs: set 3 more." in html
    define(call_off, ian, "One")
    define(call_off, ian, "Two")
    assert "It has only 2 KPIs: set 1 more." in page(client, ian, path)
    define(call_off, ian, "Three")
    assert 'id="kpi-warning"' not in page(client, ian, path)
    assert 'id="kpi-warning"' not in page(client, ian, f"/performance/contracts/{rival_contract.pk}/")


def test_a_framework_kpi_counts_towards_the_three(client, ypo_framework, call_off, ian, yasmin):
    actions.define_kpi(
        by=yasmin,
        framework=ypo_framework,
        name="Audit",
        unit="%",
        target=90,
        period="quarterly",
        direction="higher",
    )
    assert "It has only 1 KPI: set 2 more." in page(client, ian, f"/performance/contracts/{call_off.pk}/")


def test_each_kpi_has_a_chart_and_the_same_numbers_in_a_table(client, call_off, kpi, bob, ian):
    with at(2026, 3, 2):
        actions.report_kpi(call_off, kpi, period_start=date(2026, 1, 1), value=Decimal("93"), by=bob)
        actions.report_kpi(call_off, kpi, period_start=date(2026, 2, 1), value=Decimal("97.5"), by=bob)
    html = page(client, ian, f"/performance/contracts/{call_off.pk}/")
    (svg,) = re.findall(r"<svg.*?</svg>", html, re.S)
    assert (
        'role="img"' in svg and f'aria-label="Calls answered within 20 seconds: {call_off.reference}"' in svg
    )
    assert (
        "Monthly values of Calls answered within 20 seconds reported by Acme Facilities Ltd, from January "
        "2026 to May 2026, against a target of 95%, higher is better. 2 of 5 periods reported; 1 met the "
        "target."
    ) in svg
    assert "Acme Facilities Ltd, Jan 2026: 93%, target missed" in svg
    assert "Acme Facilities Ltd, Feb 2026: 97.5%, target met" in svg
    cells = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*<td[^>]*>([^<]+)</td>', html
    )
    assert cells == [
        ("January 2026", "93%"),
        ("February 2026", "97.5%"),
        ("March 2026", "Not reported"),
        ("April 2026", "Not reported"),
        ("May 2026", "Not reported"),
    ]
    assert "Late by 36 days" in html  # March was due on 14 April
    assert "Due by 14 May 2026" not in html and "Late by 6 days" in html  # April, due 14 May
    assert "In progress" in html  # May


def test_the_pages_use_no_inline_style_or_script_in_charts(
    client, call_off, kpi, bob, ian, yasmin, ypo_framework
):
    with at(2026, 3, 2):
        actions.report_kpi(call_off, kpi, period_start=date(2026, 1, 1), value=Decimal("93"), by=bob)
    for user, path in [
        (ian, f"/performance/contracts/{call_off.pk}/"),
        (yasmin, f"/performance/frameworks/{ypo_framework.pk}/"),
        (bob, f"/performance/suppliers/{call_off.supplier_id}/"),
    ]:
        html = page(client, user, path)
        assert " style=" not in html and "<style" not in html
        # Scripts only from our own static files or with the page's nonce; none inside the charts.
        assert all('src="/static/' in tag or "nonce=" in tag for tag in re.findall(r"<script[^>]*>", html))
        assert all("<script" not in svg for svg in re.findall(r"<svg.*?</svg>", html, re.S))


def test_the_supplier_reports_and_corrects_through_the_form(client, call_off, kpi, bob, alice):
    sign_in(client, bob)
    path = f"/performance/contracts/{call_off.pk}/kpis/{kpi.pk}/report"
    form = client.get(path + "?period=2026-04-01").content.decode()
    assert '<option value="2026-04-01" selected>April 2026</option>' in form
    assert 'value="2026-05-01"' not in form  # May has not ended
    response = client.post(path, {"period": "2026-04-01", "value": "94.25", "comment": "New starters."})
    assert response.status_code == 302 and response["Location"] == f"/performance/contracts/{call_off.pk}/"
    client.logout()
    sign_in(client, alice)
    form = client.get(path + "?period=2026-04-01").content.decode()
    assert 'value="94.25"' in form and "New starters." in form
    assert client.post(path, {"period": "2026-04-01", "value": "96"}).status_code == 302
    report = KpiReport.objects.get()
    assert (report.value, report.comment, report.corrections, report.reported_by) == (
        Decimal("96.00"),
        "",
        1,
        alice,
    )
    assert "April 2026 (reported: a new value replaces it)" in client.get(path).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period": "2026-04-01", "value": ""}, "Enter value"),
        ({"period": "2026-04-01", "value": "ninety"}, "Value must be a number, like 95 or 12.5"),
        ({"period": "2026-04-01", "value": "1.234"}, "Value can have at most 2 decimal places"),
        ({"period": "2026-04-01", "value": "1e20"}, "Value must be less than 1,000,000,000,000"),
        ({"period": "2026-05-01", "value": "1"}, "Select one of the periods you can report"),
        ({"period": "2025-12-01", "value": "1"}, "Select one of the periods you can report"),
        ({"value": "1"}, "Select the period"),
    ],
)
def test_a_bad_report_is_refused_with_a_message_and_nothing_saved(client, call_off, kpi, bob, data, message):
    sign_in(client, bob)
    response = client.post(f"/performance/contracts/{call_off.pk}/kpis/{kpi.pk}/report", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert KpiReport.objects.count() == 0


def test_the_buyer_sets_a_kpi_and_a_bad_one_is_refused(client, call_off, ian):
    sign_in(client, ian)
    path = f"/performance/contracts/{call_off.pk}/kpis/new"
    bad = client.post(path, {"name": "", "unit": "%", "target": "x", "period": "weekly", "direction": ""})
    assert bad.status_code == 400
    html = bad.content.decode()
    for message in (
        "Enter name",
        "Target must be a number, like 95 or 12.5",
        "Select how often it is reported",
        "Select whether a higher or a lower value is better",
    ):
        assert message in html
    assert call_off.kpis.count() == 0
    good = {
        "name": "Complaints",
        "unit": "complaints",
        "target": "2",
        "period": "quarterly",
        "direction": "lower",
    }
    assert client.post(path, good).status_code == 302
    kpi = call_off.kpis.get()
    assert (kpi.name, kpi.unit, kpi.target, kpi.period, kpi.direction, kpi.created_by) == (
        "Complaints",
        "complaints",
        Decimal("2.00"),
        "quarterly",
        "lower",
        ian,
    )


def test_the_buyer_rates_a_quarter_and_the_supplier_reads_the_feedback(client, call_off, ian, alice):
    sign_in(client, ian)
    path = f"/performance/contracts/{call_off.pk}/rate"
    form = client.get(path).content.decode()
    assert '<option value="quarterly:2026-01-01">Quarter: January to March 2026</option>' in form
    assert "quarterly:2026-04-01" not in form  # still running
    refused = client.post(path, {"period": "quarterly:2026-01-01", "rating": "good", "feedback": "   "})
    assert refused.status_code == 400 and "Enter your feedback to the supplier" in refused.content.decode()
    assert PerformanceRating.objects.count() == 0
    data = {
        "period": "quarterly:2026-01-01",
        "rating": "requires_improvement",
        "feedback": "Late starts at 3 sites.",
    }
    assert client.post(path, data).status_code == 302
    html = page(client, alice, f"/performance/contracts/{call_off.pk}/")
    assert "Requires improvement" in html and "Late starts at 3 sites." in html
    # PA23 s.71: the next assessment is due 12 months after the period rated.
    assert "The next assessment of performance is due by 31 March 2027" in html
    assert AuditEvent.objects.filter(verb="performance.rated").count() == 1


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_has_every_period_and_neutralises_formulas(client, call_off, ian, bob):
    with at(2026, 1, 2):
        kpi = define(call_off, ian, '=HYPERLINK("http://evil.example")', unit="@units", target=Decimal("-5"))
    with at(2026, 3, 2):
        actions.report_kpi(
            call_off,
            kpi,
            period_start=date(2026, 1, 1),
            value=Decimal("-7.5"),
            comment="+cmd|' /C calc'!A0",
            by=bob,
        )
    sign_in(client, ian)
    response = client.get(f"/performance/contracts/{call_off.pk}/kpis.csv")
    assert response["Content-Disposition"] == f'attachment; filename="{call_off.reference}-kpis.csv"'
    header, first, *rest = csv_rows(response)
    assert header[:4] == ["Contract", "Buyer", "Supplier", "KPI"]
    assert first == [
        call_off.reference,
        "Northshire County Council",
        "Acme Facilities Ltd",
        '\'=HYPERLINK("http://evil.example")',
        "Contract",
        "'@units",
        "-5.00",  # a number stays a number
        "Higher is better",
        "January 2026",
        "2026-01-01",
        "2026-01-31",
        "-7.50",
        "Missed",
        "Reported",
        "'+cmd|' /C calc'!A0",
        "2026-03-02T09:00+00:00",
    ]
    assert [row[8] for row in rest] == ["February 2026", "March 2026", "April 2026", "May 2026"]
    assert [row[13] for row in rest] == [
        "Late by 67 days",
        "Late by 36 days",
        "Late by 6 days",
        "In progress",
    ]


def test_the_framework_report_charts_a_line_per_call_off(
    client, ypo_framework, call_off, southmoor_call_off, yasmin, bob
):
    with at(2026, 1, 2):
        kpi = actions.define_kpi(
            by=yasmin,
            framework=ypo_framework,
            name="Audit score",
            unit="%",
            target=90,
            period="quarterly",
            direction="higher",
        )
    with at(2026, 4, 2):
        actions.report_kpi(call_off, kpi, period_start=date(2026, 1, 1), value=Decimal("88"), by=bob)
        actions.report_kpi(
            southmoor_call_off, kpi, period_start=date(2026, 1, 1), value=Decimal("93"), by=bob
        )
    html = page(client, yasmin, f"/performance/frameworks/{ypo_framework.pk}/")
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    (chart,) = [s for s in svgs if "Audit score" in s]
    assert chart.count("app-chart__series--") == 2
    assert f"{call_off.reference} (Northshire County Council), Q1 2026: 88%, target missed" in chart
    assert f"{southmoor_call_off.reference} (Southmoor Borough Council), Q1 2026: 93%, target met" in chart
    response = client.get(f"/performance/frameworks/{ypo_framework.pk}/kpis.csv")
    _, *rows = csv_rows(response)
    assert sorted({row[0] for row in rows}) == sorted([call_off.reference, southmoor_call_off.reference])


def test_the_contract_page_panel_shows_the_warning_and_latest_values(
    call_off, kpi, ian, carol, brightside, bob
):
    with at(2026, 5, 2):
        actions.report_kpi(call_off, kpi, period_start=date(2026, 4, 1), value=Decimal("96"), by=bob)
    request = RequestFactory().get("/")
    request.user = ian
    context = kpi_panel_context(request, call_off)
    html = render_to_string("performance/_contract_kpis.html", context, request=request)
    assert "It has only 1 KPI: set 2 more." in html
    assert "April 2026" in html and "96%" in html
    assert f'href="/performance/contracts/{call_off.pk}/"' in html
    request.user = carol
    context = kpi_panel_context(request, call_off)
    assert context == {"kpi_panel": None}
    assert render_to_string("performance/_contract_kpis.html", context, request=request).strip() == ""


def test_beyond_six_call_offs_the_framework_chart_shows_lowest_average_and_highest(
    client, ypo_framework, northshire, acme, ian, yasmin, bob
):
    from tests.performance_fixtures import call_off_to

    contracts = [call_off_to(northshire, acme, ian, ypo_framework, title=f"Site {n}") for n in range(7)]
    with at(2026, 1, 2):
        kpi = actions.define_kpi(
            by=yasmin,
            framework=ypo_framework,
            name="Audit",
            unit="%",
            target=90,
            period="quarterly",
            direction="higher",
        )
    with at(2026, 4, 2):
        for contract, value in zip(contracts[:3], ("85", "90", "98.5"), strict=True):
            actions.report_kpi(contract, kpi, period_start=date(2026, 1, 1), value=Decimal(value), by=bob)
    html = page(client, yasmin, f"/performance/frameworks/{ypo_framework.pk}/")
    (chart,) = [s for s in re.findall(r"<svg.*?</svg>", html, re.S) if "Audit: " in s]
    assert "Lowest, Q1 2026: 85%" in chart and "Average, Q1 2026: 91.17%" in chart
    assert "Highest, Q1 2026: 98.5%" in chart and chart.count("app-chart__series--") == 3
    assert "The lines show the lowest, average and highest value reported each period." in chart
    row = re.search(
        r"<th scope=\"row\" class=\"govuk-table__header\">January to March 2026</th>(.*?)</tr>", html, re.S
    )
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))
    assert cells == ["3 of 7", "85%", "91.17%", "98.5%", "2"]


def test_the_panel_plugs_into_the_contract_pages_sections(client, call_off, kpi, ian, jo, monkeypatch):
    """contracts.views.contract_sections is the contract page's hook; this is the line it needs."""
    from tenderbox.contracts import views as contract_views

    spend_sections = contract_views.contract_sections
    monkeypatch.setattr(
        contract_views,
        "contract_sections",
        lambda c, user: [*spend_sections(c, user), *contract_section(c, user)],
    )
    html = page(client, ian, contract_url(call_off))
    assert 'id="kpi-panel-heading"' in html and "It has only 1 KPI: set 2 more." in html
    assert "Calls answered within 20 seconds" in html
    # Jo evaluates for Northshire: the contract page may show her the contract, never its KPIs.
    client.logout()
    sign_in(client, jo)
    response = client.get(contract_url(call_off))
    assert 'id="kpi-panel-heading"' not in response.content.decode()
    assert contract_section(call_off, jo) == []


def contract_url(contract):
    from django.urls import reverse

    return reverse("contracts:detail", args=[contract.pk])
