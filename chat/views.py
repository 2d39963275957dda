"""The planners' channel pages: the list with each channel's status, add, edit, delete, and a test message.
Who may is asked of core.access only ("manage-channels"); department users get 403."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access

from . import services
from .forms import ChannelForm
from .models import Channel


def _allowed(request: HttpRequest) -> None:
    if not access.may(request.user, "manage-channels"):
        raise PermissionDenied(_("Only a planner may manage chat channels."))


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    channels = (Channel.objects.select_related("department")
                .annotate(pending=Count("messages", filter=Q(messages__sent_at__isnull=True,
                                                            messages__failed_at__isnull=True)),
                          given_up=Count("messages", filter=Q(messages__failed_at__isnull=False)))
                .order_by("department__code", "kind", "pk"))
    return render(request, "chat/channel_list.html", {"channels": channels})


@login_required
def channel_add(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.channel_create(by=request.user, department=data["department"], kind=data["kind"],
                                url=data["url"], secret=data["secret"])
        messages.success(request, _("The channel is added. Send a test message to check it."))
        return redirect("chat-channel-list")
    return render(request, "chat/channel_form.html", {"form": form, "channel": None})


@login_required
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    channel = get_object_or_404(Channel, pk=pk)
    initial = {"department": channel.department, "kind": channel.kind, "is_active": channel.is_active}
    form = ChannelForm(request.POST or None, initial=initial, channel=channel)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.channel_update(by=request.user, channel=channel, department=data["department"],
                                kind=data["kind"], is_active=data["is_active"], url=data["url"],
                                secret=data["secret"], clear_secret=data.get("clear_secret", False))
        messages.success(request, _("The channel is saved."))
        return redirect("chat-channel-list")
    return render(request, "chat/channel_form.html", {"form": form, "channel": channel})


@login_required
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    channel = get_object_or_404(Channel, pk=pk)
    if request.method == "POST":
        services.channel_delete(by=request.user, channel=channel)
        messages.success(request, _("The channel is deleted."))
        return redirect("chat-channel-list")
    return render(request, "chat/channel_confirm_delete.html", {"channel": channel})


@login_required
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    channel = get_object_or_404(Channel, pk=pk)
    services.channel_test_queue(by=request.user, channel=channel)
    messages.info(request, _("A test message is queued; reload this page to see whether it was sent."))
    return redirect("chat-channel-list")
