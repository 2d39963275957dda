"""Scenarios as the API shows them: the saved assumptions and their result (情景), never the official numbers.

Amounts are decimal strings in 亿元 (100 million yuan); growth is in % a year, a decimal string too.
"""
from rest_framework import serializers

from progress.api.serializers import STATUSES


def _decimal(help_text: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=None, read_only=True, allow_null=True,
                                    help_text=help_text, **kwargs)


class ScenarioFlipSerializer(serializers.Serializer):
    """A goal whose status (trend + pipeline) differs under the scenario from the official projection."""

    goal = serializers.IntegerField(source="official.goal.pk", read_only=True, help_text="Goal id (/api/v1/goals/).")
    code = serializers.CharField(source="official.goal.code", read_only=True, help_text="The goal's stable code.")
    official_status = serializers.ChoiceField(
        source="official.status_with_pipeline", choices=STATUSES, read_only=True, allow_null=True,
        help_text="The official status, trend + pipeline (as /api/v1/goals/ gives it).")
    scenario_status = serializers.ChoiceField(
        source="assumed.status_with_pipeline", choices=STATUSES, read_only=True, allow_null=True,
        help_text="The status under the scenario (情景).")
    official_projected = _decimal("The official projection at the deadline, trend + pipeline (亿元, or clusters).",
                                  source="official.projected_with_pipeline")
    scenario_projected = _decimal("The projection at the deadline under the scenario (亿元, or clusters).",
                                  source="assumed.projected_with_pipeline")


class ScenarioResultSerializer(serializers.Serializer):
    """What the scenario changes against the official projection, for `year`."""

    year = serializers.IntegerField(read_only=True, help_text="The year evaluated (评估年份).")
    computable = serializers.BooleanField(read_only=True, help_text=(
        "False when the scenario's project has since lost the start or output the scenario relied on."))
    goals_flipped = serializers.IntegerField(read_only=True, allow_null=True,
                                             help_text="How many goals change status; null when not computable.")
    flips = ScenarioFlipSerializer(many=True, read_only=True, allow_null=True,
                                   help_text="The goals that change status; null when not computable.")


class ScenarioSerializer(serializers.Serializer):
    """A planner's named what-if (情景): its assumptions and their result. Never part of the official numbers."""

    id = serializers.IntegerField(source="scenario.pk", read_only=True, help_text="Scenario id.")
    name = serializers.CharField(source="scenario.name", read_only=True, help_text="Name (情景名称).")
    description = serializers.CharField(source="scenario.description", read_only=True, help_text="Description.")
    project = serializers.IntegerField(source="scenario.project_id", read_only=True, allow_null=True, help_text=(
        "Id of the project whose start or output the scenario changes; null if none."))
    start_year = serializers.IntegerField(source="scenario.start_year", read_only=True, allow_null=True,
                                          help_text="Expected production start, year; null: the project's own.")
    start_quarter = serializers.IntegerField(
        source="scenario.start_quarter", read_only=True, allow_null=True,
        help_text="Expected production start, quarter 1–4; null: the project's own.")
    output = _decimal("Expected annual output at full capacity, 亿元; null: the project's own.",
                      source="scenario.output")
    cluster = serializers.IntegerField(source="scenario.cluster_id", read_only=True, allow_null=True,
                                       help_text="Id of the cluster given an assumed growth; null if none.")
    growth = _decimal("Assumed growth of that cluster, % a year, in place of its achieved growth.",
                      source="scenario.growth")
    version = serializers.IntegerField(
        source="scenario.version", read_only=True,
        help_text="Increases with every change (乐观锁); earlier versions are in the history.")
    created_by = serializers.CharField(source="scenario.created_by", read_only=True, allow_null=True,
                                       help_text="Who saved it first.")
    updated_by = serializers.CharField(source="scenario.updated_by", read_only=True, allow_null=True,
                                       help_text="Who saved the current version.")
    created_at = serializers.DateTimeField(source="scenario.created_at", read_only=True, help_text="First saved.")
    updated_at = serializers.DateTimeField(source="scenario.updated_at", read_only=True, help_text="Last saved.")
    result = ScenarioResultSerializer(source="*", read_only=True, help_text=(
        "The scenario's result (情景), computed from the saved assumptions: never the official numbers."))
