"""The inbox as the API shows it (/api/v1/inbox/): the same items as the page, for the caller."""
from rest_framework import serializers

from notices.inbox import Kind


class InboxItemSerializer(serializers.Serializer):
    """One thing to act on (待办事项)."""

    kind = serializers.ChoiceField(choices=Kind.choices, help_text=(
        "overdue (逾期未报送), returned (被退回), review (待审核), ytd_check (需核对: a year to date reported that no "
        "longer equals the sum of its quarters), due (7日内截止)."))
    title = serializers.CharField(help_text="What it is, in one line, in the request's language.")
    detail = serializers.CharField(help_text="For a returned figure, why it was returned (退回原因); for ytd_check, "
                                             "both numbers; else empty.")
    url = serializers.CharField(help_text="Path of the page where it is done (e.g. the entry screen of the quarter).")
    year = serializers.IntegerField(source="quarter.year", allow_null=True, help_text="Year of the quarter concerned.")
    quarter = serializers.IntegerField(source="quarter.quarter", allow_null=True, help_text="Quarter 1–4.")
    due = serializers.DateField(allow_null=True, help_text="The quarter's reporting deadline (due, overdue items).")
    count = serializers.IntegerField(help_text="How many figures or reporting units the item stands for.")
    figure = serializers.IntegerField(source="figure_id", allow_null=True,
                                      help_text="Id of the figure, for a returned figure or a ytd_check "
                                                "(/api/v1/figures/<id>/).")
    returned_by = serializers.CharField(source="by", help_text="User name of who returned it; empty otherwise.")
    returned_at = serializers.DateTimeField(source="at", allow_null=True, help_text="When it was returned.")


class ReportingPeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="Year.")
    quarter = serializers.IntegerField(help_text="Quarter 1–4.")


class InboxSerializer(serializers.Serializer):
    """The caller's inbox (待办): what it has to act on, computed when asked, so done items are gone."""

    count = serializers.IntegerField(help_text="Number of items (the header badge's number).")
    reporting_period = ReportingPeriodSerializer(help_text="The quarter the reporting screens open at for the caller.")
    items = InboxItemSerializer(many=True, help_text="The items, overdue first, then returned, to review, due soon.")
