"""Request-level protections that no single view can give: body size before reading, session age, caching.

See docs/security.md.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.cache import patch_cache_control

# Room for the form's other fields and the multipart framing around an uploaded file.
FORM_OVERHEAD_BYTES = 256 * 1024

SESSION_STARTED_KEY = "_security_started"
SESSION_SEEN_KEY = "_security_seen"
# The last-seen mark is written at most this often, so an active user costs one session write a minute.
SEEN_RESOLUTION_SECONDS = 60


def request_max_bytes() -> int:
    """The largest request body accepted: REQUEST_MAX_BYTES, or the form and upload limits with some room."""
    configured = getattr(settings, "REQUEST_MAX_BYTES", None)
    if configured:
        return configured
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.ENTRY_UPLOAD_MAX_BYTES + FORM_OVERHEAD_BYTES)


class RequestSizeLimitMiddleware:
    """Answers 413 to a request whose declared body is over the limit, before any of it is read.

    Django caps form bodies (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams file uploads of any size to memory
    or disk before a view can look at them; this refuses them on the Content-Length alone. (Without a
    Content-Length, Django reads no body at all.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_max_bytes()
        if length > limit:
            return render(request, "413.html", {"size": filesizeformat(length), "limit": filesizeformat(limit)},
                          status=413)
        return self.get_response(request)


def start_session_clock(request: HttpRequest) -> None:
    """Called at sign-in (org.audit): the session's age and idle time count from now."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_STARTED_KEY] = session[SESSION_SEEN_KEY] = int(time.time())


class SessionTimeoutMiddleware:
    """Signs a session out SESSION_COOKIE_AGE seconds after sign-in, or after SESSION_IDLE_TIMEOUT idle seconds.

    Django's own expiry is renewed whenever the session is saved; this one counts from the sign-in.
    The user then meets the login page as any signed-out user does (and the sign-out is audited).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        started = session.get(SESSION_STARTED_KEY)
        if started is None:  # signed in before this middleware existed
            session[SESSION_STARTED_KEY] = session[SESSION_SEEN_KEY] = now
            return
        seen = session.get(SESSION_SEEN_KEY, started)
        idle_limit = settings.SESSION_IDLE_TIMEOUT
        if now - started > settings.SESSION_COOKIE_AGE:
            request.session_end_reason = "expired"
        elif idle_limit and now - seen > idle_limit:
            request.session_end_reason = "idle"
        else:
            if now - seen >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN_KEY] = now
            return
        logout(request)


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on every response made for a signed-in user or an API token.

    Pages, downloads and API answers hold a department's data: no shared proxy may keep them, and no browser
    should leave them on disk. Directives a view set itself are kept (the API's conditional lists say
    `no-cache` too). Static files are served by whitenoise before this runs and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The session's user before the view (a public API view sets an anonymous one), a token's after it
        # (DRF authenticates inside the view).
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
            patch_cache_control(response, private=True, no_store=True)
        return response
