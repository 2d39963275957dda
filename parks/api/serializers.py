"""Parks with their 七通一平 items. Areas in km², floor space in m²."""
from core.api.serializers import DemoLabelField, DescribedModelSerializer
from parks.models import Park, ParkReadinessItem


class ReadinessItemSerializer(DescribedModelSerializer):
    """One of the park's 七通一平 items (seven connections and a levelled site)."""

    data_label = DemoLabelField(source="is_demo")

    class Meta:
        model = ParkReadinessItem
        fields = ["id", "kind", "status", "deadline", "final_deadline", "completed_on", "note", "is_demo",
                  "data_label"]
        descriptions = {
            "id": "Item id.",
            "kind": "road 通路, water 通水 (supply), drainage 通排水, power 通电, telecom 通信, heating 通暖, "
                    "gas 通气, levelling 土地平整 (site levelling).",
            "status": "not_started (未开始), in_progress (进行中) or done (完成).",
            "deadline": "Deadline for the existing area (现有面积, end of June).",
            "final_deadline": "Deadline for all parks (全部园区, end of July).",
            "completed_on": "Date completed; null unless done.",
            "note": "Free text.",
            "is_demo": "True when the status is demo data (演示数据).",
        }


class ParkSerializer(DescribedModelSerializer):
    """A key park (重点园区): area against the 5 / 10 km² targets, standard factories, 七通一平 items."""

    readiness_items = ReadinessItemSerializer(many=True, read_only=True, help_text="Its 七通一平 items.")
    data_label = DemoLabelField(source="is_demo")

    class Meta:
        model = Park
        fields = ["id", "code", "name", "region", "responsible_department", "leading_cluster", "area_km2",
                  "area_target_km2", "area_stretch_km2", "target_year", "factory_built_m2", "factory_target_min_m2",
                  "factory_target_max_m2", "is_placeholder", "is_demo", "data_label", "readiness_items"]
        descriptions = {
            "id": "Park id.",
            "code": "Stable code.",
            "name": "Name (园区名称).",
            "region": "Id of its region.",
            "responsible_department": "Id of its competent department (主管部门).",
            "leading_cluster": "Id of its leading cluster; null if none.",
            "area_km2": "Current area (现有面积), km²; null until reported.",
            "area_target_km2": "Area target for the year (年底面积目标), km².",
            "area_stretch_km2": "Stretch area target (力争面积), km².",
            "target_year": "Year of the area and factory targets.",
            "factory_built_m2": "Standard factory floor space built (标准厂房), m².",
            "factory_target_min_m2": "Standard factory target, lower bound, m².",
            "factory_target_max_m2": "Standard factory target, upper bound, m².",
            "is_placeholder": "True when the plan does not name this park (待定).",
            "is_demo": "True when its progress values (area, factory space) are demo data (演示数据).",
        }
