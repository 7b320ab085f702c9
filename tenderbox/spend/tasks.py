"""Background jobs for spend, run daily by Huey's scheduler (docs/operations.md).

- 06:15: fee (levy) invoices for every month whose MI returns are due, from the spend declared.
- 08:15: chase suppliers whose return for last month is missing after its due day.
Both are safe to run twice or late: a unique row per invoice and per chase means nothing is doubled,
and a day missed is caught up the next day.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tenderbox.spend.actions import chase_missing_returns, issue_due_fee_invoices


@task
def chase_missing_returns_task() -> int:
    return chase_missing_returns()


@task
def issue_due_fee_invoices_task() -> int:
    return issue_due_fee_invoices()


@db_periodic_task(crontab(hour="8", minute="15"))
def chase_returns():
    chase_missing_returns_task.enqueue()


@db_periodic_task(crontab(hour="6", minute="15"))
def issue_fees():
    issue_due_fee_invoices_task.enqueue()
