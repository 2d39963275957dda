"""Clusters and quarterly figures as the API shows them, and the inputs of figure writes.

Amounts are decimal strings in 亿元 (100 million yuan), exactly as stored (four decimals).
Write inputs are validated here for type and range only; the rules of the domain (who may write,
one reporting mode per quarter, locked statuses, versions) are the services' (clusters.services).
"""
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from clusters.choices import FigureSource
from clusters.models import FIRST_FIGURE_YEAR, OUTPUT_DIGITS, Cluster, Enterprise, QuarterlyFigure
from clusters.selectors import YTD_MISMATCH, figure_ytd_flags
from core import access
from core.api.inputs import AmountField, InputSerializer, IntegerField, TextField
from core.api.serializers import DEMO_LABEL, DescribedModelSerializer
from core.numbers import MAX_ID

YI = "亿元 (100 million yuan)"
MAX_VERSION = 2**31 - 1


class ClusterSerializer(DescribedModelSerializer):
    """An industrial cluster (产业集群). /api/v1/clusters/ serves it with its latest progress inline
    (progress.api.serializers.ClusterProgressSerializer: the roll-up is the read side's)."""

    regions = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Ids of its regions (所在区域).")
    supporting_departments = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of supporting departments (配合部门: 土地、财政、环保、金融).")

    class Meta:
        model = Cluster
        fields = ["id", "code", "name_zh", "name_en", "industry", "level", "regions", "responsible_department",
                  "supporting_departments", "leading_products", "is_placeholder", "notes"]
        descriptions = {
            "id": "Cluster id.",
            "code": "Stable code, e.g. `pv` (光伏).",
            "name_zh": "Chinese name (中文名称).",
            "name_en": "English name.",
            "industry": "Industry (产业); empty when the plan does not name it (待定).",
            "level": "city (市级), county (县域) or urban (城区).",
            "responsible_department": "Id of the responsible department (责任部门).",
            "leading_products": "Leading products (主导产品).",
            "is_placeholder": "True when the plan does not name this cluster; an administrator edits it (待定).",
            "notes": "Notes, e.g. what the plan leaves unstated.",
        }

class FigureSerializer(DescribedModelSerializer):
    """One reporting unit's figures for one quarter (季度数据), with its review status and version."""

    is_demo = serializers.SerializerMethodField(help_text="True for demo data (演示数据).")
    data_label = serializers.SerializerMethodField(help_text="演示数据 for demo data; empty otherwise.")
    output_ytd = serializers.DecimalField(
        source="reported_ytd", read_only=True, allow_null=True, **OUTPUT_DIGITS,
        help_text=f"The year to date (累计) as reported, {YI}, kept as reported; null unless `entry_mode` is `ytd`.")
    flags = serializers.SerializerMethodField(help_text=(
        f"Things to check: `{YTD_MISMATCH}` (需核对) while `output_ytd` differs from the sum of the unit's "
        "own `output_value`s for quarters 1 … this one of the year (an earlier quarter was changed after this "
        "one was reported as year to date); settle it with `resolve-ytd`."))

    class Meta:
        model = QuarterlyFigure
        fields = ["id", "cluster", "enterprise", "year", "quarter", "output_value", "entry_mode", "output_ytd",
                  "flags", "revenue", "tax", "employees",
                  "fixed_asset_investment", "status", "source", "version", "note", "is_demo", "data_label",
                  "entered_at", "approved_at", "updated_at", "return_reason", "returned_by", "returned_at"]
        descriptions = {
            "id": "Figure id.",
            "cluster": "Id of the cluster (产业集群).",
            "enterprise": "Id of the reporting enterprise; null when the cluster reports as a whole.",
            "year": "Calendar year.",
            "quarter": "Quarter 1–4; values are the quarter's own, not year-to-date (单季值，非累计).",
            "output_value": f"Output value (产值), {YI}: the quarter's own value (derived from `output_ytd` when "
                            "reported as year to date).",
            "entry_mode": "How the output was reported: `quarter` (本季度值, the quarter's own value) or `ytd` "
                          "(累计, the year to date, kept in `output_ytd`).",
            "revenue": f"Main business revenue (主营业务收入), {YI}; null if not reported.",
            "tax": f"Taxes paid (税收), {YI}; null if not reported.",
            "employees": "Employees (从业人员); null if not reported.",
            "fixed_asset_investment": f"Fixed-asset investment (固定资产投资), {YI}; null if not reported.",
            "status": "draft (草稿) → submitted (已报送) → approved (已审核) or returned (退回).",
            "source": "entered (录入), imported (导入) or demo (演示数据).",
            "version": "Increases with every change; send it back with a write (optimistic locking, 乐观锁).",
            "note": "Free text.",
            "entered_at": "When the values were last entered.",
            "approved_at": "When a planner approved it; null unless approved.",
            "updated_at": "Last change of any kind.",
            "return_reason": "Why a planner last returned or reopened it (退回原因); empty if never returned.",
            "returned_by": "Id of the user who last returned or reopened it; null if never returned.",
            "returned_at": "When it was last returned or reopened; null if never returned.",
        }

    def get_is_demo(self, figure: QuarterlyFigure) -> bool:
        return figure.source == FigureSource.DEMO

    def get_data_label(self, figure: QuarterlyFigure) -> str:
        return DEMO_LABEL if figure.source == FigureSource.DEMO else ""

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=[YTD_MISMATCH])))
    def get_flags(self, figure: QuarterlyFigure) -> list[str]:
        return figure_ytd_flags(figure)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of a row the caller may see; a hidden row is "does not exist", like a missing one."""

    def get_queryset(self):
        return access.visible_to(super().get_queryset(), self.context["request"].user)

    default_error_messages = {"out_of_range": _("An id is a whole number from 1 to %(max)s.")}

    def to_internal_value(self, data):
        # A JSON integer, as the schema says. Out of range is malformed (400); a well-formed id that does
        # not exist or is hidden is "does_not_exist", which the API answers 404 (core.api.exceptions).
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= MAX_ID:
            self.fail("out_of_range", max=MAX_ID)
        return super().to_internal_value(data)


def _amount(help_text: str, *, required: bool = False, nullable: bool = True,
            maximum: Decimal | None = None) -> AmountField:
    bound = (f"from 0 to {maximum} (more in one quarter is a unit error)" if maximum is not None
             else "at most 8 digits before the point")
    return AmountField(
        **OUTPUT_DIGITS, maximum=maximum, required=required, allow_null=nullable and not required,
        help_text=f"{help_text}, {YI}; a decimal string with at most 4 decimals, {bound}.",
    )


def _output_value(*, required: bool) -> AmountField:
    return _amount("Output value (产值), the quarter's own; send this or `output_ytd`, not both", required=required,
                   nullable=False, maximum=settings.ENTRY_MAX_OUTPUT)


def _output_ytd(*, required: bool = False) -> AmountField:
    return _amount("Output value as the year to date (累计: quarters 1 … this one), kept as reported; the quarter's "
                   "own value is derived from it and the earlier quarters, which must be there (409 otherwise); send "
                   "this or `output_value`, not both", required=required, nullable=False)


def _one_output(attrs: dict, *, required: bool) -> dict:
    sent = [name for name in ("output_value", "output_ytd") if name in attrs]
    if len(sent) > 1 or (required and not sent):
        raise serializers.ValidationError({"output_value": _("Send either output_value (the quarter's own value) or "
                                                             "output_ytd (the year to date), exactly one.")})
    return attrs


def _employees() -> serializers.IntegerField:
    return IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True,
                                    help_text="Employees (从业人员).")


def _note() -> serializers.CharField:
    return TextField(required=False, allow_blank=True, max_length=2000, help_text="Free text (备注).")


def _version(help_text: str = "The `version` you read; a stale one gets 409 and changes nothing.") -> serializers.Field:
    return IntegerField(min_value=1, max_value=MAX_VERSION, help_text=help_text)


class FigureCreateSerializer(InputSerializer):
    """A new draft figure (草稿) for a cluster, or one of its enterprises, that the caller may edit. The schema
    shows it as one of two bodies (`FIGURE_CREATE_BODIES`): the output as the quarter's own value or as the year
    to date (累计), exactly one of the two; one named body each, so a generated client gets a typed class for it."""

    cluster = VisibleRelatedField(queryset=Cluster.objects.all(), help_text="Id of the cluster.")
    enterprise = VisibleRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True,
                                     help_text="Id of one of the cluster's enterprises; omit for the whole cluster.")
    # The model's own validators: the same rule and message as the entry page and the import.
    year = IntegerField(validators=QuarterlyFigure._meta.get_field("year").validators, help_text=(
        f"Calendar year, from the plan's base year ({FIRST_FIGURE_YEAR}). A quarter that is not over yet is "
        "refused with 409 `quarter_not_over`."))
    quarter = IntegerField(min_value=1, max_value=4, help_text="Quarter 1–4 (the quarter's own value).")
    output_value = _output_value(required=False)
    output_ytd = _output_ytd()
    revenue = _amount("Main business revenue (主营业务收入)")
    tax = _amount("Taxes paid (税收)")
    employees = _employees()
    fixed_asset_investment = _amount("Fixed-asset investment (固定资产投资)")
    note = _note()

    def validate(self, attrs: dict) -> dict:
        return _one_output(attrs, required=True)


class FigureCreateFromQuarterSerializer(FigureCreateSerializer):
    """A new draft figure with the output as the quarter's own value (单季值)."""

    output_value = _output_value(required=True)
    output_ytd = None


class FigureCreateFromYtdSerializer(FigureCreateSerializer):
    """A new draft figure with the output as the year to date (累计), kept as reported."""

    output_value = None
    output_ytd = _output_ytd(required=True)


FIGURE_CREATE_BODIES = PolymorphicProxySerializer(
    component_name="FigureCreate", serializers=[FigureCreateFromQuarterSerializer, FigureCreateFromYtdSerializer],
    resource_type_field_name=None)


class FigureUpdateSerializer(InputSerializer):
    """New values for a draft or returned figure: the version read and at least one value; only the fields
    sent change."""

    schema_extra = {"minProperties": 2, "not": {"required": ["output_value", "output_ytd"]}}
    version = _version()
    output_value = _output_value(required=False)
    output_ytd = _output_ytd()
    revenue = _amount("Main business revenue (主营业务收入)")
    tax = _amount("Taxes paid (税收)")
    employees = _employees()
    fixed_asset_investment = _amount("Fixed-asset investment (固定资产投资)")
    note = _note()

    def validate(self, attrs: dict) -> dict:
        if len(attrs) < 2:  # the version alone changes nothing
            raise serializers.ValidationError(_("Send at least one value to change besides the version."))
        return _one_output(attrs, required=False)


class FigureTransitionSerializer(InputSerializer):
    """Submit or approve: the version the client read."""

    version = _version()


class FigureResolveYtdSerializer(InputSerializer):
    """Settle a figure flagged `ytd_mismatch` (需核对): which of its two numbers stands."""

    version = _version()
    keep = serializers.ChoiceField(choices=["ytd", "quarter"], help_text=(
        "`ytd`: keep the reported year to date (累计); the quarter's own `output_value` is derived again from it. "
        "`quarter`: keep the quarter's own `output_value`; `output_ytd` becomes the sum of the quarters."))


class FigureReturnSerializer(InputSerializer):
    """Return (退回) a submitted figure, or reopen (重新打开) an approved one, with a reason."""

    version = _version()
    reason = serializers.CharField(max_length=500, help_text="Why it goes back to its editor (退回原因); required.")


class FigureVersionSerializer(serializers.Serializer):
    """One figure of a batch, with the version the client read."""

    id = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Figure id.")
    version = _version()


class FigureBatchApproveSerializer(serializers.Serializer):
    """Approve several submitted figures at once (批量审核): all of them, or none."""

    # A ListField, not `many=True`: its length limits are validators, which the schema shows (minItems/maxItems).
    figures = serializers.ListField(
        child=FigureVersionSerializer(), min_length=1, max_length=500,
        help_text="The figures to approve, each with the `version` you read (1–500). A figure named twice with the "
                  "same version counts once; with two versions, one is stale (409).")
