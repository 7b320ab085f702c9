"""`tenderbox statistics release [--through DATE]`: compute and publish a release of the aggregate
statistics now (the daily job makes one by itself once a quarter may be published)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tenderbox.publishing import disclosure
from tenderbox.publishing.statistics import make_release


class Command(BaseCommand):
    help = "Aggregate statistics: `statistics release` computes and publishes a release now."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        releasing = sub.add_parser("release", help="Compute and publish a release.")
        releasing.add_argument(
            "--through",
            help="The last day to cover (YYYY-MM-DD); by default the end of the last quarter that may "
            "be published (one that ended at least a month ago).",
        )

    def handle(self, *args, action, through=None, **options):
        from django.utils import timezone

        latest = disclosure.statistics_cover_through(timezone.localdate())
        if through:
            try:
                day = date.fromisoformat(through)
            except ValueError:
                raise CommandError(f"--through must be a date like 2026-03-31, not {through!r}.") from None
            if day > latest:
                raise CommandError(
                    f"A release can cover up to {latest:%-d %B %Y}: a quarter is published a month "
                    "after it ends."
                )
        else:
            day = latest
        release = make_release(covers_through=day)
        self.stdout.write(
            f"Published statistics covering everything dated up to {release.covers_through:%-d %B %Y}: "
            f"{release.cells.count()} figures."
        )
