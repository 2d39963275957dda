from django.urls import path

from . import views

urlpatterns = [
    path("scenarios/", views.scenario_list, name="scenario-list-page"),
    path("scenarios/new/", views.scenario_create, name="scenario-create-page"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario-page"),
    path("scenarios/<int:pk>/edit/", views.scenario_edit, name="scenario-edit-page"),
    path("scenarios/<int:pk>/archive/", views.scenario_archive, name="scenario-archive-page"),
]
