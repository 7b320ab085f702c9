"""First-party analytics: daily counters, nothing else.

Counted only for people who accepted analytics cookies (the register's `effectiveness` purpose,
consent). The tables hold aggregate numbers per day: no user, no IP address, no visitor id, no query
string. See `analytics/middleware.py` for what counts as a page view and how paths are recorded.
"""

from django.db import models


class PageView(models.Model):
    """How many times a page was viewed on one day, by people who accepted analytics cookies.

    One row per (day, path), created by the first view and incremented with `F()` afterwards
    (`analytics.actions.count_page_view`), so concurrent views are never lost.
    """

    day = models.DateField(help_text="The day of the views (Europe/London).")
    path = models.CharField(
        max_length=255,
        help_text="The page's path without its query string; a page whose address carries a value "
        "(an id, a token) is counted under its URL pattern, such as /buying/<procurement_id>/.",
    )
    views = models.PositiveIntegerField(default=0, help_text="Successful page views that day.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "path"], name="analytics_pageview_day_path")]
        ordering = ["-day", "-views", "path"]

    def __str__(self):
        return f"{self.day} {self.path}: {self.views}"


class DailyVisitors(models.Model):
    """How many browsers (with analytics accepted) viewed at least one page on one day.

    A browser is counted once a day: its `tb_analytics` cookie holds only the day it was last counted,
    so nothing here or in the cookie identifies anybody.
    """

    day = models.DateField(unique=True, help_text="The day (Europe/London).")
    visitors = models.PositiveIntegerField(default=0, help_text="Browsers counted that day.")

    class Meta:
        ordering = ["-day"]
        verbose_name_plural = "daily visitors"

    def __str__(self):
        return f"{self.day}: {self.visitors}"
