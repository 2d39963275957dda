from core.api.serializers import DescribedModelSerializer
from org.models import Department, Region


class RegionSerializer(DescribedModelSerializer):
    """A territorial unit named by the plan (县/市/区/开发区)."""

    class Meta:
        model = Region
        fields = ["id", "code", "name_zh", "name_en", "kind"]
        descriptions = {
            "id": "Region id.",
            "code": "Stable code, e.g. `heishan`.",
            "name_zh": "Chinese name (中文名称), e.g. 黑山县.",
            "name_en": "English name.",
            "kind": "county (县/县级市), urban (城区) or zone (开发区/新区).",
        }


class DepartmentSerializer(DescribedModelSerializer):
    """A municipal commission or office, a support department, or a county/district government."""

    class Meta:
        model = Department
        fields = ["id", "code", "name_zh", "name_en", "kind", "region", "responsibility", "is_placeholder"]
        descriptions = {
            "id": "Department id.",
            "code": "Stable code, e.g. `nlb` (市农领办).",
            "name_zh": "Chinese name (中文名称).",
            "name_en": "English name.",
            "kind": "commission (主管委办), government (县区党委和政府) or support (支持部门).",
            "region": "Region id of a county/district government; null otherwise.",
            "responsibility": "Its responsibility as the plan states it (职责).",
            "is_placeholder": "True when the plan does not name it; an administrator edits it (待定).",
        }
