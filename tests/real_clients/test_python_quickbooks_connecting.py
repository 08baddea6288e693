"""python-quickbooks + intuitlib, unmodified: connecting through the real OAuth 2.0 code flow, refreshing
and the OpenID side, and the XML a client that does not ask for JSON gets (fixtures in conftest.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import requests
from intuitlib.client import AuthClient
from quickbooks import QuickBooks
from quickbooks.objects.customer import Customer

from simulator.testing import SimulatorHandle
from tests.real_clients.conftest import (
    QBO_NS,
    doc_number,
    new_auth_client,
    new_invoice,
    new_qb,
)

# the fixture sets OAUTHLIB_INSECURE_TRANSPORT: see tests/real_clients/conftest.py
pytestmark = pytest.mark.usefixtures("_plain_http")


# == connection, tokens ===================================================================================

def test_code_flow_connects_and_the_id_token_validates(auth_client: AuthClient, qbo_company: str) -> None:
    assert auth_client.realm_id == qbo_company
    assert auth_client.access_token and auth_client.refresh_token
    assert auth_client.expires_in == 3600
    assert auth_client.x_refresh_token_expires_in > 0
    # intuitlib only keeps an id_token that it validated: RS256 against the discovery document's jwks_uri,
    # issuer and audience checked -- so the simulator's OpenID side is right too.
    assert auth_client.id_token


def test_refresh_gives_working_tokens(qbo_sim: SimulatorHandle, auth_client: AuthClient,
                                      qbo_company: str) -> None:
    first_access = auth_client.access_token
    auth_client.refresh()
    assert auth_client.access_token and auth_client.access_token != first_access
    assert auth_client.expires_in == 3600
    # QuickBooks(...) builds its session from the refreshed tokens; the API accepts them
    qb = new_qb(auth_client, qbo_company, qbo_sim)
    assert Customer.all(qb=qb)


def test_quickbooks_constructor_refreshes_when_it_has_only_a_refresh_token(
        qbo_sim: SimulatorHandle, auth_client: AuthClient, qbo_company: str) -> None:
    # the usual server-side setup: a stored refresh token, no access token -> QuickBooks() refreshes itself
    stored = new_auth_client(qbo_sim)
    qb = QuickBooks(auth_client=stored, refresh_token=auth_client.refresh_token, company_id=qbo_company,
                    minorversion=75)
    qb.api_url_v3 = qb.sandbox_api_url_v3 = qbo_sim.api_base
    assert stored.access_token
    assert Customer.all(qb=qb)


def test_user_info_through_intuitlib(auth_client: AuthClient) -> None:
    info = auth_client.get_user_info().json()
    assert info["sub"]


# == XML: what a client that does not ask for JSON gets ====================================================

def test_xml_when_json_is_not_requested(qb: QuickBooks, customer: Customer, auth_client: AuthClient,
                                        qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    created = new_invoice(customer, doc_number()).save(qb=qb)
    base = f"{qbo_sim.api_base}/company/{qbo_company}"
    bearer = {"Authorization": f"Bearer {auth_client.access_token}"}

    answer = requests.get(f"{base}/invoice/{created.Id}", headers=bearer, params={"minorversion": 75},
                          timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/xml")
    assert answer.headers["intuit_tid"]
    root = ET.fromstring(answer.content)
    assert root.tag == f"{QBO_NS}IntuitResponse" and root.get("time")
    invoice = root.find(f"{QBO_NS}Invoice")
    assert invoice is not None
    assert invoice.findtext(f"{QBO_NS}Id") == created.Id
    assert invoice.findtext(f"{QBO_NS}DocNumber") == created.DocNumber
    assert Decimal(invoice.findtext(f"{QBO_NS}TotalAmt")) == Decimal("110")

    missing = requests.get(f"{base}/invoice/999999", headers=bearer, timeout=10)
    assert missing.status_code == 400
    fault = ET.fromstring(missing.content).find(f"{QBO_NS}Fault")
    assert fault is not None and fault.get("type") == "ValidationFault"
    error = fault.find(f"{QBO_NS}Error")
    assert error is not None and error.get("code") == "610"
    assert error.findtext(f"{QBO_NS}Message") == "Object Not Found"
