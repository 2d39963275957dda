"""Writes of the notices app: queueing and sending e-mail notices (the outbox).

A notice is queued inside the caller's transaction and published after commit; if the broker is
unreachable it stays unsent and `notices_sweep` (beat, every few minutes) sends it. Sending marks
the row, so a redelivered task sends nothing twice. The figure-returned notice is queued from the kernel
hook the figure services announce through (notices.receivers); reminders are in `notices.reminders`.
"""
import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from clusters.models import QuarterlyFigure
from core import access
from core.periods import Quarter
from org.models import User

from .models import Notice

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def notice_queue(*, key: str, kind: str, recipient: User, subject: str, body: str) -> Notice | None:
    """Queue one e-mail (in the caller's transaction) unless a notice with this key exists.

    Returns the new notice, or None when it was already queued or the recipient has no address.
    """
    if not recipient.email:
        return None
    notice, created = Notice.objects.get_or_create(
        key=key, defaults={"kind": kind, "recipient": recipient, "subject": subject[:200], "body": body}
    )
    if not created:
        return None
    transaction.on_commit(partial(_enqueue, notice.pk))
    return notice


def _enqueue(notice_id: int) -> None:
    from .tasks import notice_send_task

    try:
        notice_send_task.apply_async((notice_id,), retry=False)
    except (BrokerError, OSError):
        logger.warning("broker unreachable: notice %s left to the sweep", notice_id)


@transaction.atomic
def notice_send(*, notice_id: int) -> bool:
    """Send one queued notice; True if it went out now. Safe to run twice."""
    notice = Notice.objects.select_for_update().select_related("recipient").filter(pk=notice_id).first()
    if notice is None:
        logger.info("notice %s no longer exists: nothing to send", notice_id)
        return False
    if notice.sent_at is not None or notice.attempts >= MAX_ATTEMPTS:
        return False
    notice.attempts += 1
    try:
        send_mail(notice.subject, notice.body, settings.DEFAULT_FROM_EMAIL, [notice.recipient.email])
    except OSError as error:  # SMTP down or refusing: leave it for the sweep
        notice.last_error = str(error)[:300]
        notice.save(update_fields=["attempts", "last_error"])
        return False
    notice.sent_at = timezone.now()
    notice.save(update_fields=["attempts", "sent_at", "last_error"])
    return True


def notices_sweep() -> int:
    """Send every notice still unsent (a lost message, a mail server that was down). Returns how many went."""
    pending = Notice.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)
    return sum(notice_send(notice_id=pk) for pk in list(pending[:500]))


def figure_returned_notify(*, figure: QuarterlyFigure, by: User, reason: str) -> None:
    """Queue an e-mail to whoever entered the figure (sent after commit; the outbox keeps it if the
    broker is down). Without an editor who can still edit it, the department's editors are told."""
    recipients = [figure.entered_by] if figure.entered_by and figure.entered_by.can_write else []
    recipients = [u for u in recipients if u.is_active and u.email and u != by and access.can_edit(u, figure)]
    if not recipients:
        recipients = [u for u in User.objects.filter(role=User.Role.EDITOR, is_active=True).exclude(email="")
                      if access.can_edit(u, figure)]
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Figure returned: %(figure)s") % {"figure": figure}
        body = render_to_string("notices/figure_returned.txt", {
            "figure": figure, "by": by, "reason": reason, "quarter": Quarter(figure.year, figure.quarter),
        })
    for recipient in recipients:
        notice_queue(key=f"returned:{figure.pk}:v{figure.version}:{recipient.pk}", kind="returned",
                     recipient=recipient, subject=subject, body=body)
