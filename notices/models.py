"""The e-mail outbox: every notice is a row first, sent after commit, swept if a message was lost."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One e-mail to one person. `key` is the notice's natural key (what, for whom, for which
    period or version), so queueing the same notice twice, e.g. from a duplicate beat run, adds
    nothing. `sent_at` empty: still to send; the sweep retries it a bounded number of times."""

    class Kind(models.TextChoices):
        RETURNED = "returned", _("figure returned")
        REMINDER = "reminder", _("deadline reminder")
        OVERDUE = "overdue", _("overdue digest")

    key = models.CharField(_("key"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notices"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        db_table = "entry_notice"  # the table of the app this model came from: kept, with its rows
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "attempts"], name="notice_unsent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"
