from django.core.management.base import BaseCommand

from plan.loader import plan_load


class Command(BaseCommand):
    help = "Load what the Jinzhou plan states (idempotent: adds only what is missing, never overwrites edits)."

    def handle(self, *args, **options) -> None:
        created = plan_load()
        if not created:
            self.stdout.write("load_plan: nothing to add; the plan is already loaded.")
            return
        for label, count in sorted(created.items()):
            self.stdout.write(f"load_plan: created {count} × {label}")
