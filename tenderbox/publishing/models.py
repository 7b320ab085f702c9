"""Releases of the aggregate statistics (publishing/statistics.py).

Everything else publishing serves is built from the models at each request. The statistics are not:
disclosure control must see every table and every combination of filters at once, so that a figure
hidden in one is not given away by the others (publishing/disclosure.py), and a release that
changed with every payment recorded would let anyone difference today's table from yesterday's.
So the statistics are computed in releases, once per quarter, and only what may be published is
stored: a hidden figure is stored as hidden, without its value. Nothing here identifies anyone.
"""

from django.db import models
from django.utils import timezone


class Measure(models.TextChoices):
    SPEND = "spend", "Spend under contracts"
    CONTRACTS = "contracts", "Contracts awarded"
    TENDERS = "tenders", "Tenders received"
    AWARD_TIMES = "award_times", "Time to award"


class StatisticsReleaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(completed_at__isnull=False).order_by("-completed_at", "-pk")


class StatisticsRelease(models.Model):
    """One release: every statistic for every combination of filters, from the data dated up to
    `covers_through`, with disclosure control applied across all of them.

    States (derived from the timestamps):
    - being made (`completed_at` empty): never shown; a release that failed half way stays so and
      is deleted by the next one;
    - published: the newest completed release is the one the pages show; older ones are deleted
      when a new one completes.
    """

    covers_through = models.DateField(help_text="Last day of the data it covers (a quarter's end).")
    started_at = models.DateTimeField(default=timezone.now, help_text="When it began to be computed.")
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When every figure was stored: from then on it is published."
    )

    objects = StatisticsReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"Statistics to {self.covers_through:%-d %B %Y}"


class StatisticsLevel(models.Model):
    """Whether one cross-tabulation of a release (a measure by a set of dimensions, such as spend
    by year, region and CPV division) is published at all. A hidden cross-tabulation stores no
    cells: every figure of it is shown as confidential."""

    release = models.ForeignKey(StatisticsRelease, on_delete=models.CASCADE, related_name="levels")
    measure = models.CharField(max_length=12, choices=Measure.choices, help_text="What is measured.")
    level = models.CharField(
        max_length=80, help_text="Period granularity and dimensions, e.g. 'year:division,region'."
    )
    hidden = models.BooleanField(default=False, help_text="Every figure of it is confidential.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "measure", "level"], name="stat_level_unique"),
        ]

    def __str__(self):
        return f"{self.measure} {self.level}"


class StatisticsCell(models.Model):
    """One figure of a release: a measure for one combination of values (an empty value means
    "all"). A cell with no data is not stored (it is zero); a confidential one is stored as hidden,
    without its figures. Counts are stored already rounded to base 5."""

    release = models.ForeignKey(StatisticsRelease, on_delete=models.CASCADE, related_name="cells")
    measure = models.CharField(max_length=12, choices=Measure.choices, help_text="What is measured.")
    period = models.CharField(
        max_length=7, blank=True, help_text="'' (all), a year ('2026') or a quarter ('2026-Q1')."
    )
    region = models.CharField(max_length=3, blank=True, help_text="Buyer's ITL1 region; '' for all.")
    authority_type = models.CharField(max_length=30, blank=True, help_text="Buyer's kind; '' for all.")
    division = models.CharField(max_length=2, blank=True, help_text="CPV division; '' for all.")
    breakdown = models.CharField(
        max_length=20,
        blank=True,
        help_text="The measure's own breakdown (supplier size, procedure, tenders received); '' for all.",
    )
    shown = models.BooleanField(help_text="False: confidential, and no figure is stored.")
    count = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Payments, contracts or procurements, rounded to base 5."
    )
    value_pence = models.BigIntegerField(null=True, blank=True, help_text="Money, in pence, excluding VAT.")
    lower_quartile = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, help_text="Days: lower quartile."
    )
    median = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True, help_text="Days.")
    upper_quartile = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, help_text="Days: upper quartile."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "measure", "period", "region", "authority_type", "division", "breakdown"],
                name="stat_cell_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(shown=True)
                | models.Q(
                    count__isnull=True,
                    value_pence__isnull=True,
                    lower_quartile__isnull=True,
                    median__isnull=True,
                    upper_quartile__isnull=True,
                ),
                name="stat_cell_hidden_has_no_figures",
            ),
        ]

    def __str__(self):
        return f"{self.measure} {self.period or 'all'}"
