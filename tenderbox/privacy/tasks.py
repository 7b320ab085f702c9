"""The daily retention job, queued by Huey's scheduler at 03:30 (UK time), when the portal is quiet.

Safe to run twice or to overlap: at most one retention run is in progress, a second invocation
resumes the same run, and each batch locks its cursor before it reads its rows.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tenderbox.privacy import retention_engine


@task
def apply_retention_task() -> dict:
    result = retention_engine.run()
    return {p.policy.key: p.tally.applied for p in result.populations}


@db_periodic_task(crontab(hour="3", minute="30"))
def daily_retention():
    apply_retention_task.enqueue()


@task
def email_notice_change(notice_id: int) -> int:
    """Queued when staff publish a privacy notice version: email each account holder once."""
    from tenderbox.privacy.notices import email_account_holders

    return email_account_holders(notice_id)


@db_periodic_task(crontab(minute="10"))
def resume_notice_emails():
    """Hourly: finish the emailing of any published version a crashed or stopped worker left undone."""
    from tenderbox.privacy.notice_models import NoticeVersion

    for notice_id in NoticeVersion.objects.filter(emails_done_at=None).values_list("pk", flat=True):
        email_notice_change.enqueue(notice_id)
