"""URLconf of tests/core/test_statement_timeout.py: the app's own URLs, plus a page and an API view whose
query takes seconds (pg_sleep), as a runaway query would."""
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

SLEEP_SECONDS = 5


def _slow_query() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [SLEEP_SECONDS])


def slow_page(request: HttpRequest) -> HttpResponse:
    _slow_query()
    return HttpResponse("finished")


class SlowList(APIView):
    def get(self, request: Request) -> Response:
        _slow_query()
        return Response({"finished": True})


urlpatterns = [
    path("slow/", slow_page),
    path("api/v1/slow/", SlowList.as_view()),
    path("", include("jinzhou.urls")),
]
handler500 = "core.unavailable.server_error"
