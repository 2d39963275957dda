from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@login_required
@require_safe
def briefing_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
