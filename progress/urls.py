from django.urls import path

from . import views

urlpatterns = [
    path("goals/", views.goal_list, name="goal-page"),
    path("ranking/", views.ranking, name="ranking-page"),
]
