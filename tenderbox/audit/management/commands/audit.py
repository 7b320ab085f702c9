"""`tenderbox audit verify`: check that no audit event was edited, deleted or reordered."""

from django.core.management.base import BaseCommand, CommandError

from tenderbox.audit.chain import verify


class Command(BaseCommand):
    help = "Audit trail tools. `verify` walks the hash chain and reports the first broken event."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Verify the hash chain of the audit trail.")

    def handle(self, *args, action, **options):
        if action == "verify":
            result = verify()
            if not result.ok:
                raise CommandError(
                    f"Audit chain broken at event #{result.broken_seq}: {result.reason} "
                    f"({result.checked} events before it verified)."
                )
            self.stdout.write(self.style.SUCCESS(f"Audit chain verified: {result.checked} events."))
