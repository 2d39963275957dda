"""The quarterly commentary as the API shows it (read only: it is written on the entry screen's commentary tab)."""
from rest_framework import serializers

from core.api.serializers import DescribedModelSerializer

from ..models import GoalRemark, QuarterCommentary


class GoalRemarkSerializer(DescribedModelSerializer):
    """原因及措施: why a stage goal is at risk or off track, and the remedy."""

    class Meta:
        model = GoalRemark
        fields = ["goal", "text"]
        descriptions = {
            "goal": "Id of the stage goal (阶段目标).",
            "text": "Cause and remedy (原因及措施).",
        }


class CommentarySerializer(DescribedModelSerializer):
    """A department's commentary on one cluster's quarter (进展说明), with its review status and version."""

    department = serializers.IntegerField(source="cluster.responsible_department_id", read_only=True,
                                          help_text="Id of the cluster's responsible department (责任部门).")
    remarks = GoalRemarkSerializer(many=True, read_only=True,
                                   help_text="Cause and remedy for each goal at risk or off track (原因及措施).")

    class Meta:
        model = QuarterCommentary
        fields = ["id", "cluster", "department", "year", "quarter", "progress", "problems", "next_steps", "remarks",
                  "status", "version", "return_reason", "returned_at", "approved_at", "updated_at"]
        descriptions = {
            "id": "Commentary id.",
            "cluster": "Id of the cluster (产业集群).",
            "year": "Calendar year.",
            "quarter": "Quarter 1–4.",
            "progress": "Main progress (主要进展).",
            "problems": "Problems (存在问题).",
            "next_steps": "Next steps (下步措施).",
            "status": "draft (草稿) → submitted (已报送) → approved (已审核) or returned (退回), with the quarter's "
                      "figures.",
            "version": "Increases with every change (乐观锁).",
            "return_reason": "Why a planner last returned it (退回原因); empty if never returned.",
            "returned_at": "When it was last returned; null if never returned.",
            "approved_at": "When a planner approved it; null unless approved.",
            "updated_at": "Last change of any kind.",
        }
