"""The page benchmark's summary (bench/pages.py): the figures the issue's targets are about, from measured
results. Only the pure part: the benchmark itself is timed and runs by hand, never in the suite."""
from bench.pages import MAX_BYTES, summary, table


def _result(ms: float, *, status: str = "200", size: int = 50_000, rss: float = 5.0) -> dict:
    return {"statuses": [status] * 5, "ms": ms, "bytes": size, "rss_mb": rss, "load": "1.00"}


def test_worst_ratio_is_the_slowest_page_to_grow_and_misses_name_each_target():
    results = {
        "city": {"planner /": _result(100), "planner /goals/": _result(50), "editor /inbox/": _result(20)},
        "province": {"planner /": _result(150), "planner /goals/": _result(200, rss=61.5),
                     "editor /inbox/": _result(30, size=MAX_BYTES + 1)},
    }

    got = summary(results)

    assert (got["worst_ratio"], got["worst_page"], got["max_rss_mb"]) == (4.0, "planner /goals/", 61.5)
    assert got["pages"]["planner /"]["ratio"] == 1.5
    assert got["misses"] == {"planner /goals/": ["time ×4.0", "memory 61.5 MB"],
                             "editor /inbox/": [f"HTML {MAX_BYTES + 1:,} B"]}


def test_an_error_misses_without_a_ratio_its_memory_counts_and_a_refused_page_misses_nothing():
    results = {
        "city": {"planner /figures/review/": _result(300), "editor /figures/review/": _result(0, status="403")},
        "province": {"planner /figures/review/": _result(20_000, status="503", rss=300.0),
                     "editor /figures/review/": _result(0, status="403")},
    }

    got = summary(results)

    assert (got["worst_ratio"], got["worst_page"]) == (None, None)
    assert got["pages"]["planner /figures/review/"]["ratio"] is None
    assert got["misses"] == {"planner /figures/review/": ["province answered 503", "memory 300.0 MB"]}
    assert got["max_rss_mb"] == 300.0
    assert "503" in table(got)


def test_one_scale_has_no_ratio_but_its_sizes_are_checked():
    got = summary({"city": {"planner /map/": _result(80, rss=12.0)}})

    assert (got["worst_ratio"], got["max_rss_mb"], got["misses"]) == (None, 12.0, {})
