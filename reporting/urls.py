from django.urls import path

from . import views

urlpatterns = [
    path("figures/entry/", views.figure_entry, name="figure-entry"),
    path("figures/entry/check/", views.figure_entry_check, name="figure-entry-check"),
    path("figures/review/", views.figure_review_list, name="figure-review-list"),
    path("figures/approve/", views.figure_approve_batch, name="figure-approve-batch-page"),
    path("figures/completeness/", views.figure_completeness, name="figure-completeness"),
    path("figures/template/", views.figure_template, name="figure-template"),
    path("figures/import/", views.figure_import, name="figure-import"),
    path("figures/import/confirm/", views.figure_import_confirm, name="figure-import-confirm"),
    path("figures/<int:pk>/", views.figure_detail, name="figure-page"),
    path("figures/<int:pk>/approve/", views.figure_review, {"action": "approve"}, name="figure-approve-page"),
    path("figures/<int:pk>/return/", views.figure_review, {"action": "return"}, name="figure-return-page"),
    path("figures/<int:pk>/reopen/", views.figure_reopen, name="figure-reopen-page"),
    path("figures/<int:pk>/resolve-ytd/", views.figure_resolve_ytd, name="figure-resolve-ytd-page"),
    path("inbox/", views.inbox, name="inbox-page"),
    path("inbox/count/", views.inbox_badge, name="inbox-count"),
]
