from django.core.management.base import BaseCommand

from plan.demo import demo_clear, demo_load


class Command(BaseCommand):
    help = "Add deterministic demo data (演示数据), or remove it with --clear. Needs load_plan first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2011, help="random seed (default 2011)")
        parser.add_argument("--clear", action="store_true", help="remove demo rows and nothing else")

    def handle(self, *args, seed: int, clear: bool, **options) -> None:
        counts = demo_clear() if clear else demo_load(seed=seed)
        verb = "removed" if clear else "created"
        for label, count in sorted(counts.items()):
            self.stdout.write(f"load_demo: {verb} {count} × {label}")
