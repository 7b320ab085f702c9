"""Background job for publishing, run daily by Huey's scheduler (docs/operations.md).

- 05:30: a release of the aggregate statistics once a new quarter may be published (a month after
  it ends), none otherwise. Safe to run twice or late: the second run finds the release made.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tenderbox.publishing.statistics import make_due_release


@task
def make_due_statistics_release_task() -> int | None:
    release = make_due_release()
    return release.pk if release else None


@db_periodic_task(crontab(hour="5", minute="30"))
def release_statistics():
    make_due_statistics_release_task.enqueue()
