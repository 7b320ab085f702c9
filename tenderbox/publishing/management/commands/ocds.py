"""`tenderbox ocds export FILE`: every public contracting process as gzipped JSON lines of OCDS
release packages (one process a line), written in flat memory."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenderbox.publishing.export import export


class Command(BaseCommand):
    help = "OCDS open data: `ocds export FILE` writes gzipped JSON lines of release packages."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        exporting = sub.add_parser("export", help="Write every public process to FILE (.jsonl.gz).")
        exporting.add_argument("file", help="Where to write, e.g. ocds-releases.jsonl.gz ('-' is refused).")

    def handle(self, *args, action, file, **options):
        if file == "-":
            raise CommandError("Give a file name: the export is gzipped, not for a terminal.")
        try:
            count = export(file, uri=settings.SITE_URL + "/api/ocds/bulk/releases.jsonl.gz")
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}.") from exc
        self.stdout.write(f"Wrote {count} contracting processes to {file}.")
