"""Contract KPIs in OCDS (the metrics extension): each KPI that applies to a contract is one of its
`agreedMetrics` with its target, from the moment it applied; each value the supplier reported for a
period is an implementation release with the period's observation in `implementation.metrics`; a
correction is a new release and the record compiles the corrected value. Only the KPI's definition,
target and reported values are published: never the supplier's comments, the buyer's ratings and
feedback, or who set or reported anything. Everything validates with zero errors.

On the OCDS world (tests/ocds_fixtures.py): Crown sets a quarterly framework KPI on its Facilities
framework before Northshire's direct award to Delta (so it applies from the award); Ian adds a
monthly KPI of the call-off on 20 December 2026; Dev reports January 2027 (2 complaints), then
corrects it to 4; Dev reports the first quarter (97.5%); Ian rates the quarter.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from tenderbox.performance import actions as performance
from tenderbox.publishing import packages
from tenderbox.publishing.releases import ocid
from tests.ocds_fixtures import assert_valid, validate
from tests.test_ocds_privacy import published_text

PRIVATE = (
    "Dev Patel counted them himself",
    "Two were about the night shift",
    "Rated by the site team",
    "Excellent, but slow to answer",
)


@pytest.fixture
def kpis(world, fiona, ian, dev):
    direct = world["direct"]
    framework_kpi = performance.define_kpi(
        by=fiona,
        framework=world["framework"],
        name="Sites inspected on time",
        unit="%",
        target=Decimal("95"),
        period="quarterly",
        direction="higher",
    )
    with time_machine.travel("2026-12-20 09:00:00+00:00", tick=False):
        complaints = performance.define_kpi(
            by=ian,
            contract=direct,
            name="Complaints",
            description="Written complaints from building users.",
            unit="count",
            target=Decimal("3"),
            period="monthly",
            direction="lower",
        )
    with time_machine.travel("2027-02-03 11:00:00+00:00", tick=False):
        performance.report_kpi(
            direct, complaints, period_start=date(2027, 1, 1), value="2", comment=PRIVATE[0], by=dev
        )
    with time_machine.travel("2027-02-10 15:30:00+00:00", tick=False):
        performance.report_kpi(
            direct, complaints, period_start=date(2027, 1, 1), value="4", comment=PRIVATE[1], by=dev
        )
    with time_machine.travel("2027-04-08 10:00:00+01:00", tick=False):
        performance.report_kpi(
            direct, framework_kpi, period_start=date(2027, 1, 1), value="97.5", comment=PRIVATE[2], by=dev
        )
        performance.rate_performance(
            direct,
            period_kind="quarterly",
            period_start=date(2027, 1, 1),
            rating="good",
            feedback=PRIVATE[3],
            by=ian,
        )
    return {"direct": direct, "framework_kpi": framework_kpi, "complaints": complaints}


def direct_releases(direct):
    return packages.releases_for(ocid(direct.reference))


def test_kpis_are_agreed_metrics_from_when_they_applied(kpis):
    direct, framework_kpi, complaints = kpis["direct"], kpis["framework_kpi"], kpis["complaints"]
    p, ref = ocid(direct.reference), direct.reference
    made = direct_releases(direct)
    assert [(r["id"], r["tag"], r["date"]) for r in made] == [
        (f"{p}-award", ["tender", "award", "contract"], "2026-12-02T10:00:00+00:00"),
        (f"{p}-{ref}-metrics-kpi-{framework_kpi.pk}", ["contractUpdate"], "2026-12-02T10:00:00+00:00"),
        (f"{p}-{ref}-metrics-kpi-{complaints.pk}", ["contractUpdate"], "2026-12-20T09:00:00+00:00"),
        (
            f"{p}-{ref}-kpi-{complaints.pk}-2027-01-01-revision-1",
            ["implementation"],
            "2027-02-10T15:30:00+00:00",
        ),
        (f"{p}-{ref}-kpi-{framework_kpi.pk}-2027-01-01", ["implementation"], "2027-04-08T10:00:00+01:00"),
    ]
    framework_entry = made[1]["contracts"]
    assert framework_entry == [
        {
            "id": ref,
            "awardID": f"{ref}-award",
            "agreedMetrics": [
                {
                    "id": f"kpi-{framework_kpi.pk}",
                    "title": "Sites inspected on time",
                    "description": "Reported each quarter; the target is at least 95% in every period.",
                    "observations": [
                        {
                            "id": "target",
                            "measure": 95,
                            "unit": {"name": "percent", "scheme": "UNCEFACT", "id": "P1"},
                        }
                    ],
                }
            ],
        }
    ]
    assert made[2]["contracts"][0]["agreedMetrics"] == [
        {
            "id": f"kpi-{complaints.pk}",
            "title": "Complaints",
            "description": "Written complaints from building users. Reported each month; the target is at "
            "most 3 count in every period.",
            "observations": [{"id": "target", "measure": 3, "unit": {"name": "count"}}],
        }
    ]
    assert {p["name"]: p["roles"] for p in made[1]["parties"]} == {
        "Northshire County Council": ["buyer"],
        "Delta Services Ltd": ["supplier"],
    }
    assert made[1]["relatedProcesses"][0]["relationship"] == ["framework"]


def test_each_reported_value_is_an_observation_and_the_record_compiles_the_latest(kpis):
    direct, framework_kpi, complaints = kpis["direct"], kpis["framework_kpi"], kpis["complaints"]
    made = direct_releases(direct)
    assert made[3]["contracts"][0]["implementation"] == {
        "metrics": [
            {
                "id": f"kpi-{complaints.pk}",
                "title": "Complaints",
                "observations": [
                    {
                        "id": "2027-01-01",
                        "period": {
                            "startDate": "2027-01-01T00:00:00+00:00",
                            "endDate": "2027-01-31T23:59:59+00:00",
                        },
                        "measure": 4,
                        "unit": {"name": "count"},
                    }
                ],
            }
        ]
    }
    quarter = made[4]["contracts"][0]["implementation"]["metrics"][0]["observations"][0]
    assert (quarter["period"]["endDate"], quarter["measure"]) == ("2027-03-31T23:59:59+01:00", 97.5)
    compiled = packages.record(made)["compiledRelease"]["contracts"][0]
    assert [m["id"] for m in compiled["agreedMetrics"]] == [f"kpi-{framework_kpi.pk}", f"kpi-{complaints.pk}"]
    assert [
        (m["id"], [(o["id"], o["measure"]) for o in m["observations"]])
        for m in compiled["implementation"]["metrics"]
    ] == [(f"kpi-{complaints.pk}", [("2027-01-01", 4)]), (f"kpi-{framework_kpi.pk}", [("2027-01-01", 97.5)])]
    # Built again, the same.
    assert direct_releases(direct) == made


def test_a_framework_kpi_applies_to_every_call_off_under_it(kpis, world):
    won = world["won"]
    contract = won.contracts.get()
    tags = [
        (r["id"].removeprefix(ocid(won.reference) + "-"), r["tag"])
        for r in packages.releases_for(ocid(won.reference))
        if r["tag"] == ["contractUpdate"]
    ]
    assert tags == [(f"{contract.reference}-metrics-kpi-{kpis['framework_kpi'].pk}", ["contractUpdate"])]


def test_no_comment_rating_feedback_or_person_is_published(client, kpis, tmp_path):
    from tenderbox.accounts.models import User

    text = published_text(client, tmp_path)
    assert "Sites inspected on time" in text and "Complaints" in text
    assert [secret for secret in PRIVATE if secret in text] == []
    assert '"good"' not in text
    people = [value for user in User.objects.all() for value in (user.email, user.full_name)]
    assert [value for value in people if value in text] == []


def test_the_metrics_validate_in_release_and_record_packages(kpis, offline, tmp_path):
    processes = list(packages.iter_processes())
    releases = [r for _, _, made in processes for r in made]
    assert sum(1 for r in releases if "implementation" in r["tag"]) == 2
    assert_valid(validate(packages.release_package(releases, uri="https://x.example/"), tmp_path))
    records = [packages.record(made) for _, _, made in processes]
    assert_valid(validate(packages.record_package(records, uri="https://x.example/"), tmp_path))
