"""Webhook delivery: entity changes POSTed to a company's registered endpoint, signed like Intuit.

The signature is ``intuit-signature: base64(HMAC-SHA256(verifier token, raw body))``. Payloads
come in the legacy ``eventNotifications`` form or the CloudEvents array. A delivery that does not
answer 2xx within 3 s is retried on Intuit's documented schedule (10 s, 20 s, 30 s, 5 min, 20 min,
2 h, 4 h, 6 h), which ``retry_scale`` shrinks for tests. Delivery runs on one background thread per
app, started with the first subscription, so a write never waits for a receiver.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import heapq
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from simulator.clock import SimClock
    from simulator.company import Change

__all__ = ["Webhooks", "sign", "verify", "RETRY_SCHEDULE"]

RETRY_SCHEDULE = (10, 20, 30, 300, 1200, 7200, 14400, 21600)
DELIVERY_TIMEOUT = 3.0
CLOUDEVENT_TYPES = {"Create": "created", "Update": "updated", "Delete": "deleted", "Void": "voided",
                    "Merge": "merged", "Emailed": "emailed"}


def sign(body: bytes, verifier_token: str) -> str:
    return base64.b64encode(hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()).decode()


def verify(body: bytes, signature: str, verifier_token: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(body, verifier_token), signature or "")


@dataclass
class Subscription:
    realm_id: str
    url: str
    entities: frozenset[str] | None = None
    format: str = "legacy"

    def describe(self) -> dict[str, Any]:
        return {"realm_id": self.realm_id, "url": self.url, "format": self.format,
                "entities": sorted(self.entities) if self.entities else "all"}


@dataclass
class Delivery:
    id: int
    realm_id: str
    url: str
    body: bytes
    attempts: list[dict[str, Any]] = field(default_factory=list)
    state: str = "pending"  # pending | delivered | failed

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "realm_id": self.realm_id, "url": self.url, "state": self.state,
                "attempts": self.attempts, "payload": json.loads(self.body)}


class Webhooks:
    def __init__(self, clock: SimClock, *, verifier_token: str | None = None, retry_scale: float = 1.0,
                 history: int = 1000) -> None:
        self.clock = clock
        self.verifier_token = verifier_token or "simulatorVerifierToken0000000001"
        self.retry_scale = retry_scale
        self.subscriptions: dict[str, Subscription] = {}
        self.deliveries: list[Delivery] = []
        self._history = history
        self._queue: list[tuple[float, int, Delivery]] = []
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._session: Any = None  # a requests.Session, made by the delivery thread when first needed

    # -- configuration ----------------------------------------------------------------------------
    def subscribe(self, realm_id: str, url: str, *, entities: list[str] | None = None, format: str = "legacy"
                  ) -> Subscription:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook url must be http(s), not {url!r}")
        if format not in ("legacy", "cloudevents"):
            raise ValueError("format must be 'legacy' or 'cloudevents'")
        sub = Subscription(realm_id, url, frozenset(entities) if entities else None, format)
        with self._cond:
            self.subscriptions[realm_id] = sub
        return sub

    def unsubscribe(self, realm_id: str) -> None:
        with self._cond:
            self.subscriptions.pop(realm_id, None)

    def reset(self) -> None:
        with self._cond:
            self.subscriptions.clear()
            self.deliveries.clear()
            self._queue.clear()

    def close(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=DELIVERY_TIMEOUT + 1)
        if self._session is not None:
            self._session.close()

    # -- producing --------------------------------------------------------------------------------
    def notify(self, change: Change) -> None:
        """Company listener: queue a delivery when the realm subscribes to this entity."""
        sub = self.subscriptions.get(change.realm_id)
        if sub is None or (sub.entities and change.entity not in sub.entities):
            return
        body = json.dumps(self.payload(sub, [change]), separators=(",", ":")).encode()
        delivery = Delivery(next(self._ids), change.realm_id, sub.url, body)
        with self._cond:
            self.deliveries.append(delivery)
            del self.deliveries[:-self._history]
            heapq.heappush(self._queue, (time.monotonic(), delivery.id, delivery))
            self._ensure_worker()
            self._cond.notify()

    def payload(self, sub: Subscription, changes: list[Change]) -> Any:
        if sub.format == "cloudevents":
            return [{"specversion": "1.0", "id": str(uuid.uuid4()), "source": "intuit.simulator",
                     "type": f"qbo.{c.entity.lower()}.{CLOUDEVENT_TYPES.get(c.operation, 'updated')}.v1",
                     "datacontenttype": "application/json", "time": self.clock.now().isoformat(),
                     "intuitentityid": c.entity_id, "intuitaccountid": c.realm_id, "data": {}} for c in changes]
        return {"eventNotifications": [{"realmId": sub.realm_id, "dataChangeEvent": {"entities": [
            {"name": c.entity, "id": c.entity_id, "operation": c.operation, "lastUpdated": c.last_updated}
            for c in changes]}}]}

    # -- delivering -------------------------------------------------------------------------------
    def _ensure_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stopped = False
            self._thread = threading.Thread(target=self._run, name="qbo-sim-webhooks", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._queue or self._queue[0][0] > time.monotonic()):
                    timeout = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._cond.wait(timeout)
                if self._stopped:
                    return
                _, _, delivery = heapq.heappop(self._queue)
            self._attempt(delivery)

    def _attempt(self, delivery: Delivery) -> None:
        import requests  # here, not at the top: most servers never deliver a webhook (~70 ms of start-up)

        if self._session is None:
            self._session = requests.Session()
        headers = {"Content-Type": "application/json", "intuit-signature": sign(delivery.body, self.verifier_token),
                   "User-Agent": "Intuit-Webhooks-Simulator"}
        started = time.monotonic()
        try:
            response = self._session.post(delivery.url, data=delivery.body, headers=headers,
                                          timeout=DELIVERY_TIMEOUT)
            outcome: dict[str, Any] = {"status": response.status_code}
            ok = 200 <= response.status_code < 300
        except requests.RequestException as exc:
            outcome, ok = {"error": type(exc).__name__}, False
        outcome["at"] = self.clock.now().isoformat()
        outcome["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
        with self._cond:
            delivery.attempts.append(outcome)
            if ok:
                delivery.state = "delivered"
            elif len(delivery.attempts) > len(RETRY_SCHEDULE):
                delivery.state = "failed"
            else:
                delay = RETRY_SCHEDULE[len(delivery.attempts) - 1] * self.retry_scale
                heapq.heappush(self._queue, (time.monotonic() + delay, delivery.id, delivery))
                self._cond.notify()

    def describe(self, realm_id: str | None = None) -> dict[str, Any]:
        with self._cond:
            return {
                "subscriptions": [s.describe() for s in self.subscriptions.values()
                                  if realm_id is None or s.realm_id == realm_id],
                "deliveries": [d.describe() for d in self.deliveries if realm_id is None or d.realm_id == realm_id],
            }
