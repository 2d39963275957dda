"""Backup and restore of the whole site: a PostgreSQL custom-format dump, uploaded files if any, and
a manifest with the row count of every table, which a restore checks itself against.

Used by `manage.py backup <dir>` and `manage.py restore <dir>` (docs/deploy.md). The database
password travels in the environment of pg_dump / pg_restore (PGPASSWORD), never on a command line.
Redis holds nothing to back up: pending roll-ups are recorded in the database (roll-up marks).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

DUMP_NAME, MEDIA_NAME, MANIFEST_NAME = "database.dump", "media.tar.gz", "manifest.json"


@dataclass(frozen=True)
class Backup:
    """What `backup_create` wrote."""

    directory: Path
    tables: dict[str, int]
    media: bool


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise CommandError("backup and restore need PostgreSQL (set DATABASE_URL); "
                           "a SQLite file is backed up by copying it while the app is stopped.")


def _tool(name: str) -> str:
    """pg_dump / pg_restore: PG_BIN if set (to match the server's version), else the PATH."""
    folder = os.environ.get("PG_BIN")
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if not found:
        raise CommandError(f"{name} not found (install postgresql-client, or set PG_BIN to its folder)")
    return found


def _libpq_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(args: list[str]) -> None:
    result = subprocess.run(args, env=_libpq_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip()}")


def table_counts() -> dict[str, int]:
    """Exact row counts of every table in the database (Django's and any other), by name."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table name
            counts[table] = cursor.fetchone()[0]
    return counts


def _media_root() -> Path | None:
    root = Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else None
    return root if root and root.is_dir() and any(root.iterdir()) else None


def backup_create(*, directory: Path) -> Backup:
    """Dump the database (pg_dump -Fc) and uploaded files into `directory`, which must be empty or new."""
    _require_postgresql()
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise CommandError(f"{directory} is not empty; back up into a new folder")
    # The counts and the dump read the same snapshot (exported from this transaction and handed to
    # pg_dump), so the manifest matches the dump exactly even while the site is being written to.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        tables = table_counts()
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={directory / DUMP_NAME}", settings.DATABASES["default"]["NAME"]])
    media = _media_root()
    if media:
        with tarfile.open(directory / MEDIA_NAME, "w:gz") as archive:
            archive.add(media, arcname=".")
    manifest = {"created_at": timezone.now().isoformat(), "database": settings.DATABASES["default"]["NAME"],
                "tables": tables, "media": bool(media)}
    (directory / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return Backup(directory=directory, tables=tables, media=bool(media))


def backup_restore(*, directory: Path) -> dict[str, tuple[int, int]]:
    """Restore a backup into the (empty) database of DATABASE_URL, in one transaction.

    Returns the tables whose row count differs from the manifest: {table: (expected, restored)}.
    """
    _require_postgresql()
    manifest = json.loads((directory / MANIFEST_NAME).read_text())
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise CommandError(f"the database {settings.DATABASES['default']['NAME']} is not empty "
                           f"({len(existing)} tables); restore only into an empty database")
    connection.close()
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={settings.DATABASES['default']['NAME']}", str(directory / DUMP_NAME)])
    if manifest.get("media") and (directory / MEDIA_NAME).exists():
        root = Path(settings.MEDIA_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(directory / MEDIA_NAME, "r:gz") as archive:
            archive.extractall(root, filter="data")
    restored = table_counts()
    return {table: (expected, restored.get(table, -1)) for table, expected in manifest["tables"].items()
            if restored.get(table, -1) != expected}
