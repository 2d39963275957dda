from django.urls import path

from . import views

urlpatterns = [
    path("funds/", views.fund_list, name="fund-list-page"),
    path("funds/matching/new/", views.matching_fund_create, name="matching-fund-create-page"),
    path("funds/disbursements/", views.disbursement_list, name="disbursement-list-page"),
    path("funds/disbursements/new/", views.disbursement_create, name="disbursement-create-page"),
]
