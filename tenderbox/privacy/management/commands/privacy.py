"""`tenderbox privacy`: the privacy officer's access and erasure from the command line.

tenderbox privacy export EMAIL OUTPUT.zip     every datum held about the person (as the access export)
tenderbox privacy erase EMAIL --dry-run       per kind of record, what would be erased, anonymised or
                                               kept, under which rule and until when; changes nothing
tenderbox privacy erase EMAIL                 erase now (the same as answering an erasure request)

Each run is audited. Use the request pages for a person's own request: they record the request, its
deadline and what the person was told; the command is for the officer's own use (and a person who
asked by post or telephone).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from tenderbox.audit.chain import record
from tenderbox.privacy.map import privacy_map


class Command(BaseCommand):
    help = "Export (access) or erase one person's data, found by email address."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="Write the person's data to a zip.")
        export.add_argument("email")
        export.add_argument("output", help="Path of the zip to write.")
        erase = sub.add_parser("erase", help="Erase the person's data (or --dry-run).")
        erase.add_argument("email")
        erase.add_argument("--dry-run", action="store_true", help="Say what would happen; change nothing.")

    def _person(self, email: str):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account uses {email}.")
        if user.erased_at is not None:
            raise CommandError(f"The account that used {email} is already erased.")
        return user

    def handle(self, *args, subcommand, **options):
        user = self._person(options["email"])
        if subcommand == "export":
            return self.export(user, Path(options["output"]))
        return self.erase(user, dry_run=options["dry_run"])

    def export(self, user, path: Path):
        from tenderbox.privacy.export import build_export

        if path.suffix != ".zip":
            raise CommandError("Give the output a .zip name.")
        content = build_export(user)
        path.write_bytes(content)
        record("subject_request.exported_by_command", obj=user, subject=user, after={"bytes": len(content)})
        self.stdout.write(f"Wrote the data of account #{user.pk} to {path} ({len(content)} bytes).")

    def erase(self, user, *, dry_run: bool):
        from tenderbox.privacy.subject_erasure import erase

        result = erase(user, reference="command line", dry_run=dry_run)
        console = Console(file=self.stdout, width=None if self.stdout.isatty() else 250)
        title = "Dry run: nothing was changed" if dry_run else f"Erased account #{user.pk}"
        table = Table(title=title, title_justify="left")
        for heading in ("Records", "Categories", "Action", "Count", "Rule", "Until", "Why"):
            table.add_column(heading)
        for line in sorted(result.lines, key=lambda ln: (ln.action == "kept", ln.label)):
            categories = ", ".join(sorted({str(f.category) for f in privacy_map().for_model(line.label)}))
            table.add_row(
                line.label, categories, line.action, str(line.count), line.rule, line.until, line.why
            )
        console.print(table)
        account = {"anonymised": "would be anonymised" if dry_run else "anonymised"}.get(
            result.account, result.account
        )
        console.print(f"Account: {account}.", highlight=False)
        for blocker in result.blockers:
            console.print(f"Kept because: {blocker}", highlight=False)
