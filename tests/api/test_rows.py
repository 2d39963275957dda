"""Rows (core.api.rows) render exactly as model instances do: the clusters list reads rows, one cluster
(retrieve) an instance, and both must give the same JSON."""
import pytest
from django.db.models import Prefetch

from clusters.models import Cluster
from core.api.rows import columns, rows
from org.models import Department, Region
from progress.api.serializers import ClusterProgressSerializer

pytestmark = pytest.mark.django_db


def test_cluster_rows_render_like_instances_and_like_drf():
    # given: the plan's clusters, one of them in several regions and with several supporting departments
    pv = Cluster.objects.get(code="pv")
    pv.regions.add(*Region.objects.exclude(clusters=pv).order_by("pk")[:2])
    pv.supporting_departments.add(*Department.objects.exclude(supported_clusters=pv).order_by("pk")[:2])
    instances = list(Cluster.objects.order_by("code").prefetch_related(
        Prefetch("regions", queryset=Region.objects.order_by("pk")),
        Prefetch("supporting_departments", queryset=Department.objects.order_by("pk"))))
    assert any(len(c.regions.all()) > 1 for c in instances)
    assert any(len(c.supporting_departments.all()) > 1 for c in instances)
    page = list(columns(Cluster.objects.order_by("code")))
    context = {"latest": {}, "pending": {instances[0].pk}}

    # when
    from_rows = ClusterProgressSerializer(rows(Cluster, page, ["regions", "supporting_departments"]), many=True,
                                  context=context).data
    from_instances = ClusterProgressSerializer(instances, many=True, context=context).data

    # then
    assert from_rows == from_instances
    serializer = ClusterProgressSerializer(context=context)
    assert from_instances == [serializer.generic_representation(c) for c in instances]
    assert from_rows[0]["pending"] is True
    assert from_rows[0]["regions"] == [r.pk for r in instances[0].regions.all()]
