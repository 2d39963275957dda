"""The compiled rendering of the read serializers equals DRF's own, field for field."""
from decimal import Decimal

import pytest

from clusters.api.serializers import FigureSerializer
from clusters.models import Cluster, QuarterlyFigure
from funds.api.serializers import DisbursementSerializer, FundSerializer
from funds.models import Disbursement, Fund
from investment.api.serializers import InflowSerializer, ProjectSerializer
from investment.models import InvestmentInflow, Project
from org.api.serializers import DepartmentSerializer, RegionSerializer
from org.models import Department, Region
from parks.api.serializers import ParkSerializer
from parks.models import Park
from progress.api.serializers import LatestProgressSerializer, ProgressSerializer
from progress.models import Progress
from progress.selectors import with_pending
from tests.factories import QuarterlyFigureFactory

pytestmark = pytest.mark.django_db

CASES = [
    (RegionSerializer, lambda: Region.objects.all()),
    (DepartmentSerializer, lambda: Department.objects.all()),
    (FigureSerializer, lambda: QuarterlyFigure.objects.all()),
    (ProgressSerializer, lambda: with_pending(Progress.objects.all())),
    (LatestProgressSerializer, lambda: with_pending(Progress.objects.all())),
    (ParkSerializer, lambda: Park.objects.prefetch_related("readiness_items")),
    (ProjectSerializer, lambda: Project.objects.prefetch_related("stage_moves")),
    (InflowSerializer, lambda: InvestmentInflow.objects.all()),
    (FundSerializer, lambda: Fund.objects.all()),
    (DisbursementSerializer, lambda: Disbursement.objects.all()),
]


@pytest.mark.parametrize(("serializer_class", "rows"), CASES, ids=[c[0].__name__ for c in CASES])
def test_compiled_rendering_equals_drfs(demo, serializer_class, rows):
    instances = list(rows()[:300])
    assert instances
    serializer = serializer_class()
    for instance in instances:
        assert serializer.to_representation(instance) == serializer.generic_representation(instance)


def test_unsaved_decimals_render_like_drf():
    figure = QuarterlyFigureFactory(cluster=Cluster.objects.get(code="pv"), output_value=Decimal("25.5"),
                                    revenue=Decimal(3))
    serializer = FigureSerializer()
    fast = serializer.to_representation(figure)
    assert fast == serializer.generic_representation(figure)
    assert (fast["output_value"], fast["revenue"], fast["tax"]) == ("25.5000", "3.0000", None)
