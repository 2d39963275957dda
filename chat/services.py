"""Writes of the chat app: channels (planners, or the command line) and the outbox of work-chat messages.

A message is queued inside the caller's transaction (one row per notice key and channel; a second queueing
adds nothing) and published after commit; if the broker is unreachable, `messages_sweep` (beat, every
minute) sends it. `message_send` locks the channel while it sends, so two workers never post the same
message, and a robot gets at most CHAT_RATE_PER_MINUTE messages in any 60 seconds (DingTalk and WeCom allow
about 20): a message over the limit is postponed, not sent. A failure that may pass (network, timeout, 5xx,
an `errcode`) is tried again after CHAT_RETRY_BASE_SECONDS × 2^(attempts−1), at most
CHAT_RETRY_MAX_SECONDS, and given up after CHAT_MAX_ATTEMPTS attempts; the channel keeps the latest error for
the status page. Nothing here logs an address or a secret.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from core import access
from org.models import Department, User

from . import robots
from .models import Channel, ChannelMessage

logger = logging.getLogger(__name__)


# --- channels -------------------------------------------------------------------------------------------

def _check(by: User | None) -> None:
    # `by` None: the command line (`manage.py channels`), run by whoever operates the server.
    if by is not None and not access.may(by, "manage-channels"):
        raise PermissionDenied(_("Only a planner may manage chat channels."))


@transaction.atomic
def channel_create(*, by: User | None, department: Department | None, kind: str, url: str,
                   secret: str = "") -> Channel:
    """A new channel; the address and the secret are encrypted before they are saved."""
    _check(by)
    channel = Channel(department=department, kind=kind)
    channel.url = url
    channel.secret = secret if kind == Channel.Kind.DINGTALK else ""
    channel.save()
    logger.info("chat channel %s (%s) added by %s", channel.pk, kind, by or "the command line")
    return channel


@transaction.atomic
def channel_update(*, by: User | None, channel: Channel, department: Department | None, kind: str,
                   is_active: bool, url: str = "", secret: str = "", clear_secret: bool = False) -> Channel:
    """Change a channel. An empty `url` or `secret` keeps the stored one (it is never shown back to be
    re-entered); `clear_secret` removes the secret."""
    _check(by)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    channel.department, channel.kind, channel.is_active = department, kind, is_active
    if url:
        channel.url = url
    else:
        channel.url = channel.url  # re-encrypted with the current first key
    if clear_secret or kind != Channel.Kind.DINGTALK:
        channel.secret = ""
    elif secret:
        channel.secret = secret
    else:
        channel.secret = channel.secret
    channel.save()
    logger.info("chat channel %s changed by %s", channel.pk, by or "the command line")
    return channel


@transaction.atomic
def channel_delete(*, by: User | None, channel: Channel) -> None:
    _check(by)
    logger.info("chat channel %s deleted by %s", channel.pk, by or "the command line")
    channel.delete()


def channels_of(department: Department | None) -> QuerySet[Channel]:
    """The active channels of a department; None: the city-wide planners' channels."""
    if department is None:
        return Channel.objects.filter(department__isnull=True, is_active=True)
    return Channel.objects.filter(department=department, is_active=True)


# --- the outbox -----------------------------------------------------------------------------------------

def message_queue(*, key: str, kind: str, channels: QuerySet[Channel] | list[Channel], title: str,
                  text: str, publish: bool = True) -> list[ChannelMessage]:
    """Queue one message to each channel (in the caller's transaction) unless it is queued there already.
    Returns the new rows; they are published to the worker after commit (`publish` False: the caller sends)."""
    new = []
    now = timezone.now()
    for channel in channels:
        message, created = ChannelMessage.objects.get_or_create(
            key=key, channel=channel,
            defaults={"kind": kind, "title": title[:200], "text": text, "next_attempt_at": now},
        )
        if created:
            new.append(message)
    if new and publish:
        transaction.on_commit(partial(_enqueue, [m.pk for m in new]))
    return new


def enqueue_later(message_id: int, wait: float) -> None:
    """Publish a message again to be sent in `wait` seconds (kept under the broker's visibility timeout)."""
    _enqueue([message_id], countdown=min(wait + 1, settings.CHAT_RETRY_MAX_SECONDS))


def _enqueue(message_ids: list[int], countdown: float | None = None) -> None:
    from .tasks import chat_message_send_task

    for message_id in message_ids:
        try:
            chat_message_send_task.apply_async((message_id,), countdown=countdown, retry=False)
        except (BrokerError, OSError):
            logger.warning("broker unreachable: chat message %s left to the sweep", message_id)


def channel_test_queue(*, by: User | None, channel: Channel, publish: bool = True) -> ChannelMessage:
    """Queue a test message to `channel` (each press of the button is a new one)."""
    _check(by)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Test message from the Jinzhou cluster platform")
        text = _("#### %(title)s\nThis channel receives the platform's reminders. [Open the platform](%(url)s)") % {
            "title": title, "url": site_url("/")}
    with transaction.atomic():
        return message_queue(key=f"test:{channel.pk}:{uuid.uuid4().hex}", kind=ChannelMessage.Kind.TEST,
                             channels=[channel], title=title, text=text, publish=publish)[0]


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class Outcome:
    """What `message_send` did: `sent`; or `wait` seconds until it is due again (None: nothing more to do)."""

    sent: bool
    wait: float | None = None
    detail: str = ""


def _backoff(attempts: int) -> float:
    return min(settings.CHAT_RETRY_BASE_SECONDS * 2 ** (attempts - 1), settings.CHAT_RETRY_MAX_SECONDS)


def message_send(*, message_id: int, respect_schedule: bool = True) -> Outcome:
    """Send one queued message if it is due and the robot's rate allows. Safe to run twice, and at once in
    two workers: the channel row is locked while sending. `respect_schedule` False (the test command) sends
    a pending message now, whatever its backoff and the rate."""
    with transaction.atomic():
        channel_id = ChannelMessage.objects.filter(pk=message_id).values_list("channel_id", flat=True).first()
        if channel_id is None:
            logger.info("chat message %s no longer exists: nothing to send", message_id)
            return Outcome(False)
        channel = Channel.objects.select_for_update().get(pk=channel_id)
        message = ChannelMessage.objects.select_for_update().get(pk=message_id)
        if message.sent_at or message.failed_at:
            return Outcome(False, detail=message.last_error)
        now = timezone.now()
        if respect_schedule:
            if not channel.is_active:
                return Outcome(False, detail="channel inactive")
            if message.next_attempt_at > now:
                return Outcome(False, (message.next_attempt_at - now).total_seconds())
            wait = _rate_wait(channel, now)
            if wait:
                message.next_attempt_at = now + timedelta(seconds=wait)
                message.save(update_fields=["next_attempt_at"])
                return Outcome(False, wait)
        answer = robots.deliver(channel, title=message.title, text=message.text)
        message.attempts += 1
        message.attempted_at = now
        channel.last_attempts = message.attempts
        if answer.ok:
            message.sent_at = channel.last_sent_at = now
            message.last_error = ""
        else:
            message.last_error = channel.last_error = answer.detail
            channel.last_error_at = now
            if answer.retry and message.attempts < settings.CHAT_MAX_ATTEMPTS:
                message.next_attempt_at = now + timedelta(seconds=_backoff(message.attempts))
            else:
                message.failed_at = now
            logger.warning("chat message %s to channel %s failed (attempt %s): %s",
                           message.pk, channel.pk, message.attempts, answer.detail)
        message.save()
        channel.save(update_fields=["last_sent_at", "last_error", "last_error_at", "last_attempts"])
    if answer.ok:
        return Outcome(True, detail=answer.detail)
    wait = None if message.failed_at else (message.next_attempt_at - now).total_seconds()
    return Outcome(False, wait, answer.detail)


def _rate_wait(channel: Channel, now) -> float:
    """Seconds until the robot may take another message (0: now): at most CHAT_RATE_PER_MINUTE in 60 s."""
    limit = settings.CHAT_RATE_PER_MINUTE
    recent = list(channel.messages.filter(attempted_at__gt=now - timedelta(seconds=60))
                  .order_by("-attempted_at").values_list("attempted_at", flat=True)[:limit])
    if len(recent) < limit:
        return 0
    return max((recent[-1] + timedelta(seconds=60) - now).total_seconds(), 1)


def messages_due() -> QuerySet[ChannelMessage]:
    return ChannelMessage.objects.filter(sent_at__isnull=True, failed_at__isnull=True,
                                         next_attempt_at__lte=timezone.now(), channel__is_active=True)


def messages_sweep() -> int:
    """Send every message that is due (a lost task, a retry, a postponed one). Returns how many went.
    One channel's failure does not stop the others: each message is its own transaction."""
    return sum(message_send(message_id=pk).sent for pk in list(messages_due().values_list("pk", flat=True)[:500]))


def channel_test_now(*, channel: Channel) -> Outcome:
    """The command line's `channels test`: queue a test message and send it now, in this process."""
    message = channel_test_queue(by=None, channel=channel, publish=False)
    return message_send(message_id=message.pk, respect_schedule=False)
