"""The API token page: planners issue and revoke tokens for users (API clients above all); the lockout page."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import rights, services
from .forms import TokenActionForm
from .models import User

# A new key waits here, in the server-side session, from the POST that issued it to the page that shows it
# once: never in a cookie and never in a URL.
ISSUED_KEY_SESSION_ENTRY = "org.issued_api_key"


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if not rights.manages_accounts(request.user):
        raise PermissionDenied(_("Only a planner may issue or revoke API tokens."))
    if request.method == "POST":
        form = TokenActionForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(form.errors.as_text())
        user = form.cleaned_data["user"]
        if form.cleaned_data["action"] == "issue":
            token = services.token_issue(by=request.user, user=user)
            request.session[ISSUED_KEY_SESSION_ENTRY] = {"user": user.username, "key": token.key}
        elif services.token_revoke(by=request.user, user=user):
            messages.success(request, _("The API token of %(user)s is revoked.") % {"user": user.username})
        else:
            messages.info(request, _("%(user)s had no API token.") % {"user": user.username})
        return redirect("tokens")
    users = list(User.objects.select_related("department", "auth_token").order_by("-is_active", "role", "username"))
    return render(request, "org/tokens.html", {
        "users": users,
        "manageable": {user.pk for user in users if rights.may_manage(request.user, user)},
        "new_token": request.session.pop(ISSUED_KEY_SESSION_ENTRY, None),
    })


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a sign-in during a lockout (AXES_LOCKOUT_CALLABLE): 429 with a page that says why."""
    return render(request, "registration/locked_out.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=429)
