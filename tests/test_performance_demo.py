"""The demo world has KPIs, reports and a rating on its call-off, loaded once."""

from datetime import datetime

import time_machine
from django.core.management import call_command

from tenderbox.performance.models import Kpi, KpiReport, PerformanceRating
from tenderbox.tenders.rules import UK_TIME


def test_the_demo_call_off_has_kpis_reports_and_a_rating(db):
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UK_TIME), tick=False):
        call_command("demo", quiet=True)
        counts = (Kpi.objects.count(), KpiReport.objects.count(), PerformanceRating.objects.count())
        # The call-off started 60 days ago, on 2 October: October and November have ended (both
        # reported for scheduled cleans, October only for complaints); its first quarter has not.
        assert counts == (3, 3, 0)
        call_command("demo", quiet=True)
        assert (Kpi.objects.count(), KpiReport.objects.count(), PerformanceRating.objects.count()) == counts
    with time_machine.travel(datetime(2027, 1, 5, 9, 0, tzinfo=UK_TIME), tick=False):
        KpiReport.objects.all().delete()
        Kpi.objects.all().delete()
        from tenderbox.performance.demo import load_demo_performance

        assert load_demo_performance() == 1
        # October to December has ended: the audit score and a rating for it.
        assert KpiReport.objects.filter(kpi__framework__isnull=False).count() == 1
        assert PerformanceRating.objects.get().rating == "approaching_target"
