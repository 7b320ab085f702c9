"""`tenderbox worker`: run background tasks and periodic jobs (Huey's consumer)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker: queued tasks and the scheduler of periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers", type=int, default=None, help="Worker threads (default HUEY_WORKERS)."
        )
        parser.add_argument(
            "--no-periodic",
            action="store_false",
            dest="periodic",
            help="Do not schedule periodic jobs: for every worker machine but one.",
        )

    def handle(self, *args, workers=None, periodic=True, **options):
        count = workers or settings.HUEY["consumer"]["workers"]
        call_command("run_huey", workers=count, worker_type="thread", periodic=periodic)
