from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import backup_restore


class Command(BaseCommand):
    help = ("Restore a folder written by `manage.py backup` into the empty database of DATABASE_URL (create it "
            "first with createdb), in one transaction, then check every table's row count against the manifest.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="a folder written by `manage.py backup`")

    def handle(self, *args, directory: Path, **options) -> None:
        differences = backup_restore(directory=directory)
        if differences:
            listed = ", ".join(f"{t}: {want} in the manifest, {got} restored" for t, (want, got) in differences.items())
            raise CommandError(f"restored, but row counts differ from the manifest: {listed}")
        self.stdout.write("restore: done; every table's row count matches the manifest")
