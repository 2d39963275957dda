from django.urls import path

from . import views

urlpatterns = [
    path("", views.cluster_list, name="home"),
]
