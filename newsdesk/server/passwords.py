"""Passwords, API tokens and the failed sign-in throttle of `newsdesk serve`.

Passwords are hashed with scrypt (hashlib, no extra dependency): memory-hard, so a stolen
user table costs an attacker memory as well as time. One hash is one self-describing
string, ``scrypt$n$r$p$salt$hash`` (salt and hash in unpadded base64url), so the
parameters can grow later and old hashes still verify (`needs_rehash` says when to store
a new one at the next successful sign-in).

Measured on the 2-core development machine (Python 3.11, load ~1.5): n=2**14 r=8 p=1 took
49 ms, n=2**15 r=8 p=1 95 ms, n=2**16 r=8 p=1 197 ms; the default is n=2**15 (32 MiB).

API tokens (what ClientLogin hands out as ``Auth=``) are random; only their SHA-256 is
stored, so a copy of the database does not let anyone in. A token has enough entropy
(256 bits) that a fast hash is right for it, unlike a password.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from newsdesk.errors import NewsdeskError

SCHEME = "scrypt"
SALT_BYTES = 16
HASH_BYTES = 32


@dataclass(frozen=True)
class ScryptParameters:
    """The cost of one hash: n (CPU/memory, a power of two), r (block size), p (lanes)."""

    n: int = 2**15
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        if self.n < 2 or self.n & (self.n - 1):
            raise ValueError(f"scrypt n must be a power of two above 1, not {self.n}")
        if self.r < 1 or self.p < 1:
            raise ValueError(f"scrypt r and p must be at least 1, not r={self.r} p={self.p}")
        if self.memory > 1 << 30:
            raise ValueError("scrypt parameters that need more than 1 GiB are refused")

    @property
    def memory(self) -> int:
        """Bytes one hash needs (128 * n * r, plus p blocks)."""
        return 128 * self.r * (self.n + self.p + 2)


DEFAULT_PARAMETERS = ScryptParameters()


class PasswordHashError(NewsdeskError, ValueError):
    """A stored password hash that is not one of ours (damaged or from another tool)."""


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    if not text or not all(c.isascii() and (c.isalnum() or c in "-_") for c in text):
        raise PasswordHashError("a stored password hash holds characters that are not base64")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise PasswordHashError("a stored password hash is not valid base64") from error


def _scrypt(password: str, salt: bytes, params: ScryptParameters, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=params.n, r=params.r,
                          p=params.p, maxmem=params.memory + (1 << 20), dklen=length)


def hash_password(password: str, params: ScryptParameters = DEFAULT_PARAMETERS) -> str:
    """The string to store for `password`: ``scrypt$n$r$p$salt$hash`` with a fresh salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, params, HASH_BYTES)
    return f"{SCHEME}${params.n}${params.r}${params.p}${_b64encode(salt)}${_b64encode(digest)}"


@dataclass(frozen=True)
class StoredHash:
    """A stored hash taken apart."""

    params: ScryptParameters
    salt: bytes
    digest: bytes


def parse_hash(stored: str) -> StoredHash:
    """The parts of a stored hash; PasswordHashError when it is not ``scrypt$n$r$p$salt$hash``."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise PasswordHashError("a stored password hash is not of the form scrypt$n$r$p$salt$hash")
    numbers = parts[1:4]
    if not all(part.isascii() and part.isdigit() and len(part) <= 10 for part in numbers):
        raise PasswordHashError("a stored password hash has parameters that are not numbers")
    try:
        params = ScryptParameters(int(numbers[0]), int(numbers[1]), int(numbers[2]))
    except ValueError as error:
        raise PasswordHashError(f"a stored password hash has unusable parameters: {error}") from error
    salt, digest = _b64decode(parts[4]), _b64decode(parts[5])
    if len(salt) < 8 or len(digest) < 16:
        raise PasswordHashError("a stored password hash has a salt or hash that is too short")
    return StoredHash(params, salt, digest)


def verify_password(password: str, stored: str) -> bool:
    """True when `password` is the one `stored` was made from (compared in constant time).

    Raises PasswordHashError for a damaged stored hash, so a broken row is not mistaken
    for a wrong password."""
    parsed = parse_hash(stored)
    candidate = _scrypt(password, parsed.salt, parsed.params, len(parsed.digest))
    return hmac.compare_digest(candidate, parsed.digest)


def needs_rehash(stored: str, params: ScryptParameters = DEFAULT_PARAMETERS) -> bool:
    """True when `stored` was made with other parameters (or a shorter salt or hash): hash the
    password again at the next successful sign-in."""
    try:
        parsed = parse_hash(stored)
    except PasswordHashError:
        return True
    return (parsed.params != params or len(parsed.salt) < SALT_BYTES
            or len(parsed.digest) < HASH_BYTES)


# A hash of a password nobody has, verified when the user name is unknown, so that a
# sign-in takes as long for a missing user as for a wrong password.
_DUMMY_HASH: str | None = None


def verify_unknown_user(password: str) -> bool:
    """Spend the time of one verification and return False: for a user name that does not
    exist (a fast refusal would tell which names do)."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    verify_password(password, _DUMMY_HASH)
    return False


# ---- API tokens -------------------------------------------------------------------------

TOKEN_BYTES = 32


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `token` is shown to the client once, `digest` is what the store keeps."""

    token: str
    digest: str


def token_digest(token: str) -> str:
    """The SHA-256 (hex) of a token: what the store keeps and looks a token up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token() -> IssuedToken:
    """A fresh random API token (256 bits, URL-safe) and the digest to store."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return IssuedToken(token, token_digest(token))


def token_matches(token: str, digest: str) -> bool:
    """True when `token` is the one `digest` was made from, compared in constant time."""
    return hmac.compare_digest(token_digest(token).encode("ascii"),
                               digest.encode("ascii", "replace"))


def action_token(secret: bytes, user: str, token_digest_hex: str) -> str:
    """The short-lived-in-spirit POST token (``/reader/api/0/token``, sent back as ``T=``):
    an HMAC of the user and their API token's digest, so it needs no storage and dies with
    the API token. 57 characters, as Google's were (some clients check the length)."""
    mac = hmac.new(secret, f"{user}\n{token_digest_hex}".encode(), hashlib.sha256).digest()
    return _b64encode(mac + mac[:11])[:57]


def action_token_matches(candidate: str, secret: bytes, user: str, token_digest_hex: str) -> bool:
    """True when `candidate` is this user's POST token (constant time)."""
    expected = action_token(secret, user, token_digest_hex)
    return hmac.compare_digest(expected.encode("ascii"), candidate.encode("utf-8", "replace"))


# ---- the failed sign-in throttle ------------------------------------------------------


class TooManyAttempts(NewsdeskError):
    """Sign-in refused without checking the password: too many recent failures."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class _Failures:
    count: int
    last: float
    locked_until: float


class LoginThrottle:
    """Counts failed sign-ins per user name and per client address; after `free_failures`
    failures each further one doubles the wait, from `first_delay` up to `max_delay`.

    A success clears the user name's count only: an attacker with an account of their own
    must not be able to clear their address's count between guesses at other names.
    Memory is bounded: an entry is forgotten `forget_after` seconds after its lock ends,
    and beyond `max_entries` the least recently failed entries go first. The clock is
    injectable (seconds, monotonic) so tests need no sleeping. Safe to share between the
    server's threads (one lock; each call is a few dictionary operations).
    """

    def __init__(self, *, free_failures: int = 5, first_delay: float = 1.0,
                 max_delay: float = 900.0, forget_after: float = 900.0,
                 max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if free_failures < 0 or first_delay <= 0 or max_delay < first_delay or max_entries < 2:
            raise ValueError("LoginThrottle needs free_failures >= 0, 0 < first_delay <= "
                             "max_delay and max_entries >= 2")
        self.free_failures = free_failures
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.forget_after = forget_after
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], _Failures] = OrderedDict()
        self._pending: Counter[tuple[str, str]] = Counter()  # checked, not yet recorded
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def _keys(user: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return ("user", user.casefold()), ("address", address)

    def delay_after(self, failures: int) -> float:
        """Seconds of wait after `failures` failures in a row (0 while they are free)."""
        extra = failures - self.free_failures
        if extra <= 0:
            return 0.0
        if extra > 64:  # 2**64 seconds is past any max_delay
            return self.max_delay
        return min(self.max_delay, math.ldexp(self.first_delay, extra - 1))

    def _forget_old(self, now: float) -> None:
        stale = [key for key, entry in self._entries.items()
                 if now >= max(entry.locked_until, entry.last) + self.forget_after]
        for key in stale:
            del self._entries[key]

    def check(self, user: str, address: str) -> None:
        """Raise TooManyAttempts when this user name or this address must wait; call it
        before verifying the password, and then record_failure or record_success (or
        forget_attempt). Attempts at one user name checked and not yet recorded count as
        failures to come, so parallel guesses at an account get no more than the free ones
        between them (an address is counted by its failures only: many people sign in
        from one office's address at once)."""
        now = self._clock()
        waits = []
        with self._lock:
            keys = self._keys(user, address)
            for key in keys:
                entry = self._entries.get(key)
                if entry is not None and entry.locked_until > now:
                    waits.append((entry.locked_until - now, key[0]))
            if not waits and self._in_flight_full(keys[0], now):  # the user name's only:
                waits.append((self.first_delay, "user"))  # one office signs many in at once
            if not waits:
                self._pending.update(keys)
                return
        wait, kind = max(waits)
        seconds = max(1, math.ceil(wait))
        what = "for this user name" if kind == "user" else "from this address"
        raise TooManyAttempts(f"Too many failed sign-ins {what}; try again in {seconds} s.",
                              retry_after=seconds)

    def _in_flight_full(self, key: tuple[str, str], now: float) -> bool:
        """Whether the attempts in flight at `key` would spend its free failures."""
        pending = self._pending[key]
        entry = self._entries.get(key)
        fresh = entry is not None and now < max(entry.locked_until, entry.last) + self.forget_after
        failures = entry.count if entry is not None and fresh else 0
        return bool(pending) and failures + pending >= max(self.free_failures, 1)

    def forget_attempt(self, user: str, address: str) -> None:
        """An attempt that `check` let through ended with neither answer (an error)."""
        with self._lock:
            self._settle(user, address)

    def _settle(self, user: str, address: str) -> None:
        for key in self._keys(user, address):
            if self._pending[key] > 1:
                self._pending[key] -= 1
            else:
                self._pending.pop(key, None)

    def record_failure(self, user: str, address: str) -> None:
        """Count one failed sign-in against the user name and the address."""
        now = self._clock()
        with self._lock:
            self._settle(user, address)
            for key in self._keys(user, address):
                entry = self._entries.pop(key, None)
                if entry is None or now >= max(entry.locked_until, entry.last) + self.forget_after:
                    entry = _Failures(0, now, now)
                entry.count += 1
                entry.last = now
                entry.locked_until = now + self.delay_after(entry.count)
                self._entries[key] = entry  # now the most recent
            if len(self._entries) > self.max_entries:
                self._forget_old(now)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)

    def record_success(self, user: str, address: str) -> None:
        """A correct password: the user name starts again from zero (the address does not)."""
        with self._lock:
            self._settle(user, address)
            self._entries.pop(self._keys(user, address)[0], None)
