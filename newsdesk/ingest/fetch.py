"""Polite, concurrent feed fetching with httpx.

Conditional GET, a global and a per-server limit, a total time limit per feed, redirects
followed by hand (so a permanent one can update the stored URL), decompression done here
with an output cap (so a gzip bomb stops at the cap, not at the end of memory), no cookies.
Every failure becomes a FetchError with a kind; nothing else escapes `fetch`.
Validators (ETag, Last-Modified) only ever go to the origin that issued them: a redirect to
another scheme, host or port drops them. Images use a stricter Fetcher: no redirect to
another host, and no local or private address unless allowed.
"""

from __future__ import annotations

import asyncio
import email.utils
import http.cookiejar
import ipaddress
import logging
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import brotli
import httpx

from newsdesk import USER_AGENT
from newsdesk.config import FetchSettings
from newsdesk.errors import FetchError
from newsdesk.models import FetchResult

log = logging.getLogger(__name__)

ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
          "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, "
          "application/json;q=0.8, */*;q=0.5")
MAX_RETRY_AFTER = 7 * 24 * 3600.0


class _NoCookies(http.cookiejar.CookiePolicy):
    """Feeds never need cookies; accepting them would let servers track the reader."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = True

    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: object) -> bool:
        return False

    def path_return_ok(self, path: str, request: object) -> bool:
        return False


class _TooLarge(Exception):
    pass


class _CappedDecoder:
    """Decode a content-encoding chain chunk by chunk, never producing more than `cap` bytes."""

    def __init__(self, encodings: list[str], cap: int) -> None:
        self.cap = cap
        self.total = 0
        self.parts: list[bytes] = []
        self.stages: list[Callable[[bytes, bool], bytes]] = [
            self._stage(e) for e in reversed(encodings) if e and e != "identity"
        ]

    def _room(self) -> int:
        return self.cap - self.total + 1

    def _stage(self, encoding: str) -> Callable[[bytes, bool], bytes]:
        if encoding in ("gzip", "x-gzip"):
            return self._zlib_stage(zlib.decompressobj(16 + zlib.MAX_WBITS))
        if encoding == "deflate":
            return self._deflate_stage()
        if encoding == "br":
            return self._brotli_stage()
        raise ValueError(f"unsupported content encoding {encoding!r}")

    def _zlib_stage(self, decoder: zlib._Decompress) -> Callable[[bytes, bool], bytes]:
        def run(data: bytes, final: bool) -> bytes:
            out = [decoder.decompress(data, self._room())]
            size = len(out[0])
            while decoder.unconsumed_tail:
                if size > self._room():
                    raise _TooLarge
                chunk = decoder.decompress(decoder.unconsumed_tail, self._room())
                size += len(chunk)
                out.append(chunk)
            if final:
                out.append(decoder.flush())
            return b"".join(out)
        return run

    def _deflate_stage(self) -> Callable[[bytes, bool], bytes]:
        state: dict[str, Callable[[bytes, bool], bytes]] = {}

        def run(data: bytes, final: bool) -> bytes:
            if "run" not in state:
                try:
                    attempt = self._zlib_stage(zlib.decompressobj())
                    result = attempt(data, final)
                    state["run"] = attempt
                    return result
                except zlib.error:  # servers often send raw deflate without the zlib header
                    state["run"] = self._zlib_stage(zlib.decompressobj(-zlib.MAX_WBITS))
            return state["run"](data, final)
        return run

    def _brotli_stage(self) -> Callable[[bytes, bool], bytes]:
        decoder = brotli.Decompressor()

        def run(data: bytes, final: bool) -> bytes:
            out = [decoder.process(data, output_buffer_limit=self._room())]
            size = len(out[0])
            while not decoder.can_accept_more_data() and not decoder.is_finished():
                if size > self._room():
                    raise _TooLarge
                chunk = decoder.process(b"", output_buffer_limit=self._room())
                size += len(chunk)
                out.append(chunk)
            return b"".join(out)
        return run

    def feed(self, data: bytes, final: bool = False) -> None:
        for stage in self.stages:
            data = stage(data, final)
        self.total += len(data)
        if self.total > self.cap:
            raise _TooLarge
        self.parts.append(data)

    def body(self) -> bytes:
        return b"".join(self.parts)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = when.timestamp() - (now if now is not None else time.time())
    return min(max(delta, 0.0), MAX_RETRY_AFTER)


def parse_max_age(headers: httpx.Headers) -> float | None:
    """How long the server says the body stays fresh: Cache-Control max-age, else Expires."""
    for directive in headers.get("cache-control", "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.lower() == "max-age" and value.strip().strip('"').isdigit():
            return float(value.strip().strip('"'))
    expires = headers.get("expires")
    if expires:
        try:
            when = email.utils.parsedate_to_datetime(expires)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max((when - datetime.now(UTC)).total_seconds(), 0.0)
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def classify_error(exc: BaseException, url: str) -> FetchError:
    """Sort a transport failure into a FetchError kind with a sentence for the user."""
    if isinstance(exc, FetchError):
        return exc
    host = urlsplit(url).hostname or url
    chain = _chain(exc)
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return FetchError("invalid_url", f"{url} is not a web address NewsDesk can fetch.",
                          url=url)
    if isinstance(exc, (httpx.TimeoutException, TimeoutError, asyncio.TimeoutError)):
        return FetchError("timeout", f"{host} did not answer in time.", url=url)
    if any(isinstance(e, socket.gaierror) for e in chain) or any(
            "name or service not known" in str(e).lower()
            or "nodename nor servname" in str(e).lower()
            or "temporary failure in name resolution" in str(e).lower() for e in chain):
        return FetchError("dns", f"The name {host} could not be found (DNS).", url=url)
    if any(isinstance(e, ssl.SSLError) for e in chain) or any(
            "certificate" in str(e).lower() or "ssl" in str(e).lower() for e in chain):
        return FetchError("tls", f"The secure connection to {host} failed: {exc}", url=url)
    if isinstance(exc, (httpx.ConnectError, ConnectionError, OSError)):
        return FetchError("connect", f"Could not connect to {host}.", url=url)
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError,
                        httpx.TransportError)):
        return FetchError("connect", f"The connection to {host} broke off: {exc}", url=url)
    if isinstance(exc, (httpx.DecodingError, zlib.error, brotli.error)):
        return FetchError("parse_error", f"{host} sent a body that could not be decompressed.",
                          url=url)
    return FetchError("connect", f"Fetching {url} failed: {exc}", url=url)


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        return (parts.scheme, (parts.hostname or "").lower(), parts.port)
    except ValueError:
        return ("", url, None)


class Fetcher:
    """Fetch feeds concurrently within limits; use as `async with Fetcher(settings) as f`."""

    def __init__(self, settings: FetchSettings | None = None, *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 same_host_redirects: bool = False, allow_private: bool = True,
                 private_hosts: frozenset[str] = frozenset(), accept: str = ACCEPT) -> None:
        """same_host_redirects: a redirect to another host is an error (images).
        allow_private=False: refuse any URL whose host resolves to a loopback, private,
        link-local or otherwise non-public address, except the hosts in private_hosts.
        accept: the Accept header (feeds' by default; article pages ask for HTML).
        """
        self.settings = settings or FetchSettings()
        self._transport = transport
        self._same_host_redirects = same_host_redirects
        self._allow_private = allow_private
        self._private_hosts = frozenset(h.lower() for h in private_hosts)
        self._accept = accept
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(self.settings.max_concurrency)
        self._per_origin: dict[tuple[str, str, int | None], asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(s.total_timeout, connect=s.connect_timeout),
            limits=httpx.Limits(max_connections=s.max_concurrency,
                                max_keepalive_connections=s.max_concurrency),
            headers={"User-Agent": USER_AGENT, "Accept": self._accept,
                     "Accept-Encoding": "gzip, deflate, br"},
            cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
            transport=self._transport,
            trust_env=False,
        )
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                    max_bytes: int | None = None) -> FetchResult:
        """Fetch one feed. Never raises: failures come back in FetchResult.error.

        max_bytes lowers the body cap of settings.max_body_bytes for this one fetch.
        """
        started = time.monotonic()
        origin = _origin(url)
        per_host = self._per_origin.setdefault(origin, asyncio.Semaphore(self.settings.per_host))
        async with per_host, self._global:
            try:
                async with asyncio.timeout(self.settings.total_timeout):
                    result = await self._follow(url, etag, last_modified, started, max_bytes)
            except Exception as exc:
                error = classify_error(exc, url)
                if error.kind == "timeout" and isinstance(exc, TimeoutError):
                    error = FetchError("timeout", f"{urlsplit(url).hostname or url} took longer "
                                       f"than {self.settings.total_timeout:g} s.", url=url)
                log.info("fetch %s failed: %s (%s)", url, error, error.kind)
                return FetchResult(url=url, final_url=url, status_code=error.status,
                                   elapsed=time.monotonic() - started, error=error)
        return result

    async def _check_address(self, url: str) -> None:
        """Refuse a host that resolves to a non-public address (when so configured)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if self._allow_private or host in self._private_hosts:
            return
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, parts.port or (443 if parts.scheme == "https" else 80),
                type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise FetchError("dns", f"The name {host} could not be found (DNS).", url=url) from exc
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            if not address.is_global:
                raise FetchError("invalid_url", f"{host} is a local or private network address "
                                 f"({address}); NewsDesk does not fetch from there.", url=url)

    async def _follow(self, url: str, etag: str | None, last_modified: str | None,
                      started: float, max_bytes: int | None = None) -> FetchResult:
        assert self._client is not None, "use Fetcher as an async context manager"
        current = url
        permanent: str | None = None
        only_permanent = True
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _ in range(self.settings.max_redirects + 1):
            await self._check_address(current)
            if _origin(current) != _origin(url):
                headers = {}  # validators are the first origin's; another one must not see them
            request = self._client.build_request("GET", current, headers=headers)
            response = await self._client.send(request, stream=True)
            try:
                if response.is_redirect and response.headers.get("location"):
                    target = urljoin(current, response.headers["location"])
                    if self._same_host_redirects and _origin(target)[1] != _origin(url)[1]:
                        raise FetchError("invalid_url", f"{url} redirected to another host "
                                         f"({urlsplit(target).hostname}).", url=url)
                    if response.status_code in (301, 308) and only_permanent:
                        permanent = target
                    else:
                        only_permanent = False
                    current = target
                    continue
                return await self._finish(url, current, response, permanent, started, max_bytes)
            finally:
                await response.aclose()
        raise FetchError("too_many_redirects",
                         f"{url} redirected more than {self.settings.max_redirects} times.",
                         url=url)

    async def _finish(self, url: str, final: str, response: httpx.Response,
                      permanent: str | None, started: float,
                      max_bytes: int | None = None) -> FetchResult:
        status = response.status_code
        # Validators are kept only when the next fetch goes to the origin that gave them.
        own = _origin(final) == _origin(permanent or url)
        common = {
            "url": url, "final_url": final, "status_code": status,
            "content_type": response.headers.get("content-type", ""),
            "etag": response.headers.get("etag") if own else None,
            "last_modified": response.headers.get("last-modified") if own else None,
            "permanent_url": permanent, "max_age": parse_max_age(response.headers),
        }
        if status == 304:
            return FetchResult(**common, elapsed=time.monotonic() - started)
        if status >= 400 or status < 200 or status in (204, 205):
            retry_after = None
            if status in (429, 503):
                retry_after = parse_retry_after(response.headers.get("retry-after"))
            phrase = response.reason_phrase or "error"
            message = f"The server answered {status} {phrase}."
            if retry_after:
                message += f" It asks to wait {int(retry_after)} s."
            raise FetchError("http", message, url=url, status=status, retry_after=retry_after)
        cap = self.settings.max_body_bytes if max_bytes is None else min(
            max_bytes, self.settings.max_body_bytes)
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap and not response.headers.get("content-encoding"):
            raise FetchError("too_large", f"The feed is larger than {cap // 1024} KiB.", url=url)
        encodings = [e.strip().lower()
                     for e in response.headers.get("content-encoding", "").split(",")]
        try:
            decoder = _CappedDecoder(encodings, cap)
        except ValueError as exc:
            raise FetchError("parse_error", f"The server used an unknown compression: {exc}",
                             url=url) from exc
        try:
            async for chunk in response.aiter_raw():
                decoder.feed(chunk)
            decoder.feed(b"", final=True)
        except _TooLarge:
            raise FetchError("too_large", f"The feed is larger than {cap // 1024} KiB "
                             "(after decompression).", url=url) from None
        return FetchResult(**common, body=decoder.body(), elapsed=time.monotonic() - started)


async def fetch_one(url: str, settings: FetchSettings | None = None, *, etag: str | None = None,
                    last_modified: str | None = None) -> FetchResult:
    """Fetch a single URL with a short-lived Fetcher (adding a source, autodiscovery)."""
    async with Fetcher(settings) as fetcher:
        return await fetcher.fetch(url, etag=etag, last_modified=last_modified)
