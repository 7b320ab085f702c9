"""Counting page views and visitors (purpose `effectiveness` in privacy/register.py: consent).

Callers make sure the person accepted analytics cookies. Each counter is incremented in the database
(`F()`), never read-modify-written, and a row's first creation is guarded by its unique constraint:
two requests racing to create the same row both count. Aggregate counters are not records that
matter, so no audit event is written.
"""

from datetime import date

from django.db import IntegrityError, models, transaction
from django.db.models import F

from tenderbox.analytics.models import DailyVisitors, PageView


def _increment(model: type[models.Model], counter: str, **key) -> None:
    """Add one to `counter` of the row with `key`, creating the row on its first count."""
    rows = model.objects.filter(**key)
    if rows.update(**{counter: F(counter) + 1}):
        return
    try:
        with transaction.atomic():  # a savepoint: losing the race leaves any outer transaction usable
            model.objects.create(**key, **{counter: 1})
    except IntegrityError:
        # Another request created the row between our update and our insert: count on top of it.
        rows.update(**{counter: F(counter) + 1})


def count_page_view(*, day: date, path: str, new_visitor: bool) -> None:
    """Count one page view of `path` on `day`, and one visitor when the browser is new that day."""
    with transaction.atomic():
        _increment(PageView, "views", day=day, path=path[: PageView._meta.get_field("path").max_length])
        if new_visitor:
            _increment(DailyVisitors, "visitors", day=day)
