"""python-quickbooks + intuit-oauth (intuitlib), unmodified, against the running simulator over HTTP:
the fixtures and helpers the ``test_python_quickbooks_*`` modules share.

The point is that the real client libraries cannot tell the simulator from QuickBooks Online for
invoice-sync work: every call goes through the libraries' own code paths (OAuth code flow, refresh,
``save``/``get``/``filter``/``query``, void, delete, batch, CDC, PDF, send, ``requestid``), and every
article failure surfaces as the exception class python-quickbooks raises against real QBO (see
``test_python_quickbooks_failures.py`` and ``/work/shared/reference/real-clients.md``).

Nothing here patches a library: the only overrides are the ones a real user pointing the libraries at a
non-Intuit host makes (``environment=<discovery URL>``, ``qb.api_url_v3``/``sandbox_api_url_v3``,
``OAUTHLIB_INSECURE_TRANSPORT=1`` for plain http). ``_plain_http`` is not autouse, so the node-quickbooks
tests beside these are untouched: the python-quickbooks modules ask for it with ``pytestmark``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from quickbooks import QuickBooks
from quickbooks.exceptions import QuickbooksException
from quickbooks.objects.base import Ref
from quickbooks.objects.customer import Customer
from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
from quickbooks.objects.invoice import Invoice

from simulator.backends import DEFAULT_CLIENT
from simulator.testing import SimulatorHandle

CLIENT_ID = DEFAULT_CLIENT["client_id"]
CLIENT_SECRET = DEFAULT_CLIENT["client_secret"]
REDIRECT_URI = DEFAULT_CLIENT["redirect_uris"][0]
SCOPES = [Scopes.ACCOUNTING, Scopes.OPENID, Scopes.PROFILE, Scopes.EMAIL]
QBO_NS = "{http://schema.intuit.com/finance/v3}"

GST, GST_FREE, EXPORT_INACTIVE = "5", "6", "8"  # AU seed tax codes (simulator/seed.py)
SERVICES_ITEM = "1"

REQUIRED_MESSAGE = "Required param missing, need to supply the required value for the API"
BUSINESS_MESSAGE = "A business validation error has occurred while processing your request"
GST_DETAIL = "Business Validation Error: Make sure all your transactions have a GST rate before you save."
DUPLICATE_DETAIL = ("Duplicate Document Number Error : You must specify a different number. This number has "
                    "already been used. DocNumber={doc} is assigned to TxnType=Invoice with TxnId={txn_id}")


# -- connecting: the real OAuth 2.0 code flow through intuitlib ------------------------------------------

@pytest.fixture
def _plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    # requests-oauthlib refuses http:// URLs unless told otherwise; anyone pointing at a local fake does this
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def new_auth_client(qbo_sim: SimulatorHandle) -> AuthClient:
    """intuitlib's constructor GETs the discovery document: give it the simulator's."""
    return AuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, environment=qbo_sim.discovery_url)


def authorize(auth_client: AuthClient, realm: str) -> AuthClient:
    """The browser leg: follow the authorize URL (``realmId`` makes the simulator approve at once),
    read ``code``/``realmId``/``state`` off the redirect, then exchange the code with intuitlib."""
    url = auth_client.get_authorization_url(SCOPES)
    answer = requests.get(f"{url}&realmId={realm}", allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["state"] == auth_client.state_token
    assert query["realmId"] == realm
    auth_client.get_bearer_token(query["code"], realm_id=query["realmId"])
    return auth_client


def new_qb(auth_client: AuthClient, realm: str, qbo_sim: SimulatorHandle) -> QuickBooks:
    qb = QuickBooks(auth_client=auth_client, refresh_token=auth_client.refresh_token, company_id=realm,
                    minorversion=75)
    qb.api_url_v3 = qb.sandbox_api_url_v3 = qbo_sim.api_base
    return qb


@pytest.fixture
def auth_client(qbo_sim: SimulatorHandle, qbo_company: str) -> AuthClient:
    return authorize(new_auth_client(qbo_sim), qbo_company)


@pytest.fixture
def qb(auth_client: AuthClient, qbo_company: str, qbo_sim: SimulatorHandle) -> QuickBooks:
    return new_qb(auth_client, qbo_company, qbo_sim)


@pytest.fixture
def customer(qb: QuickBooks) -> Customer:
    created = Customer()
    created.DisplayName = f"Olivia O'Brien (Caspen {uuid.uuid4().int % 100000:05d})"
    created.GivenName, created.FamilyName = "Olivia", "O'Brien"
    return created.save(qb=qb)


@pytest.fixture
def fault_rules(qbo_sim: SimulatorHandle) -> Iterator[Callable[..., str]]:
    """``add(name, **rule)`` for fault-plan rules that are removed after the test, used or not."""
    added: list[str] = []

    def add(fault: str | None = None, **rule: Any) -> str:
        rule_id = qbo_sim.add_fault(fault, **rule)
        added.append(rule_id)
        return rule_id

    yield add
    for rule_id in added:
        try:
            qbo_sim.call("DELETE", f"/fault-rules/{rule_id}")
        except Exception:  # noqa: BLE001 - already gone is fine
            pass

# -- building invoices with the library's own objects ---------------------------------------------------

def ref(value: str, name: str = "") -> Ref:
    out = Ref()
    out.value, out.name = value, name
    return out


def sales_line(amount: float | None = 100, tax_code: str | None = GST, *, qty: float | None = None,
               unit_price: float | None = None, description: str = "Plumbing services") -> SalesItemLine:
    line = SalesItemLine()
    line.Description = description
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = ref(SERVICES_ITEM, "Services")
    if tax_code is not None:
        line.SalesItemLineDetail.TaxCodeRef = ref(tax_code)
    if qty is not None:
        line.SalesItemLineDetail.Qty = qty
        line.SalesItemLineDetail.UnitPrice = unit_price
        amount = round(qty * (unit_price or 0), 2) if amount is None else amount
    line.Amount = amount
    return line


def new_invoice(customer: Customer, doc_number: str | None = None, lines: list[SalesItemLine] | None = None,
                **fields: Any) -> Invoice:
    invoice = Invoice()
    invoice.CustomerRef = customer.to_ref()
    invoice.DocNumber = doc_number
    invoice.Line = [sales_line()] if lines is None else lines
    for name, value in fields.items():
        setattr(invoice, name, value)
    return invoice


def meta(obj: Any, key: str) -> str:
    """``MetaData`` is an object on some python-quickbooks classes (Invoice) and a plain dict on others."""
    data = obj.MetaData
    return data[key] if isinstance(data, dict) else getattr(data, key)


def doc_number() -> str:
    return f"INV-{uuid.uuid4().hex[:8].upper()}"


def invoices(qbo_sim: SimulatorHandle, realm: str) -> list[dict[str, Any]]:
    return qbo_sim.records(realm, "Invoice")


def assert_quickbooks_exception(exc: QuickbooksException, cls: type, code: int, message: str,
                                detail: str | None = None) -> None:
    assert type(exc) is cls, f"{type(exc).__name__} raised, {cls.__name__} expected: {exc}"
    assert exc.error_code == code
    assert exc.message == message
    if detail is not None:
        assert exc.detail == detail
