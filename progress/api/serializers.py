from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from progress.models import Progress

DEMO_LABEL = "演示数据"


class ProgressSerializer(serializers.ModelSerializer):
    """A roll-up row. Amounts are decimal strings in 亿元 (100 million yuan); growth is a ratio."""

    pending = serializers.BooleanField(read_only=True, help_text=_(
        "True while approved figures under this row have changed and the roll-up has not yet caught up."))
    is_demo = serializers.SerializerMethodField(help_text=_("True when demo data (演示数据) contributes."))
    data_label = serializers.SerializerMethodField(help_text=_("演示数据 for demo data, empty otherwise."))

    class Meta:
        model = Progress
        fields = ["scope", "scope_id", "year", "quarter", "value", "ytd_value", "prev_value", "prev_ytd_value",
                  "yoy_growth", "ytd_yoy_growth", "units", "is_demo", "data_label", "data_version", "computed_at",
                  "pending"]

    def get_is_demo(self, row: Progress) -> bool:
        return row.demo_units > 0

    def get_data_label(self, row: Progress) -> str:
        return DEMO_LABEL if row.demo_units else ""
