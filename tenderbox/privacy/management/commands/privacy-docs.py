"""`tenderbox privacy-docs`: write the register of processing (docs/register-of-processing.md) and the
privacy notice draft (docs/privacy-notice.md) from the privacy map and the registers, or --check them."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenderbox.privacy import notices, processing_register


def documents() -> dict[Path, str]:
    docs = Path(settings.BASE_DIR) / "docs"
    return {
        docs / "register-of-processing.md": processing_register.render_markdown(),
        docs / "privacy-notice.md": notices.draft_markdown(),
    }


class Command(BaseCommand):
    help = "Render the register of processing and the privacy notice draft under docs/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Fail, showing the difference, if out of date."
        )

    def handle(self, *args, check, **options):
        stale = []
        for path, text in documents().items():
            if check:
                old = path.read_text() if path.exists() else ""
                if old != text:
                    stale.append(path)
                    diff = notices.difference(
                        old, text, old_label=f"{path.name} (committed)", new_label="code"
                    )
                    self.stderr.write("\n".join(diff))
                continue
            path.write_text(text)
            self.stdout.write(f"Wrote {path}.")
        if stale:
            names = ", ".join(p.name for p in stale)
            raise CommandError(f"{names} out of date: run `tenderbox privacy-docs` and commit the result.")
        if check:
            self.stdout.write("The register of processing and the privacy notice draft are up to date.")
