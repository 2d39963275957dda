"""Roll-up rows, goal evaluations and the assessment ranking as the API shows them.

Amounts are decimal strings in 亿元 (100 million yuan); growth and completion are ratios
(0.25 = 25 %), as decimal strings too.
"""
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from clusters.api.serializers import ClusterSerializer
from clusters.choices import GoalKind, Stage
from clusters.models import Cluster
from core.api.serializers import AS_RATIO, DEMO_LABEL, DescribedModelSerializer
from progress.models import Progress

YI = "亿元 (100 million yuan)"


class LatestProgressSerializer(DescribedModelSerializer):
    """The cluster's latest rolled-up quarter (最新季度进度)."""

    is_demo = serializers.SerializerMethodField(help_text="True when demo data (演示数据) contributes.")
    data_label = serializers.SerializerMethodField(help_text="演示数据 when demo data contributes; empty otherwise.")
    pending = serializers.BooleanField(read_only=True, help_text=(
        "True while approved figures of this cluster-year changed and the roll-up has not caught up (汇总中)."))

    class Meta:
        model = Progress
        fields = ["year", "quarter", "value", "ytd_value", "yoy_growth", "ytd_yoy_growth", "is_demo", "data_label",
                  "computed_at", "pending"]
        extra_kwargs = {"yoy_growth": {"style": AS_RATIO}, "ytd_yoy_growth": {"style": AS_RATIO}}
        descriptions = {
            "year": "Year of the latest quarter with approved figures.",
            "quarter": "That quarter, 1–4.",
            "value": f"The quarter's output value (季度产值), {YI}.",
            "ytd_value": f"Year-to-date output value (累计产值), {YI}.",
            "yoy_growth": "Growth on the same quarter last year, a ratio (0.25 = +25 %); null without last year.",
            "ytd_yoy_growth": "Year-to-date growth on last year, a ratio; null without last year.",
            "computed_at": "When the roll-up computed this row (汇总时间).",
        }

    def get_is_demo(self, row: Progress) -> bool:
        return row.demo_units > 0

    def get_data_label(self, row: Progress) -> str:
        return DEMO_LABEL if row.demo_units else ""


@extend_schema_serializer(component_name="Cluster")
class ClusterProgressSerializer(ClusterSerializer):
    """An industrial cluster (产业集群) with its latest progress inline."""

    latest_progress = serializers.SerializerMethodField(help_text=(
        "The latest rolled-up quarter of this cluster, or null before any approved figure."))
    pending = serializers.SerializerMethodField(help_text=(
        "True while any approved figure of this cluster changed and the roll-up has not caught up."))

    class Meta(ClusterSerializer.Meta):
        fields = [*ClusterSerializer.Meta.fields, "latest_progress", "pending"]

    @extend_schema_field(LatestProgressSerializer(allow_null=True))
    def get_latest_progress(self, cluster: Cluster) -> dict | None:
        return self.context["latest"].get(cluster.pk)

    def get_pending(self, cluster: Cluster) -> bool:
        return cluster.pk in self.context["pending"]


class ProgressSerializer(DescribedModelSerializer):
    """A roll-up row: one scope's output for one quarter (1–4) or the whole year (quarter 0)."""

    pending = serializers.BooleanField(read_only=True, help_text=(
        "True while approved figures under this row have changed and the roll-up has not yet caught up (汇总中)."))
    is_demo = serializers.SerializerMethodField(help_text="True when demo data (演示数据) contributes.")
    data_label = serializers.SerializerMethodField(help_text="演示数据 when demo data contributes; empty otherwise.")

    class Meta:
        model = Progress
        fields = ["scope", "scope_id", "year", "quarter", "value", "ytd_value", "prev_value", "prev_ytd_value",
                  "yoy_growth", "ytd_yoy_growth", "units", "is_demo", "data_label", "data_version", "computed_at",
                  "pending"]
        extra_kwargs = {"yoy_growth": {"style": AS_RATIO}, "ytd_yoy_growth": {"style": AS_RATIO}}
        descriptions = {
            "scope": "cluster (产业集群), region (区域), department (责任部门) or city (全市).",
            "scope_id": "Id of the cluster, region or department; 0 for the city.",
            "year": "Calendar year.",
            "quarter": "Quarter 1–4; 0 for the whole year (全年).",
            "value": f"Output value of the period (产值), {YI}.",
            "ytd_value": f"Year-to-date output value (累计产值), {YI}; for quarter 0 the year's total.",
            "prev_value": f"The same period last year (上年同期), {YI}; null without data.",
            "prev_ytd_value": f"Year to date last year (上年累计), {YI}; null without data.",
            "yoy_growth": "Growth on the same period last year (同比增长), a ratio (0.25 = +25 %); null without "
                          "last year's value.",
            "ytd_yoy_growth": "Year-to-date growth on last year (累计同比), a ratio; null without last year.",
            "units": "How many reporting units' approved figures contributed (quarters, for quarter 0 of a cluster).",
            "data_version": "The newest figure change included (数据版本).",
            "computed_at": "When the roll-up computed this row (汇总时间).",
        }

    def get_is_demo(self, row: Progress) -> bool:
        return row.demo_units > 0

    def get_data_label(self, row: Progress) -> str:
        return DEMO_LABEL if row.demo_units else ""


def _decimal(help_text: str, **kwargs) -> serializers.DecimalField:
    # No max_digits: a value such as a needed growth rate has no natural bound and must never fail to render.
    return serializers.DecimalField(max_digits=None, decimal_places=None, read_only=True, allow_null=True,
                                    help_text=help_text, **kwargs)


def _ratio(help_text: str) -> serializers.DecimalField:
    return _decimal(help_text, style=AS_RATIO)


STATUSES = ["met", "on_track", "at_risk", "off_track", "missed", "no_data", "manual"]


class ProjectContributionSerializer(serializers.Serializer):
    """An investment project's output added to its cluster in the goal's deadline year (trend + pipeline)."""

    id = serializers.IntegerField(read_only=True, help_text="Project id (/api/v1/projects/{id}/).")
    name = serializers.CharField(read_only=True, help_text="Project name (项目名称).")
    cluster = serializers.IntegerField(source="project.cluster_id", read_only=True,
                                       help_text="Id of the cluster it feeds.")
    contribution = _decimal("Its output in the deadline year, 亿元: from its expected production start, ramped up "
                            "linearly to its annual output at full capacity.", source="value")
    is_demo = serializers.BooleanField(source="demo", read_only=True, help_text=(
        "True when its expected start and output are demo data (演示数据)."))


class GoalProjectionSerializer(serializers.Serializer):
    """The goal projected to its deadline on the trend, and on the trend plus the investment pipeline (在建项目):
    projects at or past the stage PIPELINE_FROM_STAGE (default 3, 开工建设) and not yet producing (达产达效), each
    from its expected production start, ramped up linearly over its ramp-up quarters."""

    trend = _decimal("On the trend: cluster_value goals, the cluster's output (亿元) in the deadline year at its "
                     "achieved growth; cluster_count goals, the number of clusters projected at the threshold; "
                     "null otherwise or without a full year.", source="projected")
    with_pipeline = _decimal("The same with the qualifying projects' output added (亿元, or clusters).",
                             source="projected_with_pipeline")
    with_pipeline_status = serializers.ChoiceField(
        source="status_with_pipeline", read_only=True, allow_null=True, choices=STATUSES,
        help_text="The status judged on the trend plus the pipeline; null for capacity and qualitative goals.")
    projects = ProjectContributionSerializer(source="contributions", many=True, read_only=True, help_text=(
        "The projects counted, with their contribution in the deadline year; empty when none qualifies."))


class GoalEvaluationSerializer(serializers.Serializer):
    """A stage goal (阶段目标) and how it stands in `year`, computed from the roll-up tables."""

    id = serializers.IntegerField(source="goal.pk", read_only=True, help_text="Goal id.")
    code = serializers.CharField(source="goal.code", read_only=True, help_text="Stable code, e.g. `s3-pv-1000`.")
    stage = serializers.ChoiceField(source="goal.stage", choices=Stage.choices, read_only=True,
                                    help_text="Stage 1 (2011), 2 (end of 2013) or 3 (2015) (三个阶段).")
    deadline_year = serializers.IntegerField(source="goal.deadline_year", read_only=True,
                                             help_text="The year the goal is due.")
    kind = serializers.ChoiceField(source="goal.kind", choices=GoalKind.choices, read_only=True, help_text=(
        "cluster_value: one cluster's output ≥ threshold 亿元; cluster_count: at least target_count clusters ≥ "
        "threshold 亿元; capacity: capacity ≥ threshold in `unit`; qualitative: judged by a planner."))
    cluster = serializers.IntegerField(source="goal.cluster_id", read_only=True, allow_null=True,
                                       help_text="Id of the goal's cluster; null for count goals.")
    description_zh = serializers.CharField(source="goal.description_zh", read_only=True,
                                           help_text="The goal in Chinese (目标).")
    description_en = serializers.CharField(source="goal.description_en", read_only=True,
                                           help_text="The goal in English.")
    threshold = _decimal("Threshold, in 亿元 for output goals or in `unit` for capacity goals; null if qualitative.",
                         source="goal.threshold")
    unit = serializers.CharField(source="goal.unit", read_only=True,
                                 help_text="Unit of the threshold (亿元, 万吨, MW).")
    target_count = serializers.IntegerField(source="goal.target_count", read_only=True, allow_null=True,
                                            help_text="Count goals: how many clusters must reach the threshold.")
    year = serializers.IntegerField(read_only=True, help_text=(
        "The year evaluated (评估年份): the requested year, or the goal's deadline year once that has passed."))
    current = _decimal("Current value in `year`: a cluster's annual output (亿元), the number of clusters at the "
                       "threshold, or the capacity in `unit`; null without data.")
    target = _decimal("Target: the threshold, or for count goals the number of clusters.")
    attained = _ratio("current / target, a ratio (完成率); null without data.")
    met = serializers.BooleanField(read_only=True, allow_null=True, help_text="current ≥ target; null without data.")
    status = serializers.ChoiceField(
        read_only=True, choices=STATUSES,
        help_text="met (已达成), on_track (按进度), at_risk (有风险, achieved growth short by at most the margin), "
                  "off_track (落后), missed (未达成 by the deadline), no_data (无数据), manual (qualitative).")
    base_year = serializers.IntegerField(read_only=True, allow_null=True,
                                         help_text="Latest full year (four quarters approved) the projection uses.")
    needed_cagr = _ratio("Compound annual growth needed from base_year to reach the target by the deadline.")
    achieved_cagr = _ratio("Compound annual growth achieved so far (full years), a ratio.")
    projected_count = serializers.IntegerField(read_only=True, allow_null=True, help_text=(
        "Count goals: clusters projected at or above the threshold by the deadline."))
    pending = serializers.BooleanField(read_only=True, help_text="True while a roll-up under this goal is pending.")
    projection = GoalProjectionSerializer(source="*", read_only=True, help_text=(
        "Projection to the deadline, on the trend and with the investment pipeline (趋势 + 在建项目)."))


class RankingRowSerializer(serializers.Serializer):
    """A region or department in the assessment ranking (考核评比) of one quarter."""

    kind = serializers.ChoiceField(choices=["region", "department"], read_only=True,
                                   help_text="region (县市区) or department (部门).")
    id = serializers.IntegerField(source="unit.pk", read_only=True, help_text="Id of the region or department.")
    code = serializers.CharField(source="unit.code", read_only=True, help_text="Its code.")
    name_zh = serializers.CharField(source="unit.name_zh", read_only=True, help_text="Chinese name.")
    name_en = serializers.CharField(source="unit.name_en", read_only=True, help_text="English name.")
    year = serializers.IntegerField(read_only=True, help_text="Year ranked.")
    quarter = serializers.IntegerField(read_only=True, help_text="Quarter ranked, 1–4.")
    rank = serializers.IntegerField(read_only=True, allow_null=True,
                                    help_text="1 = best among its kind; null when nothing could be scored.")
    score = _ratio("Weighted completion 0–1 (综合得分); null when nothing could be scored.")
    output = _ratio("Cluster output against its stage target, 0–1; null when it has no cluster.")
    park_readiness = _ratio("七通一平 items completed by the quarter's end, 0–1; null without parks.")
    park_area = _ratio("Park area against its target, 0–1; null without parks.")
    park_factories = _ratio("Standard factory space against its target, 0–1; null without parks.")
