"""Channel addresses and secrets at rest: encrypted, readable after a key rotation, masked when shown."""
import pytest

from chat import crypto
from chat.models import Channel

pytestmark = pytest.mark.django_db


def test_a_secret_is_stored_encrypted_and_read_back(settings):
    settings.CHAT_SECRETS_KEYS = []
    token = crypto.encrypt("SECsecret-value-1234")
    assert "SECsecret" not in token
    assert crypto.decrypt(token) == "SECsecret-value-1234"
    assert crypto.encrypt("") == ""


def test_without_chat_keys_the_key_comes_from_secret_key(settings):
    settings.CHAT_SECRETS_KEYS = []
    token = crypto.encrypt("x" * 20)
    settings.SECRET_KEY = "another-secret-key"
    with pytest.raises(ValueError, match="cannot be decrypted"):
        crypto.decrypt(token)


def test_a_key_is_rotated_by_listing_the_new_one_first(settings):
    settings.CHAT_SECRETS_KEYS = ["old-key"]
    channel = Channel(kind="wecom")
    channel.url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdef123456"
    settings.CHAT_SECRETS_KEYS = ["new-key", "old-key"]
    assert channel.url.endswith("abcdef123456")
    channel.url = channel.url  # saving again re-encrypts with the new key
    settings.CHAT_SECRETS_KEYS = ["new-key"]
    assert channel.url.endswith("abcdef123456")


def test_masks_never_show_a_secret_in_full():
    assert crypto.mask("SEC0123456789abcdef") == "SEC…cdef"
    assert crypto.mask("short") == "••••"
    assert crypto.mask_url("https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef") == (
        "https://oapi.dingtalk.com/robot/send?access_token=012…cdef")
    assert crypto.mask_url("office@example.gov.cn") == "office@example.gov.cn"
