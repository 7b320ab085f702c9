"""`tenderbox privacy-map`: write docs/privacy-map.md from the declarations (or --check it)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenderbox.privacy.map import stale_declarations, unclassified_fields
from tenderbox.privacy.render import render_markdown


class Command(BaseCommand):
    help = "Render the personal-data map to docs/privacy-map.md."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "privacy-map.md"))
        parser.add_argument("--check", action="store_true", help="Fail if the file is out of date.")

    def handle(self, *args, output, check, **options):
        missing = unclassified_fields()
        if missing:
            raise CommandError("Fields missing from the privacy map: " + ", ".join(missing))
        stale = stale_declarations()
        if stale:
            raise CommandError("Privacy map declares fields that do not exist: " + ", ".join(stale))
        text = render_markdown()
        path = Path(output)
        if check:
            if not path.exists() or path.read_text() != text:
                raise CommandError(f"{path} is out of date: run `tenderbox privacy-map`.")
            self.stdout.write("The privacy map is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.stdout.write(f"Wrote {path}.")
