from django.urls import path

from . import views

urlpatterns = [
    path("briefing/", views.briefing_page, name="briefing-page"),
]
