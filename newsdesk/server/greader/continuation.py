"""Continuation tokens: where the next page of a stream starts, opaque and tamper-evident.

A token names the last item of the page sent (its published time and `articles.num`), so
the next page is "after that item in this order" (a keyset): items that arrive in
between do not shift the pages as an offset would, and nothing is sent twice or skipped
among the items already there. It also carries a fingerprint of the request it belongs
to (stream, filters, time bounds, order), so a token from one stream used on another is
refused instead of silently paging the wrong list. An HMAC with the server's secret
makes a forged or edited token fail; the text is URL-safe base64, so clients that put it
in a URL without encoding it still send it back intact.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from dataclasses import dataclass

from newsdesk.server.greader.errors import GReaderRequestError

_VERSION = 1
_PAYLOAD = struct.Struct(">Bqq8s")  # version, published (µs since the epoch), num, fingerprint
_MAC_BYTES = 16
_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True, order=True)
class Cursor:
    """The last item a page held: the next page starts after it (in the page's order)."""

    published_usec: int
    num: int

    def __post_init__(self) -> None:
        for value in (self.published_usec, self.num):
            if not _INT64[0] <= value <= _INT64[1]:
                raise ValueError(f"a cursor holds 64-bit signed numbers, not {value}")


def _fingerprint(request_key: str) -> bytes:
    return hashlib.sha256(request_key.encode("utf-8", "surrogatepass")).digest()[:8]


class ContinuationSigner:
    """Makes and reads continuation tokens with one server secret (at least 16 bytes;
    keep it in the store so tokens survive a restart and work across two servers)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("a continuation secret needs at least 16 bytes")
        self._secret = secret

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, b"greader-continuation\n" + payload,
                        hashlib.sha256).digest()[:_MAC_BYTES]

    def make(self, cursor: Cursor, request_key: str) -> str:
        """The token for the page after `cursor`, for the request `request_key` names
        (`StreamQuery.request_key`)."""
        payload = _PAYLOAD.pack(_VERSION, cursor.published_usec, cursor.num,
                                _fingerprint(request_key))
        return base64.urlsafe_b64encode(payload + self._mac(payload)).decode("ascii").rstrip("=")

    def read(self, token: str, request_key: str) -> Cursor:
        """The cursor in `token`; GReaderRequestError when it was not made by this server,
        was changed, or belongs to another request."""
        bad = GReaderRequestError("the continuation token (c=) is not one this server made "
                                  "or it was changed; start again without it", parameter="c")
        length = _PAYLOAD.size + _MAC_BYTES
        if not token.isascii() or len(token) != (length * 4 + 2) // 3:
            raise bad
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError) as error:
            raise bad from error
        if len(raw) != length or base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
            raise bad  # only the one canonical spelling of a token is accepted
        payload, mac = raw[:_PAYLOAD.size], raw[_PAYLOAD.size:]
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise bad
        version, published, num, fingerprint = _PAYLOAD.unpack(payload)
        if version != _VERSION:
            raise bad
        if not hmac.compare_digest(fingerprint, _fingerprint(request_key)):
            raise GReaderRequestError("this continuation token (c=) belongs to another stream "
                                      "or other filters; start again without it", parameter="c")
        return Cursor(published, num)
