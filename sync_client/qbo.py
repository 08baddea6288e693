"""``QuickBooksClient``: the only code that speaks HTTP to the QuickBooks Accounting API.

One client per realm. Every call goes through :meth:`QuickBooksClient.call`, which

* waits for the realm's rate limiter (requests/s, requests/min, batches/min);
* asks the token source for a fresh access token (it refreshes shortly before expiry, and fails
  fast without any network call when the connection is expired);
* retries transport errors, timeouts, 429 and 5xx (JSON faults or HTML outage pages) with bounded
  exponential backoff and full jitter, honouring ``Retry-After``; a retried write carries the **same**
  ``requestid``, so QuickBooks replays its first answer instead of writing twice;
* on a 401 refreshes the token once and repeats the request;
* turns any Fault (service ``Fault`` or gateway ``fault``) into a :class:`~sync_client.errors.QuickBooksError`.

Tokens are never logged: the log line is method, path, status and ``intuit_tid``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from sync_client.config import SyncConfig
from sync_client.errors import QuickBooksError, QuickBooksUnavailableError, fault_from_response
from sync_client.ratelimit import RateLimiter

__all__ = ["QuickBooksClient", "TokenSource", "Reply", "RETRYABLE_STATUSES"]

log = logging.getLogger("sync_client.qbo")

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
TRANSPORT_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
USER_AGENT = "caspen-sync/0.1 (+requests)"


class TokenSource(Protocol):
    def access_token(self) -> str: ...

    def refresh_after_unauthorized(self, stale_access_token: str) -> str: ...


@dataclass(frozen=True)
class Reply:
    """A successful answer: the parsed JSON and the response it came in."""

    payload: dict[str, Any]
    response: requests.Response

    @property
    def intuit_tid(self) -> str | None:
        return self.response.headers.get("intuit_tid")


class QuickBooksClient:
    """Talks to one company (``realm_id``) with the tokens ``tokens`` hands out.

    **Parameters:** ``config`` (a :class:`~sync_client.config.SyncConfig`), ``realm_id``, ``tokens``
    (a :class:`TokenSource`), ``session`` (an injectable ``requests.Session``), ``limiter`` (shared
    per realm), ``sleep`` and ``rng`` (injectable so tests never wait or guess).
    """

    def __init__(self, *, config: SyncConfig, realm_id: str, tokens: TokenSource,
                 session: requests.Session | None = None, limiter: RateLimiter | None = None,
                 sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None) -> None:
        self.config = config
        self.realm_id = realm_id
        self.tokens = tokens
        self.session = session or requests.Session()
        self.limiter = limiter or RateLimiter(config.rate_limits, sleep=sleep)
        self._sleep = sleep
        self._rng = rng or random.Random()

    @property
    def company_url(self) -> str:
        return f"{self.config.api_base_url}/company/{self.realm_id}"

    # -- the one way in -----------------------------------------------------------------------------
    def call(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None,
             requestid: str | None = None, kind: str = "request") -> Reply:
        url = f"{self.company_url}/{path.lstrip('/')}"
        query = {**(params or {}), "minorversion": self.config.minorversion}
        if requestid is not None:
            query["requestid"] = requestid
        policy = self.config.retry
        attempt, refreshed = 0, False
        last_response: requests.Response | None = None
        last_error: BaseException | None = None
        while True:
            attempt += 1
            self.limiter.acquire(kind)
            token = self.tokens.access_token()
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": USER_AGENT}
            if body is not None:
                headers["Content-Type"] = "application/json"
            try:
                response = self.session.request(method, url, params=query, json=body, headers=headers,
                                                timeout=self.config.timeout)
                _ = response.content  # read it all here: a dropped connection surfaces now, inside the retry
            except TRANSPORT_ERRORS as exc:
                log.info("%s %s failed in transport (%s), attempt %d/%d", method, path, type(exc).__name__,
                         attempt, policy.max_attempts)
                last_response, last_error = None, exc
                if attempt >= policy.max_attempts:
                    raise QuickBooksUnavailableError(
                        f"Could not reach QuickBooks: {type(exc).__name__}", exception=exc, attempts=attempt) from exc
                self._sleep(self.backoff(attempt))
                continue
            tid = response.headers.get("intuit_tid")
            log.debug("%s %s → %s intuit_tid=%s requestid=%s", method, path, response.status_code, tid, requestid)
            if response.status_code == 401 and not refreshed:
                refreshed = True  # expired or revoked access token: refresh once, then ask again
                self.tokens.refresh_after_unauthorized(token)
                attempt -= 1
                continue
            if response.status_code in RETRYABLE_STATUSES:
                last_response, last_error = response, None
                if attempt >= policy.max_attempts:
                    raise QuickBooksUnavailableError(
                        f"QuickBooks kept answering HTTP {response.status_code} after {attempt} attempts",
                        response=response, attempts=attempt)
                self._sleep(max(self.backoff(attempt), self._retry_after(response)))
                continue
            return Reply(self._parse(response), response)
        raise AssertionError((last_response, last_error))  # pragma: no cover

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform(0, min(cap, base × 2^(attempt-1)))."""
        policy = self.config.retry
        ceiling = min(policy.backoff_cap, policy.backoff_base * (2 ** (attempt - 1)))
        return self._rng.uniform(0, ceiling) if policy.jitter else ceiling

    def _retry_after(self, response: requests.Response) -> float:
        value = response.headers.get("Retry-After")
        if not value:
            return 0.0
        try:
            seconds = float(value)
        except ValueError:
            return 0.0  # an HTTP date: rare enough that backoff alone is fine
        return max(0.0, min(seconds, self.config.retry.max_retry_after))

    @staticmethod
    def _parse(response: requests.Response) -> dict[str, Any]:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            fault = payload.get("Fault") or payload.get("fault")
            if isinstance(fault, dict):
                raise fault_from_response(response, fault)  # QuickBooks may even send a Fault with 200
            if response.status_code < 400:
                return payload
        if response.status_code < 400 and not response.content:
            return {}
        raise QuickBooksError(response=response, fault={}, code=str(response.status_code),
                              message=f"HTTP {response.status_code} {response.reason}",
                              detail=(response.text or "")[:500] or None)

    # -- conveniences -------------------------------------------------------------------------------
    def create(self, entity: str, body: dict[str, Any], *, requestid: str) -> tuple[dict[str, Any], Reply]:
        reply = self.call("POST", entity.lower(), body=body, requestid=requestid)
        return reply.payload[entity], reply

    def update(self, entity: str, body: dict[str, Any], *, requestid: str) -> tuple[dict[str, Any], Reply]:
        reply = self.call("POST", entity.lower(), params={"operation": "update"}, body=body, requestid=requestid)
        return reply.payload[entity], reply

    def void(self, entity: str, body: dict[str, Any], *, requestid: str) -> tuple[dict[str, Any], Reply]:
        reply = self.call("POST", entity.lower(), params={"operation": "void"}, body=body, requestid=requestid)
        return reply.payload[entity], reply

    def read(self, entity: str, entity_id: str) -> dict[str, Any]:
        return self.call("GET", f"{entity.lower()}/{entity_id}").payload[entity]

    def query(self, statement: str) -> list[dict[str, Any]]:
        """``SELECT * FROM Entity ...`` (every page of it)."""
        entity = statement.split()[3] if statement.lower().startswith("select * from") else None
        out: list[dict[str, Any]] = []
        start = 1
        while True:
            page = self.call("GET", "query", params={"query": f"{statement} STARTPOSITION {start} MAXRESULTS 1000"})
            response = page.payload.get("QueryResponse", {})
            rows = response.get(entity, []) if entity else next(
                (v for v in response.values() if isinstance(v, list)), [])
            out.extend(rows)
            if len(rows) < 1000:
                return out
            start += 1000

    def batch(self, items: list[dict[str, Any]], *, requestid: str) -> tuple[dict[str, dict[str, Any]], Reply]:
        """One batch request (≤30 items); results keyed by ``bId``."""
        if not 1 <= len(items) <= 30:
            raise ValueError(f"a batch holds 1 to 30 items, not {len(items)}")
        reply = self.call("POST", "batch", body={"BatchItemRequest": items}, requestid=requestid, kind="batch")
        return {str(item.get("bId")): item for item in reply.payload.get("BatchItemResponse", [])}, reply
