"""Token material for the OAuth server: random tokens shaped like Intuit's, hashing, and ID-token JWTs.

Kept apart from :mod:`simulator.oauth` so the grant rules read without crypto detail.

* Tokens come from :mod:`secrets`; the server keeps only their SHA-256 (:func:`token_hash`) plus a
  4-character fingerprint, so a dump of its state never holds a usable token.
* Shapes follow captures [qbo-api §6.3]: access tokens look like Intuit's JWE (``eyJ`` + a
  ``{"enc":"A128CBC-HS256","alg":"dir"}`` header, empty key part, random iv/ciphertext/tag), refresh
  tokens like ``RT1-39-H3-1785429816rcysb9dns1ofreknypnm`` (the digits are the idle-expiry epoch),
  authorization codes like ``AB11<epoch><random>``.
* ID tokens are RS256 JWTs when :mod:`cryptography` is importable, signed with one key per process
  (created on first use) and published at ``/op/v1/jwks``: Intuit signs every app's ID tokens with the keys
  of its one JWKS, so companies and servers share a key as they do at Intuit. Without it they fall back to
  HS256 keyed with the client
  secret (the OIDC rule for symmetric signing) and the JWKS is empty; intuitlib then cannot validate
  the ID token (it only accepts RS256 with a ``kid`` from the JWKS), so install ``cryptography``.
* ID-token claim JSON never contains ``>``, ``?`` or ``~``: those are the only ASCII characters whose
  base64url has ``-``/``_``, which intuitlib's ``validate_id_token`` decodes with *standard* base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import string
import threading
from typing import Any

__all__ = [
    "HAS_RSA",
    "IdTokenSigner",
    "b64url",
    "new_access_token",
    "new_auth_code",
    "new_refresh_token",
    "new_token_id",
    "token_hash",
]

try:  # optional: RS256 like Intuit when available
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    HAS_RSA = True
except ImportError:  # pragma: no cover - exercised only without cryptography
    HAS_RSA = False

_LOWER_ALNUM = string.ascii_lowercase + string.digits
_ALNUM = string.ascii_letters + string.digits
#: base64url of ``{"enc":"A128CBC-HS256","alg":"dir"}`` — the header every Intuit access token starts with
_JWE_HEADER = "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    """What the server stores instead of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_access_token() -> str:
    """A JWE-shaped opaque token (~200 chars): ``header..iv.ciphertext.tag``."""
    return ".".join([_JWE_HEADER, "", b64url(secrets.token_bytes(16)), b64url(secrets.token_bytes(96)),
                     b64url(secrets.token_bytes(16))])


def new_refresh_token(idle_expiry_epoch: float) -> str:
    """``RT1-<nn>-H3-<idle expiry epoch><24 random>``; 24 of 36 symbols is ~124 bits."""
    return f"RT1-{secrets.randbelow(90) + 10}-H3-{int(idle_expiry_epoch)}{_random(_LOWER_ALNUM, 24)}"


def new_auth_code(epoch: float) -> str:
    return f"AB11{int(epoch)}{_random(_ALNUM, 36)}"


def new_token_id(epoch: float) -> str:
    """A public, non-secret id for an access token, shaped like the one Intuit's gateway echoes in
    ``Token expired: AB01730024136mqEofYN9fldzIcxH6lsAcqOYIbafE5z6ZdjPc`` [qbo-api §5.1]."""
    return f"AB0{int(epoch)}{_random(_ALNUM, 37)}"


def _safe_json(claims: dict[str, Any]) -> bytes:
    text = json.dumps(claims, separators=(",", ":"), ensure_ascii=True)
    # \u escapes keep the JSON equal while avoiding the three characters that base64url to -/_
    for char, escape in ((">", "\\u003e"), ("?", "\\u003f"), ("~", "\\u007e")):
        text = text.replace(char, escape)
    return text.encode("ascii")


class _SigningKey:
    """Intuit's ID-token signing key, as this process plays it: one RSA-2048 key and its ``kid``.

    Intuit publishes one JWKS for every app (``https://oauth.platform.intuit.com/op/v1/jwks``), so every
    OAuth server in a process shares one key rather than generating its own: generating one costs 20-260 ms
    of CPU (a prime search; median 77 ms over 20), which the test suite paid once per server that minted an ID
    token (issue 16).
    Created on first use; immutable afterwards, so sharing it carries no state between servers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: Any = None
        self.kid = secrets.token_hex(16)

    def private_key(self) -> Any:
        with self._lock:
            if self._key is None:
                self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._key


_INTUIT_KEY = _SigningKey()


class IdTokenSigner:
    """Signs ID tokens and publishes the matching JWKS. One per :class:`OAuthServer`, all on the process's
    one signing key (:class:`_SigningKey`)."""

    def __init__(self) -> None:
        self._key = _INTUIT_KEY
        self.kid = self._key.kid

    def __repr__(self) -> str:
        return f"<IdTokenSigner alg={self.algorithm} kid={self.kid}>"

    @property
    def algorithm(self) -> str:
        return "RS256" if HAS_RSA else "HS256"

    def _private_key(self) -> Any:
        return self._key.private_key()

    def sign(self, claims: dict[str, Any], client_secret: str) -> str:
        header = {"kid": self.kid, "alg": self.algorithm}
        signing_input = f"{b64url(_safe_json(header))}.{b64url(_safe_json(claims))}".encode("ascii")
        if HAS_RSA:
            signature = self._private_key().sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:  # pragma: no cover
            signature = hmac.new(client_secret.encode("utf-8"), signing_input, hashlib.sha256).digest()
        return signing_input.decode("ascii") + "." + b64url(signature)

    def jwks(self) -> dict[str, Any]:
        if not HAS_RSA:  # pragma: no cover
            return {"keys": []}
        numbers = self._private_key().public_key().public_numbers()

        def _int(value: int) -> str:
            return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))

        return {"keys": [{"kty": "RSA", "e": _int(numbers.e), "use": "sig", "kid": self.kid, "alg": "RS256",
                          "n": _int(numbers.n)}]}
