"""Encryption at rest of what a channel needs to post: its webhook address (WeCom's carries the robot's key,
DingTalk's its access token) and DingTalk's signing secret.

Fernet (AES-128-CBC + HMAC-SHA256) with keys derived by HKDF from CHAT_SECRETS_KEYS, or from SECRET_KEY when
that is empty. The first key encrypts; every key decrypts, so a key is rotated by putting the new one first and
keeping the old one after it until every channel has been saved again (saving re-encrypts with the first).
Nothing here logs; `mask` is how a secret or an address is shown back.
"""
from __future__ import annotations

import base64
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"jinzhou chat channel secrets v1"


def _derive(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material.encode())
    return Fernet(base64.urlsafe_b64encode(key))


@lru_cache(maxsize=4)
def _fernet(materials: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_derive(m) for m in materials])


def _keys() -> MultiFernet:
    materials = tuple(k for k in settings.CHAT_SECRETS_KEYS if k) or (settings.SECRET_KEY,)
    return _fernet(materials)


def encrypt(plain: str) -> str:
    return _keys().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        # The key changed without the old one kept in CHAT_SECRETS_KEYS: the channel must be entered again.
        raise ValueError("the stored channel secret cannot be decrypted with CHAT_SECRETS_KEYS / SECRET_KEY") from None


def mask(secret: str) -> str:
    """A secret shown back: its first three and last four characters at most, never all of it."""
    if not secret:
        return ""
    if len(secret) < 12:
        return "••••"
    return f"{secret[:3]}…{secret[-4:]}"


def mask_url(url: str) -> str:
    """A webhook address shown back: scheme, host and path, each query value masked (the robot's token)."""
    if url.startswith("mailto:") or ("@" in url and "://" not in url):
        return url  # an e-mail address is no secret
    parts = urlsplit(url)
    query = "&".join(f"{name}={mask(value)}" for name, value in parse_qsl(parts.query, keep_blank_values=True))
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{query}" if query else "")
