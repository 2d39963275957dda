"""Writes of the entry app: queueing and sending e-mail notices (the outbox).

A notice is queued inside the caller's transaction and published after commit; if the broker is
unreachable it stays unsent and `notices_sweep` (beat, every few minutes) sends it. Sending marks
the row, so a redelivered task sends nothing twice.
"""
import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

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
