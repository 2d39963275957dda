from django.urls import path

from . import views

urlpatterns = [
    path("projects/", views.project_list, name="project-list-page"),
    path("projects/<int:pk>/", views.project_detail, name="project-page"),
    path("projects/<int:pk>/pipeline/", views.project_pipeline, name="project-pipeline-page"),
    path("projects/<int:pk>/location/", views.project_location, name="project-location-page"),
]
