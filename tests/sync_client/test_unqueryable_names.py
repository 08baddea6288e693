"""Caspen's customer lookup when QuickBooks cannot query the name (issue 14 item 3).

QuickBooks stores ``Dana O’Brien`` (typographic apostrophe) or ``Boot – Legend`` (en dash) but its query
lexer answers 400 4000 "Lexical error" for any non-ASCII character, quoted or not. Caspen finds such a
customer by ``LIKE`` on the ASCII part of its name and matches exactly on its side (docs/sync-client.md).
"""

from __future__ import annotations

from sync_helpers import FakeClock, Sleeps, api_calls, service_line

from simulator.testing import SimulatorHandle
from sync_client import CaspenAccount, SyncConfig
from sync_client.domain import customer_display_name


def test_a_second_caspen_store_adopts_the_customer_it_cannot_query_by_name(
        taxed: CaspenAccount, config: SyncConfig, qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    client = taxed.add_client("Dana O\u2019Brien \u2013 Plumbing", client_id="CL-77001")
    name = customer_display_name(client)
    assert taxed.finalize(taxed.create_invoice(client, lines=[service_line()])).state == "synced"

    # a fresh Caspen store (no mapping) connected to the same company: it must find, not re-create
    with CaspenAccount.open(":memory:", config=config, clock=FakeClock(), sleep=Sleeps()) as fresh:
        fresh.connect_for_tests(qbo_company)
        fresh.add_tax_rate("GST", 10)
        fresh.link_tax_rate("GST", "5")
        again = fresh.add_client("Dana O\u2019Brien \u2013 Plumbing", client_id="CL-77001")
        card = fresh.finalize(fresh.create_invoice(again, lines=[service_line()], kind="adjustment"))
        assert card.state == "synced", card

    customers = [c for c in qbo_sim.records(qbo_company, "Customer") if c["DisplayName"] == name]
    assert len(customers) == 1
    refs = {invoice["CustomerRef"]["value"] for invoice in qbo_sim.records(qbo_company, "Invoice")}
    assert refs == {customers[0]["Id"]}
    calls = api_calls(qbo_sim, qbo_company)
    assert not [c for c in calls if c.get("status") == 400], "a lookup hit QuickBooks' lexer"
    creates = [c for c in calls if c["entity"] == "Customer" and c["operation"] == "create"]
    assert len(creates) == 1


def test_the_plain_equality_query_is_what_quickbooks_refuses() -> None:
    """Why the LIKE is needed: the lexer refuses the quoted name (the previous lookup's query)."""
    from simulator.faults import QueryParseError
    from simulator.query import parse
    from sync_client.references import quote

    try:
        parse("select * from Customer where DisplayName = " + quote("Dana O\u2019Brien (Caspen 77001)"))
    except QueryParseError as fault:
        assert "Lexical error" in fault.detail and "(8217)" in fault.detail
    else:  # pragma: no cover - the point of the test
        raise AssertionError("the simulator's lexer accepted a typographic apostrophe")
