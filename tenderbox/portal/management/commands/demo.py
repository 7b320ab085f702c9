"""`tenderbox demo`: load the demo world (idempotent); `--scale N` adds N synthetic procurements."""

from django.core.management.base import BaseCommand
from django_otp.oath import totp
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from tenderbox.performance.demo import load_demo_performance
from tenderbox.portal.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_BASE32,
    DEMO_TOTP_HEX,
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
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")
        parser.add_argument("--code", action="store_true", help="Print the demo two-factor code now.")

    def handle(self, *args, scale, seed, quiet, code, **options):
        console = Console(file=self.stdout, quiet=quiet, width=None if self.stdout.isatty() else 120)
        if code:
            console.print(f"Demo two-factor code: {totp(bytes.fromhex(DEMO_TOTP_HEX)):06d}")
            return
        rows = load_demo()
        load_demo_procurements()
        load_demo_frameworks()
        load_demo_performance()
        if scale:
            with Progress(console=console, transient=True, disable=quiet) as progress:
                task = progress.add_task("Generating procurements", total=scale)
                made = generate_scale(scale, seed=seed, progress=lambda n: progress.advance(task, n))
            console.print(
                f"Added {made['procurements']} procurements, {made['buyers']} buyers and "
                f"{made['suppliers']} suppliers."
            )
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
