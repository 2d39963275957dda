"""Backup and restore (`manage.py backup` / `restore`, docs/deploy.md) on PostgreSQL: a backup taken
while the site serves, restored into an empty database, holds every table's rows and the same
roll-ups, and the restored site answers the API with the same numbers."""
from __future__ import annotations

from tests.celery_harness import wait_for
from tests.system import procs
from tests.system.db import pending_marks, query, rollup_snapshot
from tests.system.web import Api, Browser, enter_and_submit

TABLES = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"


def _table_counts(url: str) -> dict[str, int]:
    return {table: query(url, f'SELECT COUNT(*) FROM "{table}"')[0][0]  # noqa: S608 - names from the catalogue
            for (table,) in query(url, TABLES)}


def _progress_rows(url: str) -> list[tuple]:
    return query(url, "SELECT * FROM progress_progress ORDER BY id")


def test_backup_restores_into_an_empty_database_with_the_same_rows_and_rollups(stack, tmp_path, proof):
    stack.web()
    stack.worker()
    api = Api(stack.url, stack.seed["token"])
    procs.manage(stack.env | {"REDIS_URL": ""}, "load_demo")
    procs.manage(stack.env | {"REDIS_URL": ""}, "rollup", "--full")
    editor = stack.seed["editors"][2]
    browser = Browser(stack.url).login(editor["username"])
    figure = enter_and_submit(browser, api, unit=editor["unit"], cluster_id=editor["cluster_id"], year=2016,
                              quarter=1, value="3.5")
    assert api.approve(figure).status_code == 200
    wait_for(lambda: pending_marks(stack.database_url) == 0, 60, "the roll-up of the approval")

    backup_dir = tmp_path / "backup"
    output = procs.manage(stack.env, "backup", str(backup_dir))
    proof("injected", f"backup while the site serves: {output.strip()}")
    counts = _table_counts(stack.database_url)
    progress = _progress_rows(stack.database_url)

    name = stack.database_url.rsplit("/", 1)[1] + "_restored"
    restored = stack.system.server.create(name)
    try:
        output = procs.manage(stack.env | {"DATABASE_URL": restored}, "restore", str(backup_dir))
        proof("injected", f"restore into the empty database {name}: {output.strip()}")
        assert _table_counts(restored) == counts
        assert _progress_rows(restored) == progress
        assert rollup_snapshot(restored) == rollup_snapshot(stack.database_url)
        web, url = procs.gunicorn(stack.env | {"DATABASE_URL": restored}, stack.log_dir, workers=1,
                                  name="gunicorn-restored")
        try:
            again = Api(url, stack.seed["token"]).progress_row("city", 0, 2016, 1)
        finally:
            web.stop()
        assert again["value"] == api.progress_row("city", 0, 2016, 1)["value"]
        proof("checked", f"{len(counts)} tables, {sum(counts.values())} rows, {len(progress)} progress rows identical "
                         f"after restore; the restored site's API shows city 2016Q1 = {again['value']}")
        again_failed = procs.manage(stack.env | {"DATABASE_URL": restored}, "restore", str(backup_dir), check=False)
        assert "not empty" in again_failed, "a restore over existing data is refused"
    finally:
        stack.system.server.drop(name)
