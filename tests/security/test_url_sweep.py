"""Every URL in the URLconf, for every role: no page, export or API answer of another department's data is
reachable by editing a URL, anonymous users get nothing but the public pages, and nothing answers 500.

The URLs come from walking the URLconf (tests/security/urlconf.py), so a URL added later is swept too; a
pattern whose parameters the sweep cannot fill fails `test_every_url_pattern_can_be_swept`, naming it.

Decisions this module pins:
- Public without signing in: the login pages, the language switch, /healthz, /favicon.ico (a redirect to
  the static icon), the API schema and its docs (the schema describes endpoints, never data), and the
  API's JSON 404.
- A department's users asking for another department's row get 403 or 404 (405 for a GET on a POST-only
  address; the admin sends staff back to its index, others to its login); the row's text (MARKER) appears
  in no response, whether page, .csv/.xlsx export or API answer.
- Every response to a signed-in user, pages, downloads, API answers and refusals alike, says
  `Cache-Control: private, no-store`: no shared cache keeps a department's data.
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.caching import kept_private

from .conftest import MARKER, ROLES, SCOPED_ROLES, World, body_text
from .urlconf import endpoints, model_of

PUBLIC = {"login", "admin:login", "set_language", "healthz", "favicon", "api-schema", "api-docs", "api-not-found"}
# Never POSTed by the sweep: they end the session it is using.
NOT_POSTED = {"logout", "admin:logout", "set_language"}
REFUSED = {401, 403, 404, 405}


def _login_urls() -> tuple[str, ...]:
    return reverse(settings.LOGIN_URL), reverse("admin:login")


def _refusal_redirect(response, *, admin: bool) -> bool:
    """A redirect that shows nothing: to a login page, or (admin) to the admin's index."""
    if response.status_code != 302:
        return False
    location = response["Location"].split("?")[0]
    if admin:  # the admin sends people to its login, its index or another admin page, each swept itself
        return location.startswith(reverse("admin:index"))
    return location in _login_urls()


def _export_variants(endpoint, path: str, response) -> list[str]:
    """The same data as a download: page exports (?export=) and API renderers (?format=)."""
    if response.status_code != 200:
        return []
    if endpoint.is_api:
        return [f"{path}?format=csv", f"{path}?format=xlsx"]
    if "export=xlsx" in body_text(response):
        return [f"{path}?export=csv", f"{path}?export=xlsx"]
    return []


def test_every_url_pattern_can_be_swept(world: World):
    filler = world.filler()
    for endpoint in endpoints():
        filler.paths(endpoint, "own")
        filler.paths(endpoint, "foreign")
    assert not filler.unknown, (
        "The URL sweep cannot fill these patterns; add their parameter to MODEL_FOR_URL_NAME or "
        "VALUES_FOR_PARAMETER in tests/security/urlconf.py:\n  " + "\n  ".join(sorted(set(filler.unknown))))


def test_the_sweep_has_another_departments_row_of_every_scoped_model(world: World):
    missing = [model._meta.label for model in {model_of(e) for e in endpoints()} - {None}
               if hasattr(model, "access") and model.access.public is None and world.foreign(model) is None]
    assert not missing, f"no row outside department A to try: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_get_every_url(world: World, role: str):
    """GET every URL with the department's own rows and with another department's rows."""
    client = world.client(role)
    user = world.users.get(role)
    filler = world.filler()
    problems: list[str] = []
    requests = 0
    for endpoint in endpoints():
        for side in ("own", "foreign"):
            for path in filler.paths(endpoint, side):
                response = client.get(path)
                requests += 1
                status = response.status_code
                where = f"{role} GET {path} [{endpoint.name}] ({side}) -> {status}"
                if status >= 500:
                    problems.append(f"{where}: server error")
                    continue
                if role == "anonymous":
                    if endpoint.name not in PUBLIC and not (
                            status in REFUSED or _refusal_redirect(response, admin=endpoint.is_admin)):
                        problems.append(f"{where}: answered without signing in")
                    continue
                if not kept_private(response):
                    problems.append(f"{where}: Cache-Control {response.get('Cache-Control')!r}, not private, no-store")
                if role in SCOPED_ROLES:
                    if side == "foreign" and status == 200:
                        model = model_of(endpoint)
                        row = world.foreign(model) if model is not None else None
                        if row is None or not world.may_view(user, row):
                            problems.append(f"{where}: another department's row answered 200")
                    if status == 302 and not (_refusal_redirect(response, admin=endpoint.is_admin)
                                              or endpoint.name in PUBLIC):
                        problems.append(f"{where}: redirects to {response['Location']}")
                    if MARKER in body_text(response):
                        problems.append(f"{where}: shows another department's data ({MARKER})")
                    for export in _export_variants(endpoint, path, response):
                        exported = client.get(export)
                        requests += 1
                        if not kept_private(exported):
                            problems.append(f"{role} GET {export}: Cache-Control not private, no-store")
                        if exported.status_code >= 500:
                            problems.append(f"{role} GET {export} -> {exported.status_code}: server error")
                        elif MARKER in body_text(exported):
                            problems.append(f"{role} GET {export}: exports another department's data ({MARKER})")
                elif side == "own":
                    for export in _export_variants(endpoint, path, response):
                        exported = client.get(export)
                        requests += 1
                        if not kept_private(exported):
                            problems.append(f"{role} GET {export}: Cache-Control not private, no-store")
                        if exported.status_code >= 500:
                            problems.append(f"{role} GET {export} -> {exported.status_code}: server error")
    assert requests > 100, "the sweep reached suspiciously few URLs"
    assert not problems, f"{len(problems)} problems:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("role", ["anonymous", *SCOPED_ROLES])
def test_post_to_another_departments_rows_is_refused(world: World, role: str):
    """POST (CSRF off, as a forged form would need anyway) to every URL that names another department's row."""
    client = world.client(role)
    filler = world.filler()
    problems: list[str] = []
    for endpoint in endpoints():
        if endpoint.name in NOT_POSTED:
            continue
        for path in filler.paths(endpoint, "foreign"):
            model = model_of(endpoint)
            row = world.foreign(model) if model is not None else None
            if role != "anonymous" and row is not None and world.may_view(world.users[role], row):
                continue  # a public row (a department, a region): the endpoint's own rules apply
            response = client.post(path, {})
            status = response.status_code
            if not (status in REFUSED or _refusal_redirect(response, admin=endpoint.is_admin)):
                problems.append(f"{role} POST {path} [{endpoint.name}] -> {status}")
            elif MARKER in body_text(response):
                problems.append(f"{role} POST {path}: shows another department's data")
    assert not problems, f"{len(problems)} problems:\n  " + "\n  ".join(problems)
