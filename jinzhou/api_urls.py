"""Everything under /api/v1/."""
from django.urls import path

from progress.api.views import ProgressList

urlpatterns = [
    path("progress/", ProgressList.as_view(), name="api-progress"),
]
