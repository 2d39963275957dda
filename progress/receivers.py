"""What progress does when a domain app reports a change through the kernel hooks (core.hooks)."""
from . import services


def cluster_year_changed(sender: object, *, cluster_id: int, year: int, **kwargs: object) -> None:
    services.rollup_request(cluster_id=cluster_id, year=year)
