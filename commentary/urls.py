from django.urls import path

from . import views

urlpatterns = [
    path("commentary/<int:cluster_id>/<int:year>/<int:quarter>/", views.commentary_edit, name="commentary-edit"),
]
