"""Background jobs for contract performance: chasing late KPI reports, once a day.

Each reminder goes once per (KPI, contract, period): the ReportChase row made with the emails is the
record, so the job is safe to run twice, late, or on two workers at once.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tenderbox.performance.actions import chase_late_reports


@task
def chase_late_reports_task() -> int:
    return chase_late_reports()


# 07:00 by Huey's scheduler clock (UTC: 07:00 or 08:00 UK time), so reminders arrive at the start of the day.
@db_periodic_task(crontab(hour="7", minute="0"))
def chase_late_kpi_reports():
    chase_late_reports_task.enqueue()
