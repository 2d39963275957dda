from pathlib import Path

from django.core.management.base import BaseCommand

from core.backup import backup_create


class Command(BaseCommand):
    help = ("Back up the site into a new folder: the PostgreSQL database (pg_dump custom format), uploaded "
            "files if any, and a manifest with every table's row count. Restore with `manage.py restore`.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="a new (or empty) folder")

    def handle(self, *args, directory: Path, **options) -> None:
        backup = backup_create(directory=directory)
        rows = sum(backup.tables.values())
        self.stdout.write(f"backup: {len(backup.tables)} tables, {rows} rows, "
                          f"media {'included' if backup.media else 'none'} → {backup.directory}")
