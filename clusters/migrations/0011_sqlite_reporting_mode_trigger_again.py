"""SQLite only: create again the reporting-mode triggers of 0003.

SQLite cannot alter most columns in place, so Django rebuilds the table for such migrations (0004–0008 did),
and a rebuilt table has lost its triggers: on a bare machine a cluster could hold a direct figure and
enterprise figures for one quarter. PostgreSQL keeps its trigger through those migrations; nothing runs
there. A later migration that rebuilds the figures table on SQLite must do the same again
(tests/clusters/test_services.py fails without the trigger).
"""
import importlib

from django.db import migrations

_first = importlib.import_module("clusters.migrations.0003_figure_one_reporting_mode")


class Migration(migrations.Migration):
    dependencies = [("clusters", "0010_completeness_covering_indexes")]

    operations = [
        migrations.RunPython(
            _first._run({"sqlite": _first.SQLITE_BACKWARD + _first.SQLITE_FORWARD}),
            _first._run({"sqlite": _first.SQLITE_BACKWARD}),
        ),
    ]
