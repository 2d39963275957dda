"""The layers of the project's apps, lowest first: an app imports apps of its own layer or of a lower one,
never of a higher one, and no two apps import each other, even through others (tests/test_layers.py reads
every app's imports and enforces both). docs/architecture.md shows this table; a test keeps the two equal.

A new app must be placed here before its first import is checked (the test fails on an app it cannot place).
"""

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # Shared machinery every app may use: access, periods, formats, spreadsheets, history, kernel hooks.
    ("kernel", ("core",)),
    # The plan's things, each app of one shape: models, services, selectors, forms, api/, admin, filtersets.
    ("domain", ("org", "clusters", "parks", "investment", "funds", "indicators")),
    # Every number computed from the domain: roll-up, years to date, growth, scores, projections.
    ("numbers", ("progress",)),
    # What people see and receive: pages with charts, the quarterly reporting screens, e-mail, work chat; the
    # quarterly commentary, written about the numbers (it asks progress which goals are at risk); the planners'
    # named what-if scenarios (they reuse the goals page's what-if).
    ("pages", ("dashboards", "reporting", "notices", "briefing", "chat", "commentary", "scenarios")),
    # Wiring and loaders: settings, URLs, Celery, the plan and demo data.
    ("project", ("plan", "jinzhou")),
)


def layer_of() -> dict[str, int]:
    """App → the index of its layer in LAYERS."""
    return {app: index for index, (_name, apps) in enumerate(LAYERS) for app in apps}
