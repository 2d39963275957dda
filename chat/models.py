"""Work-chat channels (企业微信 / 钉钉 group robots, or a group mailbox) and their outbox.

A channel belongs to a department, or to nobody: the city-wide planners' channel. A message is a row first
(`ChannelMessage`, one per notice key and channel, enforced by the database), sent after commit by a Celery
task, retried with backoff and given up after CHAT_MAX_ATTEMPTS; the channel keeps its latest outcome for the
status page. Addresses and secrets are stored encrypted (chat.crypto).
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from org.models import Department

from . import crypto


class Channel(models.Model):
    """Where a department's (or the planners') reminders go. `url_encrypted` holds the webhook address or, for
    e-mail, the address; `secret_encrypted` DingTalk's signing secret (加签). Both are encrypted at rest and
    shown back only masked. `last_*` is the status the page shows: the latest success and the latest failure."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="chat_channels", help_text=_("Empty: the city-wide channel of the planners."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url_encrypted = models.TextField(_("address (encrypted)"))
    secret_encrypted = models.TextField(_("signing secret (encrypted)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    last_attempts = models.PositiveSmallIntegerField(_("attempts of the latest message"), default=0)

    class Meta:
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")
        ordering = ["department__code", "kind", "pk"]

    def __str__(self) -> str:
        where = str(self.department) if self.department_id else _("city-wide (planners)")
        return f"{where} · {self.get_kind_display()}"

    @property
    def url(self) -> str:
        return crypto.decrypt(self.url_encrypted)

    @url.setter
    def url(self, value: str) -> None:
        self.url_encrypted = crypto.encrypt(value)

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value)

    @property
    def url_masked(self) -> str:
        return crypto.mask_url(self.url)

    @property
    def secret_masked(self) -> str:
        return crypto.mask(self.secret)


class ChannelMessage(models.Model):
    """One message to one channel. `key` is the notice's natural key (what, for whom, for which period), so a
    second beat run or a retried task adds nothing: the pair (key, channel) is unique in the database.
    Unsent while `sent_at` and `failed_at` are empty; due again at `next_attempt_at`."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("deadline reminder")
        OVERDUE = "overdue", _("overdue notice")
        RETURNED = "returned", _("figure returned")
        DIGEST = "digest", _("planners' digest")
        BRIEFING = "briefing", _("quarterly briefing ready")
        TEST = "test", _("test message")

    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="messages")
    key = models.CharField(_("key"), max_length=160)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    attempted_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "channel"], name="chat_message_once_per_channel",
                violation_error_message=_("This message has already been queued for this channel."),
            ),
        ]
        indexes = [
            models.Index(fields=["sent_at", "failed_at", "next_attempt_at"], name="chat_message_due"),
            models.Index(fields=["channel", "attempted_at"], name="chat_message_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.channel}"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        return "failed" if self.failed_at else "pending"
