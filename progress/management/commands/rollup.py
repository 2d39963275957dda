from django.core.management.base import BaseCommand

from progress.services import rollup_full, rollup_sweep


class Command(BaseCommand):
    help = ("Run the roll-up synchronously, with the same code as the Celery tasks. Without --full: only "
            "pending cluster-years (the sweep). --full: rebuild every year, or --year Y (and Y+1).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--full", action="store_true", help="rebuild everything, not only what is pending")
        parser.add_argument("--year", type=int, help="with --full: only this year (and the next, for growth)")

    def handle(self, *args, full: bool, year: int | None, **options) -> None:
        if full:
            years = rollup_full(years=[year] if year else None)
        else:
            years = rollup_sweep()
        self.stdout.write(f"rollup: rebuilt years {years}" if years else "rollup: nothing pending")
