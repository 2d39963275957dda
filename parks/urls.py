from django.urls import path

from . import views

urlpatterns = [
    path("parks/", views.park_list, name="park-list-page"),
    path("parks/<int:pk>/", views.park_detail, name="park-page"),
    path("parks/<int:pk>/location/", views.park_location, name="park-location-page"),
    path("parks/items/<int:pk>/", views.readiness_item_update, name="readiness-item-page"),
]
