from django.urls import path

from . import views

urlpatterns = [
    path("commentary/<int:pk>/", views.commentary_edit, name="commentary-edit"),
]
