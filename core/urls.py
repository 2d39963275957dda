from django.urls import path

from . import views

urlpatterns = [
    path("history/<str:label>/<int:pk>/", views.history, name="history"),
    path("history/<str:label>/<int:pk>/export.<str:fmt>", views.history_export, name="history-export"),
]
