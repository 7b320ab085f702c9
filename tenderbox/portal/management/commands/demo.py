"""`tenderbox demo`: load the demo world (idempotent); `--scale N` adds N synthetic procurements
with everything around them, and spend (COPY on PostgreSQL: docs/performance.md)."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from tenderbox.performance.demo import load_demo_performance
from tenderbox.portal.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_BASE32,
    DEMO_TOTP_HEX,
    ScaleProgress,
    generate_scale,
    load_demo,
    load_demo_frameworks,
    load_demo_procurements,
)


class Command(BaseCommand):
    help = "Load demo organisations, people and procurements; with --scale N, also N synthetic procurements."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="How many synthetic procurements to add.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for --scale.")
        parser.add_argument(
            "--spend-per-procurement",
            type=int,
            default=10,
            help="Spend records per synthetic procurement, spread over the call-offs (default 10).",
        )
        parser.add_argument(
            "--writer",
            choices=["copy", "orm"],
            default="",
            help="How --scale writes: COPY (PostgreSQL's default) or the ORM's bulk_create.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")
        parser.add_argument("--code", action="store_true", help="Print the demo two-factor code now.")

    def handle(self, *args, scale, seed, quiet, code, spend_per_procurement, writer, **options):
        console = Console(file=self.stdout, quiet=quiet, width=None if self.stdout.isatty() else 120)
        if code:
            console.print(f"Demo two-factor code: {totp(bytes.fromhex(DEMO_TOTP_HEX)):06d}")
            return
        rows = load_demo()
        load_demo_procurements()
        load_demo_frameworks()
        load_demo_performance()
        if scale:
            if scale < 0 or spend_per_procurement < 0:
                raise CommandError("--scale and --spend-per-procurement cannot be negative.")
            with Progress(console=console, transient=True, disable=quiet) as progress:
                try:
                    made = generate_scale(
                        scale,
                        seed=seed,
                        spend_per_procurement=spend_per_procurement,
                        progress=_Bars(progress),
                        writer=writer,
                    )
                except ValueError as exc:
                    raise CommandError(str(exc)) from exc
            console.print(_summary(made))
            console.print(_added(made))
        table = Table(title="Demo accounts (password for all: " + DEMO_PASSWORD + ")")
        for column in ("Organisation", "Email", "Role"):
            table.add_column(column)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        console.print(
            "Buyers and staff sign in with two-factor: add the key "
            f"[bold]{DEMO_TOTP_BASE32}[/bold] to an authenticator app, or run `tenderbox demo --code`."
        )


class _Bars(ScaleProgress):
    """One progress bar per stage."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task = None

    def stage(self, name: str, total: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[self.task].total)
        self.task = self.progress.add_task(name.capitalize(), total=total or None)

    def advance(self, units: int) -> None:
        self.progress.advance(self.task, units)


def _summary(made: dict) -> Table:
    table = Table(title=f"Added at scale ({made['writer']}): rows and seconds per stage")
    for column, justify in (("Stage", "left"), ("Rows", "right"), ("Seconds", "right"), ("Rows/s", "right")):
        table.add_column(column, justify=justify)
    stage_rows = made["stage_rows"]
    for stage, seconds in made["seconds"].items():
        rows = stage_rows.get(stage, 0)
        rate = f"{rows / seconds:,.0f}" if rows and seconds else ""
        table.add_row(stage, f"{rows:,}" if rows else "", f"{seconds:,.1f}", rate)
    total = sum(made["seconds"].values())
    everything = sum(made["rows"].values())
    table.add_row("total", f"{everything:,}", f"{total:,.1f}", f"{everything / total:,.0f}" if total else "")
    return table


def _added(made: dict) -> str:
    return (
        f"Added {made['procurements']:,} procurements, {made['buyers']:,} buyers, "
        f"{made['suppliers']:,} suppliers, {made['users']:,} users, {made['frameworks']:,} frameworks, "
        f"{made['call_offs']:,} call-offs, "
        f"{made['spend']:,} spend records."
    )
