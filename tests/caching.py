"""Reading a response's Cache-Control, for the tests that check what caches may keep."""


def cache_directives(response) -> set[str]:
    """The directive names of `response`'s Cache-Control header, lower case (`max-age=0` gives `max-age`)."""
    return {part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def kept_private(response) -> bool:
    """Whether no shared cache may keep `response`, nor any cache store it."""
    return {"private", "no-store"} <= cache_directives(response)
