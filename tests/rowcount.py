"""What a block of code reads from the database: the queries it runs and the rows its SELECTs fetch (summed
cursor rowcounts, through `connection.execute_wrapper`). A page whose rows fetched grow with the data costs
what it stores, not what it shows."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection


@dataclass
class Reads:
    queries: int = 0
    rows: int = 0


@contextmanager
def rows_fetched() -> Iterator[Reads]:
    """`with rows_fetched() as reads: …` then `reads.queries`, `reads.rows`."""
    reads = Reads()

    def count(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        reads.queries += 1
        if sql.lstrip("( ").upper().startswith(("SELECT", "WITH")):
            reads.rows += max(context["cursor"].rowcount, 0)
        return result

    with connection.execute_wrapper(count):
        yield reads
