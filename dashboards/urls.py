from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/city/", views.city_dashboard, name="city-dashboard"),
    path("map/", views.map_page, name="map-page"),
    path("dashboard/department/<int:pk>/", views.department_dashboard, name="department-dashboard"),
]
