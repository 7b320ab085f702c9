"""`tenderbox retention`: apply the retention rules now (the daily job does the same at 03:30).

tenderbox retention --dry-run          what would happen, per rule and population; changes nothing
tenderbox retention [--batch N]        apply, and print the same counts (resumes a crashed run)
tenderbox retention explain accounts.User 42
                                       why that record is still kept, under which rule, until when
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from tenderbox.privacy import retention_engine as engine

COLUMNS = (
    ("warned", "Warned"),
    ("notice_running", "Notice"),
    ("kept_by_floor", "Floor"),
    ("held", "Held"),
    ("kept", "Kept"),
)
LEGEND = (
    "Done: deleted, anonymised, blanked or purged. Warned: told their account goes in 30 days. Notice: "
    "due, but the 30 days' notice still runs. Floor: due, but kept by a floor (at least N years). "
    "Held: due, but under a legal hold. Kept: due, but kept for another reason (`explain` says which)."
)


class Command(BaseCommand):
    help = "Apply the retention rules (or --dry-run to count what would happen); `explain` one record."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would happen; change nothing.")
        parser.add_argument(
            "--batch", type=int, default=engine.DEFAULT_BATCH, help="Rows per transaction (default 500)."
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")
        sub = parser.add_subparsers(dest="subcommand", required=False)
        explain = sub.add_parser("explain", help="Why one record is still kept, and until when.")
        explain.add_argument("model", help="app_label.Model, e.g. accounts.User")
        explain.add_argument("pk", help="Primary key of the record.")

    def handle(self, *args, dry_run, batch, quiet, subcommand=None, **options):
        console = Console(file=self.stdout, quiet=quiet, width=None if self.stdout.isatty() else 120)
        if subcommand == "explain":
            return self.explain(options["model"], options["pk"])
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        show_progress = self.stdout.isatty() and not quiet
        with Progress(console=console, transient=True, disable=not show_progress) as bar:
            tasks = {}
            if show_progress:
                for policy in engine.POLICIES:
                    tasks[policy.key] = bar.add_task(policy.key, total=engine.candidate_count(policy))

            def advance(policy, n):
                if policy.key in tasks:
                    bar.advance(tasks[policy.key], n)

            result = engine.run(dry_run=dry_run, batch=batch, progress=advance)
        self.report(console, result)

    def report(self, console, result):
        if result.dry_run:
            title = "Dry run: nothing was changed"
        else:
            resumed = " (resumed after an interrupted run)" if result.resumed else ""
            title = f"Retention run #{result.run_id}{resumed}"
        table = Table(title=title, title_justify="left")
        table.add_column("Population", no_wrap=True)
        table.add_column("Rule", no_wrap=True)
        table.add_column("Action", no_wrap=True)
        table.add_column("Would do" if result.dry_run else "Done", justify="right")
        for _, heading in COLUMNS:
            table.add_column(heading, justify="right")
        for population in result.populations:
            policy, tally = population.policy, population.tally
            table.add_row(
                policy.key,
                policy.rule_key,
                policy.verb,
                str(tally.applied),
                *(str(getattr(tally, name)) for name, _ in COLUMNS),
            )
        console.print(table)
        console.print(LEGEND, highlight=False)

    def explain(self, model, pk):
        try:
            explanation = engine.explain(model, pk)
        except LookupError as exc:
            raise CommandError(f"No model {model}: give app_label.Model, e.g. accounts.User.") from exc
        except (ObjectDoesNotExist, ValidationError, ValueError) as exc:
            raise CommandError(f"No {model} with primary key {pk}.") from exc
        for line in explanation.lines:
            self.stdout.write(line)
