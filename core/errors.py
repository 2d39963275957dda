"""The site's own 403 and 404 pages, in zh/en in the site's layout, also under `make run`.

Django calls `handler403` / `handler404` (their default views render templates/403.html and
404.html) only with DEBUG off; with DEBUG on (`make run`) a missing page is its technical 404 with
the URL list. `DebugNotFoundMiddleware` turns that into the site's 404 page unless the developer
asks for the technical one with DEBUG_404_PAGE=true. The 500 page is templates/500.html, rendered
by core.unavailable.server_error; the 503 "try again" page is there too.
"""
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found

API_PREFIX = "/api/"


class DebugNotFoundMiddleware:
    """With DEBUG on, answers a page's 404 with templates/404.html instead of Django's technical page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (settings.DEBUG and not settings.DEBUG_404_PAGE and response.status_code == 404
                and not request.path.startswith(API_PREFIX)
                and response.get("Content-Type", "").startswith("text/html")
                and not getattr(response, "site_page", False)):
            response = page_not_found(request, Http404())
            response.site_page = True
        return response
