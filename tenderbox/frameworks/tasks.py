"""Background jobs for frameworks and contracts: the clock's catch-up, run every 15 minutes.

Requests already decide by the date (nothing can be called off after the last day of the term,
whether or not this job has run); this job sends the warnings before a framework's term ends, records
expiries and contracts' ends, and tells everyone involved.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tenderbox.contracts import actions as contracts
from tenderbox.frameworks import actions as frameworks


@task
def apply_due_transitions_task() -> int:
    """Safe to run twice: each act locks its row, checks its state again, and warnings are unique rows."""
    return frameworks.apply_due_transitions() + contracts.apply_due_transitions()


@db_periodic_task(crontab(minute="*/15"))
def clock():
    apply_due_transitions_task.enqueue()
