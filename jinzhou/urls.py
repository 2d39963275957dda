"""Top-level URLs: login/logout, language switch, admin, the apps, the API and its docs, health."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.api.health import healthz
from core.views import favicon
from org.forms import SignInForm

# A lost database connection answers 503 "please try again" (core/unavailable.py), not a bare 500.
handler500 = "core.unavailable.server_error"

urlpatterns = [
    path("", include("reporting.urls")),
    path("", include("parks.urls")),
    path("", include("investment.urls")),
    path("", include("funds.urls")),
    path("", include("core.urls")),
    path("", include("dashboards.urls")),
    path("", include("briefing.urls")),
    path("channels/", include("chat.urls")),
    path("", include("commentary.urls")),
    path("", include("scenarios.urls")),
    path("api/v1/", include("jinzhou.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up code as a script file (?script), so no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("tokens/", include("org.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
