"""Everything under /api/v1/: one router. See docs/api.md and /api/docs/."""
from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from clusters.api.views import FigureViewSet
from commentary.api.views import CommentaryViewSet
from core.api.views import NotFoundView
from funds.api.views import DisbursementViewSet, FundViewSet
from investment.api.views import InflowViewSet, ProjectViewSet
from notices.api.views import InboxView
from org.api.views import DepartmentViewSet, RegionViewSet
from parks.api.views import ParkViewSet
from progress.api.views import ClusterViewSet, GoalViewSet, ProgressViewSet, RankingView
from scenarios.api.views import ScenarioViewSet

router = SimpleRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("regions", RegionViewSet, basename="region")
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("figures", FigureViewSet, basename="figure")
router.register("commentary", CommentaryViewSet, basename="commentary")
router.register("goals", GoalViewSet, basename="goal")
router.register("progress", ProgressViewSet, basename="progress")
router.register("parks", ParkViewSet, basename="park")
router.register("projects", ProjectViewSet, basename="project")
router.register("inflows", InflowViewSet, basename="inflow")
router.register("funds", FundViewSet, basename="fund")
router.register("disbursements", DisbursementViewSet, basename="disbursement")
router.register("scenarios", ScenarioViewSet, basename="scenario")

urlpatterns = [
    *router.urls,
    path("ranking/", RankingView.as_view(), name="ranking"),
    path("dashboards/", include("dashboards.api.urls")),
    path("inbox/", InboxView.as_view(), name="inbox"),
    # Last: anything else under /api/v1/ is a JSON 404, whatever DEBUG says.
    re_path(r"^.*$", NotFoundView.as_view(), name="api-not-found"),
]
