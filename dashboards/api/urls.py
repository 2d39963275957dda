"""/api/v1/dashboards/…: one endpoint per page with charts (docs/api.md, "Dashboards")."""
from django.urls import path

from . import views

urlpatterns = [
    path("city/", views.CityDashboardView.as_view(), name="dashboard-city"),
    path("department/<int:pk>/", views.DepartmentDashboardView.as_view(), name="dashboard-department"),
    path("cluster/<int:pk>/", views.ClusterDashboardView.as_view(), name="dashboard-cluster"),
    path("park/<int:pk>/", views.ParkDashboardView.as_view(), name="dashboard-park"),
    path("investment/", views.InvestmentDashboardView.as_view(), name="dashboard-investment"),
    path("ranking/", views.RankingDashboardView.as_view(), name="dashboard-ranking"),
    path("map/", views.MapDashboardView.as_view(), name="dashboard-map"),
]
