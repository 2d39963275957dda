from django.urls import path

from . import views

urlpatterns = [
    path("", views.cluster_list, name="home"),
    path("figures/<int:pk>/approve/", views.figure_review, {"action": "approve"}, name="figure-approve"),
    path("figures/<int:pk>/return/", views.figure_review, {"action": "return"}, name="figure-return"),
]
