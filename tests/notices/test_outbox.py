"""The e-mail outbox: a notice is a row first, sent after commit, kept and retried if sending fails."""
import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from notices.models import Notice
from notices.services import MAX_ATTEMPTS, notice_queue, notice_send, notices_sweep
from org.models import User

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def editor(make_user):
    return make_user(User.Role.EDITOR, "nlb", email="nlb@example.gov.cn")


def _queue(user, key="k1"):
    return notice_queue(key=key, kind="reminder", recipient=user, subject="提醒", body="正文")


def test_a_notice_is_sent_after_commit(editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = _queue(editor)
    notice.refresh_from_db()
    assert notice.sent_at is not None
    assert [m.to for m in mail.outbox] == [["nlb@example.gov.cn"]]


def test_the_same_notice_is_queued_once(editor):
    assert _queue(editor) is not None
    assert _queue(editor) is None
    assert Notice.objects.count() == 1


def test_nobody_without_an_address_is_queued(make_user):
    assert _queue(make_user(User.Role.EDITOR, "nlb")) is None
    assert not Notice.objects.exists()


def test_a_failed_send_is_kept_and_retried_by_the_sweep(editor, settings):
    notice = _queue(editor)
    settings.EMAIL_BACKEND = "tests.notices.test_outbox.RefusingBackend"
    assert notice_send(notice_id=notice.pk) is False
    notice.refresh_from_db()
    assert (notice.sent_at, notice.attempts, notice.last_error) == (None, 1, "mail server down")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notices_sweep() == 1
    assert notice_send(notice_id=notice.pk) is False  # sent once only
    assert len(mail.outbox) == 1


def test_retries_are_bounded(editor, settings):
    notice = _queue(editor)
    settings.EMAIL_BACKEND = "tests.notices.test_outbox.RefusingBackend"
    for _ in range(MAX_ATTEMPTS + 2):
        notices_sweep()
    notice.refresh_from_db()
    assert notice.attempts == MAX_ATTEMPTS
