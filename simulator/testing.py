"""``SimulatorHandle``: the control API from Python, for tests, steps and scripts.

Every method is one control-API call over HTTP (``requests``), so what a test does is exactly
what a CI script or another language's client can do. Errors raise :class:`ControlAPIError`
with the simulator's explanation.

A handle made with ``app=`` (the Flask app behind ``base_url``, served by this process) makes the same
control calls in-process through Flask's test client: the same routes, checks and JSON without a
socket, about a quarter of the cost. The gate's steps use it (``qbo_sim_direct``: several control calls per
scenario); what Caspen's integration sends still goes over HTTP to ``base_url``.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

__all__ = ["SimulatorHandle", "ControlAPIError", "Connection", "session_for", "is_local_host"]


def is_local_host(host: str | None) -> bool:
    """``host`` (as in a URL) is this machine: ``localhost``, a loopback address (127.0.0.0/8, ::1, an
    IPv4-mapped 127.x) or the unspecified address a server bound to every interface reports (0.0.0.0, ::)."""
    name = (host or "").strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or address.is_unspecified or bool(mapped and mapped.is_loopback)


def session_for(url: str) -> requests.Session:
    """A ``requests.Session`` for talking to ``url``. For a host on this machine (:func:`is_local_host`) it
    ignores the environment's proxies and ``.netrc`` (``trust_env = False``): neither applies, a proxy would
    break the call, and requests read them again on every call (about a third of a millisecond each, issue
    16). A CA bundle named by ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` is still used, as requests would."""
    session = requests.Session()
    if is_local_host(urlsplit(url).hostname):
        session.trust_env = False
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            session.verify = bundle
    return session


class ControlAPIError(RuntimeError):
    """A control call the simulator refused: ``status_code``, the ``requests.Response`` (``response``, also
    for in-process calls) and the simulator's ``{"error", "detail"}`` explanation in the message."""

    def __init__(self, response: requests.Response) -> None:
        try:
            payload = response.json()
            message = f"{payload.get('error')}: {payload.get('detail')}"
        except ValueError:
            message = response.text[:500]
        super().__init__(f"{response.request.method} {response.url} → {response.status_code} {message}")
        self.response = response
        self.status_code = response.status_code


class Connection(dict):
    """Tokens minted for a company (``access_token``, ``refresh_token``, ``realm_id``...)."""

    def __repr__(self) -> str:  # tokens never end up in logs or assertion messages
        return f"Connection(realm_id={self.get('realmId')!r}, tokens=[redacted])"


class SimulatorHandle:
    def __init__(self, base_url: str, *, session: requests.Session | None = None,
                 control_token: str | None = None, app: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or session_for(self.base_url)
        if control_token:
            self.session.headers["X-Control-Token"] = control_token
        self._local = app.test_client() if app is not None else None
        # in-process calls come from where an HTTP client of base_url would: its host's address
        host = (urlsplit(self.base_url).hostname or "").strip("[]")
        self._caller = host if _is_address(host) else "127.0.0.1"

    # -- plumbing -----------------------------------------------------------------------------------
    def call(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        """One control call: ``/_sim{path}``; the answer's JSON. Raises :class:`ControlAPIError` (status ≥ 400)."""
        url = f"{self.base_url}/_sim{path}"
        if self._local is not None:
            response = self._in_process(method, url, json, params)
        else:
            response = self.session.request(method, url, json=json, params=params, timeout=30)
        if response.status_code >= 400:
            raise ControlAPIError(response)
        return response.json()

    def _in_process(self, method: str, url: str, json: Any, params: dict[str, Any] | None) -> requests.Response:
        """The call through Flask's test client, answered as the ``requests.Response`` HTTP would give."""
        request = requests.Request(method, url, params=params).prepare()
        answer = self._local.open(url, method=method, json=json, query_string=params, follow_redirects=True,
                                  headers=dict(self.session.headers), environ_base={"REMOTE_ADDR": self._caller})
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.status.partition(" ")[2]
        response.headers = CaseInsensitiveDict(answer.headers.items())
        response._content = answer.get_data()
        response.encoding = answer.mimetype_params.get("charset", "utf-8")
        response.url = answer.request.url  # where a redirect led, as requests reports it
        response.request = request
        return response

    @property
    def api_base(self) -> str:
        """What a QBO client uses as its base URL (``…/v3``)."""
        return f"{self.base_url}/v3"

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/.well-known/openid_sandbox_configuration"

    # -- companies ----------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        return self.call("GET", "/")

    def reset(self, realm_id: str | None = None) -> None:
        self.call("POST", "/reset", {"realm_id": realm_id} if realm_id else {})

    def create_company(self, region: str = "AU", **options: Any) -> str:
        return self.call("POST", "/companies", {"region": region, **options})["realm_id"]

    def company(self, realm_id: str) -> dict[str, Any]:
        return self.call("GET", _company(realm_id))

    def delete_company(self, realm_id: str) -> None:
        self.call("DELETE", _company(realm_id))

    def snapshot(self, realm_id: str) -> str:
        return self.call("POST", f"{_company(realm_id)}/snapshots")["snapshot_id"]

    def restore(self, snapshot_id: str) -> None:
        self.call("POST", f"/snapshots/{_segment(snapshot_id)}/restore")

    def records(self, realm_id: str, entity: str) -> list[dict[str, Any]]:
        return self.call("GET", f"{_company(realm_id)}/entities/{_segment(entity)}")["records"]

    def record(self, realm_id: str, entity: str, entity_id: str) -> dict[str, Any]:
        return self.call("GET", f"{_company(realm_id)}/entities/{_segment(entity)}/{_segment(entity_id)}")

    def find_invoice(self, realm_id: str, doc_number: str) -> dict[str, Any] | None:
        matches = [r for r in self.records(realm_id, "Invoice") if (r.get("DocNumber") or "") == doc_number]
        return matches[0] if matches else None

    def load_scenario(self, name_or_path: str | None = None, *, data: dict[str, Any] | None = None
                      ) -> dict[str, Any]:
        payload = {"scenario": data} if data is not None else {"name": name_or_path}
        return self.call("POST", "/scenarios", payload)

    # -- the QuickBooks user ------------------------------------------------------------------------
    def renumber(self, realm_id: str, doc_number: str, new_doc_number: str, entity: str | None = None) -> dict:
        body = {"doc_number": doc_number, "new_doc_number": new_doc_number}
        if entity:
            body["entity"] = entity
        return self.call("POST", f"{_company(realm_id)}/actions/renumber", body)

    def user_edits(self, realm_id: str, doc_number: str, entity: str | None = None, **fields: Any) -> dict[str, Any]:
        """Change fields of a document in QuickBooks as its user would (its SyncToken moves)."""
        body: dict[str, Any] = {"doc_number": doc_number, "fields": fields}
        if entity:
            body["entity"] = entity
        return self.call("POST", f"{_company(realm_id)}/actions/edit", body)

    def unlink_payments(self, realm_id: str, doc_number: str) -> list[dict[str, Any]]:
        """Unlink every payment from an invoice in QuickBooks (each stays as unapplied credit)."""
        answer = self.call("POST", f"{_company(realm_id)}/actions/unlink-payments", {"doc_number": doc_number})
        return answer["payments"]  # type: ignore[no-any-return]

    def user_creates_invoice(self, realm_id: str, *, customer: str, lines: list[dict[str, Any]],
                             doc_number: str | None = None, entity: str = "Invoice", **fields: Any) -> dict[str, Any]:
        """Key a document (an Invoice or a CreditMemo) into QuickBooks by hand."""
        return self.call("POST", f"{_company(realm_id)}/actions/invoices",
                         {"customer": customer, "lines": lines, "doc_number": doc_number, "entity": entity,
                          "fields": fields})

    def create_tax_code(self, realm_id: str, name: str, rate: float | str, rate_name: str | None = None) -> dict:
        return self.call("POST", f"{_company(realm_id)}/actions/tax-codes",
                         {"name": name, "rate": rate, "rate_name": rate_name})

    def set_tax_code_active(self, realm_id: str, code: str, active: bool) -> dict[str, Any]:
        state = "activate" if active else "deactivate"
        return self.call("POST", f"{_company(realm_id)}/actions/tax-codes/{_segment(code)}/{state}")

    def record_payment(self, realm_id: str, invoices: list[tuple[str, float]], total: float | None = None
                       ) -> dict[str, Any]:
        body: dict[str, Any] = {"invoices": [{"invoice": i, "amount": a} for i, a in invoices]}
        if total is not None:
            body["total"] = total
        return self.call("POST", f"{_company(realm_id)}/actions/payments", body)

    def set_preference(self, realm_id: str, path: str, value: Any) -> dict[str, Any]:
        return self.call("POST", f"{_company(realm_id)}/actions/preferences", {"path": path, "value": value})

    def set_settings(self, realm_id: str, **settings: Any) -> dict[str, Any]:
        return self.call("POST", f"{_company(realm_id)}/actions/settings", settings)

    # -- OAuth, clock ----------------------------------------------------------------------------------
    def connect(self, realm_id: str, *, scopes: list[str] | None = None) -> Connection:
        """A connection as if the user had consented; ``scopes`` (default: accounting + OpenID) as granted."""
        return Connection(self.call("POST", f"{_company(realm_id)}/connect",
                                    json={"scopes": scopes} if scopes is not None else None))

    def expire_access_tokens(self, realm_id: str | None = None) -> None:
        self.call("POST", "/tokens/expire", {"realm_id": realm_id} if realm_id else {})

    def revoke(self, realm_id: str) -> None:
        self.call("POST", f"{_company(realm_id)}/tokens/revoke")

    def expire_refresh_tokens(self, realm_id: str) -> None:
        self.call("POST", f"{_company(realm_id)}/tokens/expire-refresh")

    def clock(self) -> dict[str, Any]:
        """QuickBooks' clock: ``{"now": ISO 8601, "offset_seconds": how far it was moved from real time}``."""
        return self.call("GET", "/clock")

    def advance_clock(self, *, seconds: float = 0, days: float = 0) -> str:
        return self.call("POST", "/clock/advance", {"seconds": seconds, "days": days})["now"]

    # -- fault plan, journal ----------------------------------------------------------------------------
    def add_fault(self, fault: str | None = None, **rule: Any) -> str:
        if fault is not None:
            rule = {"action": "fault", "fault": fault, **rule}
        return self.call("POST", "/fault-rules", rule)["id"]

    def fault_rules(self) -> list[dict[str, Any]]:
        return self.call("GET", "/fault-rules")["rules"]

    def clear_faults(self, realm_id: str | None = None) -> None:
        self.call("DELETE", "/fault-rules", params={"realm_id": realm_id} if realm_id else None)

    def journal(self, realm_id: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        params = {k: v for k, v in {"realm_id": realm_id, **filters}.items() if v is not None}
        return self.call("GET", "/journal", params=params)["entries"]

    def subscribe_webhooks(self, realm_id: str, url: str, **options: Any) -> dict[str, Any]:
        return self.call("POST", f"{_company(realm_id)}/webhooks", {"url": url, **options})

    def webhooks(self, realm_id: str | None = None) -> dict[str, Any]:
        return self.call("GET", "/webhooks", params={"realm_id": realm_id} if realm_id else None)


def _company(realm_id: str) -> str:
    return f"/companies/{_segment(realm_id)}"


def _segment(value: Any) -> str:
    """One path segment as typed in a step (a tax code "GST free", an Id): ``/``, ``?``, ``#``, ``%`` quoted."""
    return quote(str(value), safe="")


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
