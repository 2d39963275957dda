"""Pages speak Simplified Chinese unless the user chose English; the API negotiates.

Django's LocaleMiddleware takes the browser's Accept-Language when no language was chosen, so an
official whose browser happens to be set to English would first see English. For pages, only an
explicit choice (the 简体中文 / English buttons, which set the language cookie) counts; API clients
under /api/ keep Accept-Language negotiation. Runs right after LocaleMiddleware.
"""
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

API_PREFIX = "/api/"


class ChineseByDefaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not request.path.startswith(API_PREFIX) and not translation.check_for_language(chosen or ""):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
