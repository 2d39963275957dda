"""Investment projects with their stage history, and quarterly investment inflows.

Amounts are decimal strings in 亿 of the row's `currency`: 亿元 for CNY (domestic capital),
亿美元 for USD (foreign investment).
"""
from core.api.serializers import DemoLabelField, DescribedModelSerializer
from investment.models import InvestmentInflow, Project, ProjectStageMove

STAGES = "1 项目洽谈 negotiation, 2 签约落地 signed and sited, 3 开工建设 construction, " \
         "4 达产达效 producing at design capacity, 5 做大做强 expanding"


class StageMoveSerializer(DescribedModelSerializer):
    """A move of the project from one stage to another (阶段变更)."""

    data_label = DemoLabelField(source="is_demo")

    class Meta:
        model = ProjectStageMove
        fields = ["id", "from_stage", "to_stage", "moved_on", "note", "is_demo", "data_label"]
        descriptions = {
            "id": "Move id.",
            "from_stage": f"Stage before ({STAGES}); null for the first entry.",
            "to_stage": "Stage after.",
            "moved_on": "Date of the move.",
            "note": "Reason; required when a project moves backwards.",
            "is_demo": "True for demo data (演示数据).",
        }


class ProjectSerializer(DescribedModelSerializer):
    """An investment project (招商项目) and the stage it has reached among the five (五个高潮)."""

    stage_moves = StageMoveSerializer(many=True, read_only=True, help_text="Its stage history, oldest first.")
    data_label = DemoLabelField(source="is_demo")

    class Meta:
        model = Project
        fields = ["id", "name", "cluster", "park", "region", "responsible_department", "investor", "origin",
                  "planned_amount", "currency", "capacity", "capacity_unit", "is_key", "channel", "stage",
                  "stage_since", "expected_start_year", "expected_start_quarter", "expected_output",
                  "ramp_up_quarters", "pipeline_is_demo", "is_demo", "data_label", "stage_moves"]
        descriptions = {
            "id": "Project id.",
            "name": "Name (项目名称).",
            "cluster": "Id of its cluster; null if none.",
            "park": "Id of its park; null if none.",
            "region": "Id of its region; null if not stated.",
            "responsible_department": "Id of its responsible department; null if not stated.",
            "investor": "Investor (投资方); empty when not stated (待定).",
            "origin": "domestic (内资) or foreign (外资); empty when not stated.",
            "planned_amount": "Planned investment (计划投资), in 亿 of `currency` (亿元 or 亿美元); "
                              "null if not stated.",
            "currency": "CNY (亿元) or USD (亿美元).",
            "capacity": "Production capacity (产能) in `capacity_unit`; null if not stated.",
            "capacity_unit": "Unit of the capacity, e.g. 万吨/年, MW.",
            "is_key": "One of the year's key projects (重点项目).",
            "channel": "How it was attracted (招商渠道).",
            "stage": STAGES + ".",
            "stage_since": "Date it reached the current stage; null if unknown.",
            "expected_start_year": "Expected production start (预计投产), year; null when not filled in (未填写).",
            "expected_start_quarter": "Expected production start, quarter 1–4; null when not filled in.",
            "expected_output": "Expected annual output value at full capacity (达产后年产值), 亿元; null when "
                               "not filled in: the plan states capacities in physical units only.",
            "ramp_up_quarters": "Quarters from the start to full output; null: the default "
                                "(setting PIPELINE_RAMP_UP_QUARTERS, 4 unless changed).",
            "pipeline_is_demo": "True when the expected start and output are demo data (演示数据).",
            "is_demo": "True for demo data (演示数据).",
        }


class InflowSerializer(DescribedModelSerializer):
    """Investment actually received by a region in one quarter (实际到位资金)."""

    data_label = DemoLabelField(source="is_demo")

    class Meta:
        model = InvestmentInflow
        fields = ["id", "year", "quarter", "region", "origin", "amount", "currency", "is_demo", "data_label"]
        descriptions = {
            "id": "Inflow id.",
            "year": "Calendar year.",
            "quarter": "Quarter 1–4 (the quarter's own amount).",
            "region": "Id of the receiving region.",
            "origin": "domestic (内资, in CNY) or foreign (实际利用外资, in USD).",
            "amount": "Amount in 亿 of `currency`: 亿元 (CNY) or 亿美元 (USD).",
            "currency": "CNY or USD.",
            "is_demo": "True for demo data (演示数据).",
        }
