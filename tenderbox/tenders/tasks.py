"""Background jobs for procurements: the clock's catch-up, run every minute by Huey's scheduler.

Requests already apply time-driven moves as they happen (a late worker can never let a late tender
in); this job moves the procurements nobody looked at, so notices and emails follow on time.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tenderbox.tenders.actions import apply_due_transitions


@task
def apply_due_transitions_task() -> int:
    """Safe to run twice: each move locks its row and checks its state again."""
    return apply_due_transitions()


@db_periodic_task(crontab(minute="*"))
def clock():
    apply_due_transitions_task.enqueue()
