"""The plan's funds and the disbursements from them. Amounts are decimal strings in 万元 (10,000 yuan)."""
from core.api.serializers import DemoLabelField, DescribedModelSerializer
from funds.models import Disbursement, Fund

WAN = "万元 (10,000 yuan)"


class FundSerializer(DescribedModelSerializer):
    """A dedicated fund of the plan (专项资金)."""

    class Meta:
        model = Fund
        fields = ["id", "code", "name_zh", "name_en", "amount_wan", "purpose", "year", "managing_department",
                  "requires_matching_fund"]
        descriptions = {
            "id": "Fund id.",
            "code": "Stable code.",
            "name_zh": "Chinese name (中文名称).",
            "name_en": "English name.",
            "amount_wan": f"Amount, {WAN}; null when the plan states none (待定).",
            "purpose": "What it pays for (用途).",
            "year": "Year of the fund.",
            "managing_department": "Id of the managing department; null when not yet assigned (待定).",
            "requires_matching_fund": "A county/district without its own matching fund (专项配套资金) for the year "
                                      "in principle gets nothing from it.",
        }


class DisbursementSerializer(DescribedModelSerializer):
    """Money paid out of a fund to a region, optionally for a park or cluster (拨付)."""

    data_label = DemoLabelField(source="is_demo")

    class Meta:
        model = Disbursement
        fields = ["id", "fund", "region", "park", "cluster", "amount_wan", "paid_on", "purpose", "is_demo",
                  "data_label"]
        descriptions = {
            "id": "Disbursement id.",
            "fund": "Id of the fund paid from.",
            "region": "Id of the recipient region.",
            "park": "Id of the park; null if none.",
            "cluster": "Id of the cluster; null if none.",
            "amount_wan": f"Amount paid, {WAN}.",
            "paid_on": "Date paid.",
            "purpose": "Purpose (用途).",
            "is_demo": "True for demo data (演示数据).",
        }
