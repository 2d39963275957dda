"""Every page with charts (and the cluster list beside them): paths and names unchanged from the apps they came from."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/city/", views.city_dashboard, name="city-dashboard"),
    path("map/", views.map_page, name="map-page"),
    path("dashboard/department/<int:pk>/", views.department_dashboard, name="department-dashboard"),
    path("clusters/", views.cluster_list, name="cluster-list-page"),
    path("clusters/<int:pk>/", views.cluster_page, name="cluster-page"),
    path("parks/<int:pk>/", views.park_detail, name="park-page"),
    path("parks/<int:pk>/location/", views.park_location, name="park-location-page"),
    path("parks/items/<int:pk>/", views.readiness_item_update, name="readiness-item-page"),
    path("investment/", views.investment_dashboard, name="investment-dashboard"),
    path("goals/", views.goal_list, name="goal-page"),
    path("ranking/", views.ranking, name="ranking-page"),
]
