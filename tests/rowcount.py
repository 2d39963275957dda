"""What a page or a function costs the database: queries run and rows fetched.

`django_assert_max_num_queries` pins how many queries a page runs; a page can still read every row of a
big table in one of them (a Python row per enterprise and figure). `cost_of` measures both: the queries
(Django's `CaptureQueriesContext`) and the rows the SELECTs returned (a `connection.execute_wrapper` summing
`cursor.rowcount`). `assert_rows_bounded` compares two measurements of the same thing, one on small and
one on large data, and fails unless the large one runs the same number of queries and fetches no more rows:
a page that costs what it shows, not what the database holds.

    small = cost_of(lambda: client.get(url))
    grow_the_data()
    assert_rows_bounded(small, cost_of(lambda: client.get(url)), what=url)

Rows are counted on PostgreSQL only: SQLite's cursor reports no rowcount for a SELECT, so on a bare machine
the measurement skips (CI runs on PostgreSQL, where tests/conftest.py refuses anything else).

Rows read through a server-side cursor (`QuerySet.iterator`, `connection.chunked_cursor`) are not counted
(their rowcount is unknown when executed): the bulk paths (exports) stream on purpose.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Cost:
    """Queries run and rows fetched by SELECT (and WITH … SELECT) statements; `result` is what was measured."""

    queries: int = 0
    rows: int = 0
    sql: list[tuple[int, str]] = field(default_factory=list)  # (rows, statement), the largest first
    result: object = None

    def __str__(self) -> str:
        largest = "\n".join(f"  {rows:>7} rows  {sql[:160]}" for rows, sql in self.sql[:5])
        return f"{self.queries} queries, {self.rows} rows fetched; largest:\n{largest}"


def cost_of(call: Callable[[], object]) -> Cost:
    """Run `call()` and measure it (module docstring)."""
    if connection.vendor != "postgresql":
        pytest.skip("rows fetched are read from PostgreSQL's cursor rowcount; SQLite reports none")
    cost = Cost()

    def count_rows(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not many and _is_select(sql):
            rows = max(context["cursor"].rowcount, 0)
            cost.rows += rows
            cost.sql.append((rows, sql))
        return result

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(count_rows):
        cost.result = call()
    cost.queries = len(captured.captured_queries)
    cost.sql.sort(key=lambda pair: -pair[0])
    return cost


def _is_select(sql: str) -> bool:
    """A statement that returns rows to read: SELECT, or a WITH query ending in one (this code base writes
    no data-modifying WITH)."""
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def assert_rows_bounded(small: Cost, large: Cost, *, what: str = "", extra_rows: int = 0) -> None:
    """Fail unless `large` (the same call on much more data) runs exactly as many queries as `small` and fetches
    at most `extra_rows` more rows (0 unless the caller states why, e.g. a page that fills up to its size)."""
    assert large.queries == small.queries, f"{what}: {small.queries} → {large.queries} queries\n{small}\n{large}"
    assert large.rows <= small.rows + extra_rows, f"{what}: rows grew {small.rows} → {large.rows}\n{small}\n{large}"
