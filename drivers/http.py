"""The HTTP driver: the scenarios drive an integration in any language through the HTTP driver protocol.

``qbo-sim gate --driver http://HOST:PORT``. The gate first shakes hands (``GET /v1/driver``): a driver
that does not answer, or speaks another major protocol version, stops the gate before any scenario
runs. Each operation is then ``POST /v1/runs/{run}/accounts/{account}/{operation}`` with its arguments
as JSON; an error answer (or an operation the driver does not list) fails the scenario with a
:class:`DriverError` naming the driver, the operation and what it said. The routes and shapes are in
:func:`drivers.openapi.openapi_document` (``qbo-sim driver-protocol``).
"""

from __future__ import annotations

from typing import Any

import requests

from simulator.testing import session_for

from drivers.codec import CodecError, decode, encode
from drivers.model import Company, DriverInfo, QuickBooksSite
from drivers.protocol import CAPABILITIES, LIFECYCLE, OPERATIONS, PROTOCOL_VERSION, DriverError

__all__ = ["HttpDriver"]


class HttpDriver:
    """A ``CaspenDriver`` whose operations are HTTP calls to ``url``. One instance per gate worker."""

    def __init__(self, url: str, *, timeout: float = 60.0, session: requests.Session | None = None) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = session or session_for(self.url)
        self.name = self.url
        self.capabilities: frozenset[str] = frozenset()
        self.operations: frozenset[str] = frozenset()
        self.run: str | None = None
        self.account: str | None = None

    # -- the handshake -----------------------------------------------------------------------------------
    def handshake(self) -> DriverInfo:
        """Read ``GET /v1/driver``; :class:`DriverError` when unreachable or on another protocol version."""
        data = self._request("GET", "/v1/driver", "handshake")
        if isinstance(data, dict):  # fields a later protocol version adds are not this gate's business
            data = {key: value for key, value in data.items() if key in DriverInfo.__dataclass_fields__}
        try:
            info = decode(DriverInfo, data, "the handshake")
        except CodecError as exc:
            raise DriverError(self.name, "handshake", f"GET {self.url}/v1/driver did not answer a driver "
                                                      f"description ({exc})", kind="protocol") from None
        if info.protocol_version.split(".")[0] != PROTOCOL_VERSION.split(".")[0]:
            raise DriverError(self.name, "handshake",
                              f"it speaks driver protocol version {info.protocol_version}; this gate speaks "
                              f"{PROTOCOL_VERSION} (same major version needed)", kind="protocol")
        unknown = sorted(set(info.capabilities) - set(CAPABILITIES))
        if unknown:
            raise DriverError(self.name, "handshake", f"unknown capabilities {unknown}; known: "
                                                      f"{', '.join(CAPABILITIES)}", kind="protocol")
        self.name = f"{info.name} at {self.url}"
        self.capabilities = frozenset(info.capabilities)
        self.operations = frozenset(info.operations)
        return info

    # -- the run and the scenario ------------------------------------------------------------------------
    def start(self, quickbooks: QuickBooksSite) -> None:
        if not self.operations:
            self.handshake()
        answer = self._request("POST", "/v1/runs", "start", {"quickbooks": encode(quickbooks)})
        self.run = self._id(answer, "run", "start")

    def open_account(self, company: Company) -> None:
        self.close_account()  # a scenario that switches company leaves no account behind on the driver
        answer = self._request("POST", f"/v1/runs/{self._run('open_account')}/accounts", "open_account",
                               {"company": encode(company)})
        self.account = self._id(answer, "account", "open_account")

    def close_account(self) -> None:
        if self.account is not None:
            account, self.account = self.account, None
            self._request("DELETE", f"/v1/runs/{self._run('close_account')}/accounts/{account}", "close_account")

    def stop(self) -> None:
        if self.run is not None:
            run, self.run = self.run, None
            self._request("DELETE", f"/v1/runs/{run}", "stop")
        self.session.close()

    # -- operations --------------------------------------------------------------------------------------
    def call(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        """Any protocol operation by name (each method below is this)."""
        spec = OPERATIONS[operation]
        if operation not in self.operations:
            raise DriverError(self.name, operation, "the driver does not list this operation in its handshake "
                                                    "(GET /v1/driver)", kind="unsupported")
        if self.account is None:
            raise DriverError(self.name, operation, "no account is open (open_account first)", kind="protocol")
        arguments = {name: encode(value) for name, value in spec.bind(args, kwargs).items()}
        answer = self._request("POST", f"/v1/runs/{self._run(operation)}/accounts/{self.account}/{operation}",
                               operation, arguments)
        if not isinstance(answer, dict) or "result" not in answer:
            raise DriverError(self.name, operation, f"the answer has no \"result\": {str(answer)[:300]}",
                              kind="protocol")
        try:
            return decode(spec.returns, answer["result"], "result")
        except CodecError as exc:
            raise DriverError(self.name, operation, f"the answer is not in the protocol's shape: {exc}",
                              kind="protocol") from None

    def _run(self, operation: str) -> str:
        if self.run is None:
            raise DriverError(self.name, operation, "the run has not started (start first)", kind="protocol")
        return self.run

    def _id(self, answer: Any, key: str, operation: str) -> str:
        if not isinstance(answer, dict) or not isinstance(answer.get(key), str):
            raise DriverError(self.name, operation, f"the answer has no {key!r} id: {str(answer)[:300]}",
                              kind="protocol")
        return answer[key]

    def _request(self, method: str, path: str, operation: str, body: Any = None) -> Any:
        try:
            response = self.session.request(method, self.url + path, json=body, timeout=self.timeout)
        except requests.ConnectionError as exc:
            raise DriverError(self.name, operation, f"nothing answers at {self.url} ({_reason(exc)}); is the "
                                                    "driver running?", kind="unreachable") from None
        except requests.Timeout:
            raise DriverError(self.name, operation, f"no answer from {self.url}{path} within {self.timeout:g} s",
                              kind="unreachable") from None
        if response.status_code == 204:
            return None
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400:
            error = data.get("error") if isinstance(data, dict) else None
            if isinstance(error, dict) and isinstance(error.get("message"), str):
                kind = error.get("kind") if error.get("kind") in ("refused", "unsupported", "protocol") else "failed"
                raise DriverError(self.name, operation, f"HTTP {response.status_code}: {error['message']}", kind=kind)
            raise DriverError(self.name, operation, f"HTTP {response.status_code}: {response.text[:300]!r}",
                              kind="unsupported" if response.status_code == 404 else "failed")
        if data is None:
            raise DriverError(self.name, operation, f"HTTP {response.status_code} without a JSON body: "
                                                    f"{response.text[:300]!r}", kind="protocol")
        return data


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "timed out", "No route to host"):
        if marker in text:
            return marker.lower()
    return type(exc).__name__


def _operation_method(name: str) -> Any:
    def method(self: HttpDriver, *args: Any, **kwargs: Any) -> Any:
        return self.call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = OPERATIONS[name].doc
    return method


for _name in OPERATIONS:  # every protocol operation is a method: the same list the server and the document use
    if _name not in LIFECYCLE:
        setattr(HttpDriver, _name, _operation_method(_name))
