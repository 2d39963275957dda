from django.urls import path

from . import views

urlpatterns = [
    path("funds/", views.fund_list, name="fund-list-page"),
    path("funds/matching/new/", views.matching_fund_create, name="matching-fund-create-page"),
    path("funds/disbursements/", views.disbursement_list, name="disbursement-list-page"),
    path("funds/disbursements/new/", views.disbursement_create, name="disbursement-create-page"),
    path("funds/disbursements/<int:pk>/edit/", views.disbursement_edit, name="disbursement-edit-page"),
    path("funds/disbursements/<int:pk>/cancel/", views.disbursement_cancel, name="disbursement-cancel-page"),
    path("funds/matching/<int:pk>/edit/", views.matching_fund_edit, name="matching-fund-edit-page"),
    path("funds/matching/<int:pk>/cancel/", views.matching_fund_cancel, name="matching-fund-cancel-page"),
]
