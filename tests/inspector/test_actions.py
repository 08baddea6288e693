"""Every inspector action: a server-side POST answered with a 303 and a notice (works without JavaScript)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient
from inspector_helpers import AU, US, page, post

from simulator import user_actions
from simulator.backends import Backends


def notice(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_load_scenario_goes_to_the_new_company(ui: FlaskClient, sim: Backends) -> None:
    location = post(ui, "/_sim/ui/scenarios", {"name": "duplicate-document-number", "next": "/_sim/ui/"})
    realm = urlsplit(location).path.rsplit("/", 1)[1]
    assert sim.companies[realm].find_doc_number("INV0042") is not None
    assert "Loaded scenario duplicate-document-number" in notice(location)["ok"]
    assert "Loaded scenario" in page(ui, location)  # the notice is shown on the page


def test_load_scenario_refusals_are_notices(ui: FlaskClient) -> None:
    assert "choose a scenario" in notice(post(ui, "/_sim/ui/scenarios", {}))["error"]
    assert "no bundled scenario" in notice(post(ui, "/_sim/ui/scenarios", {"name": "nope"}))["error"]


def test_reset_company_restores_records_and_clears_its_rules(ui: FlaskClient, sim: Backends) -> None:
    user_actions.set_tax_code_active(sim.companies[AU], "GST", False)
    sim.faultplan.add(fault="Throttled", realm_id=AU)
    location = post(ui, f"/_sim/ui/companies/{AU}/reset")
    assert location.startswith(f"/_sim/ui/companies/{AU}?ok=")
    assert user_actions.find_tax_code(sim.companies[AU], "GST")["Active"] is True
    assert sim.faultplan.rules() == []


def test_reset_all_rebuilds_the_simulator(ui: FlaskClient, sim: Backends) -> None:
    sim.create_company(region="US")
    sim.clock.advance(3600)
    post(ui, "/_sim/ui/reset")
    assert sorted(sim.companies) == [AU, US] and sim.clock.offset == 0


def test_advance_clock_expires_access_tokens(ui: FlaskClient, sim: Backends) -> None:
    sim.oauth.connect(AU)
    location = post(ui, "/_sim/ui/clock/advance", {"amount": "61", "unit": "minutes"})
    assert "Advanced the clock by 61 minutes" in notice(location)["ok"] and sim.clock.offset == 3660
    assert sim.oauth.connections(AU)[0]["access_token"]["expired"] is True
    assert "access token expired" in page(ui, "/_sim/ui/")
    for bad in ({"amount": "-1", "unit": "hours"}, {"amount": "x", "unit": "hours"}, {"amount": "1", "unit": "years"},
                {"amount": "inf", "unit": "days"}):
        assert "error" in notice(post(ui, "/_sim/ui/clock/advance", bad)), bad
    assert sim.clock.offset == 3660


def test_renumber_a_document_as_the_quickbooks_user(ui: FlaskClient, sim: Backends) -> None:
    company = sim.companies[AU]
    customer = next(iter(company.store("Customer")))["DisplayName"]
    created = user_actions.create_invoice(company, customer=customer, doc_number="INV0042", lines=[
        {"DetailType": "SalesItemLineDetail", "Amount": 5,
         "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}])
    back = f"/_sim/ui/companies/{AU}/invoices/{created['Id']}"
    location = post(ui, f"/_sim/ui/companies/{AU}/renumber",
                    {"doc_number": "INV0042", "new_doc_number": "INV0042-A", "entity": "Invoice", "next": back})
    assert location.startswith(back + "?ok=Renumbered")
    record = company.store("Invoice").get(created["Id"])
    assert record["DocNumber"] == "INV0042-A" and record["SyncToken"] == "1"
    missing = notice(post(ui, f"/_sim/ui/companies/{AU}/renumber", {"doc_number": "NOPE", "new_doc_number": "X"}))
    assert "no sales form numbered" in missing["error"]
    empty = notice(post(ui, f"/_sim/ui/companies/{AU}/renumber", {"doc_number": "INV0042-A"}))
    assert "fill in new doc number" in empty["error"]


def test_renumber_to_a_number_in_use_shows_quickbooks_answer(ui: FlaskClient, sim: Backends) -> None:
    company = sim.companies[AU]
    customer = next(iter(company.store("Customer")))["DisplayName"]
    line = [{"DetailType": "SalesItemLineDetail", "Amount": 5,
             "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}]
    for number in ("A1", "A2"):
        user_actions.create_invoice(company, customer=customer, doc_number=number, lines=line)
    error = notice(post(ui, f"/_sim/ui/companies/{AU}/renumber", {"doc_number": "A1", "new_doc_number": "A2"}))["error"]
    assert error.startswith("6140 Duplicate Document Number Error")


def test_deactivate_and_reactivate_a_tax_code(ui: FlaskClient, sim: Backends) -> None:
    gst = user_actions.find_tax_code(sim.companies[AU], "GST")
    location = post(ui, f"/_sim/ui/companies/{AU}/tax-codes/{gst['Id']}/deactivate")
    assert "Tax code GST is now inactive" in notice(location)["ok"]
    assert user_actions.find_tax_code(sim.companies[AU], "GST")["Active"] is False
    assert "Reactivate GST" in page(ui, f"/_sim/ui/companies/{AU}/tax")
    post(ui, f"/_sim/ui/companies/{AU}/tax-codes/{gst['Id']}/activate")
    assert user_actions.find_tax_code(sim.companies[AU], "GST")["Active"] is True
    assert "error" in notice(post(ui, f"/_sim/ui/companies/{AU}/tax-codes/999/activate"))
    assert "error" in notice(post(ui, f"/_sim/ui/companies/{AU}/tax-codes/{gst['Id']}/explode"))


def test_switch_a_company_setting(ui: FlaskClient, sim: Backends) -> None:
    post(ui, f"/_sim/ui/companies/{AU}/settings", {"name": "warn_duplicate_doc_number", "value": "off"})
    assert sim.companies[AU].settings["warn_duplicate_doc_number"] is False
    refused = notice(post(ui, f"/_sim/ui/companies/{AU}/settings", {"name": "books_closed_through", "value": "on"}))
    assert "only on/off settings" in refused["error"]


def test_token_actions(ui: FlaskClient, sim: Backends) -> None:
    sim.oauth.connect(AU)
    post(ui, f"/_sim/ui/companies/{AU}/tokens/expire-access")
    assert sim.oauth.connections(AU)[0]["access_token"]["expired"]
    post(ui, f"/_sim/ui/companies/{AU}/tokens/expire-refresh")
    assert sim.oauth.connections(AU)[0]["state"] == "expired"
    post(ui, f"/_sim/ui/companies/{AU}/tokens/revoke")
    assert sim.oauth.connections(AU)[0]["state"] == "revoked"
    assert "error" in notice(post(ui, f"/_sim/ui/companies/{AU}/tokens/steal"))


def test_add_and_remove_fault_rules(ui: FlaskClient, sim: Backends) -> None:
    location = post(ui, "/_sim/ui/faults", {
        "action": "fault", "fault": "DuplicateDocNumber", "realm_id": AU, "method": "POST", "entity": "Invoice",
        "operation": "create", "when": "before", "times": "2", "skip": "0", "path": "", "latency_ms": "",
        "body": "DocNumber=INV0042", "params": "doc_number=INV0042\ntxn_type=Invoice\ntxn_id=1"})
    assert "Added rule-1: DuplicateDocNumber ×2" in notice(location)["ok"]
    rule = sim.faultplan.rules()[0]
    assert (rule.realm_id, rule.entity, rule.operation, rule.times, rule.body) == (
        AU, "Invoice", "create", 2, {"DocNumber": "INV0042"})
    assert rule.params == {"doc_number": "INV0042", "txn_type": "Invoice", "txn_id": "1"}
    post(ui, "/_sim/ui/faults", {"action": "latency", "latency_ms": "100", "times": ""})
    assert sim.faultplan.rules()[1].times is None
    assert "Removed rule-1" in notice(post(ui, "/_sim/ui/faults/rule-1/remove"))["ok"]
    assert [r.id for r in sim.faultplan.rules()] == ["rule-2"]
    assert "no fault rule" in notice(post(ui, "/_sim/ui/faults/rule-1/remove"))["error"]
    post(ui, "/_sim/ui/faults/clear")
    assert sim.faultplan.rules() == []


def test_invalid_fault_rules_are_explained(ui: FlaskClient, sim: Backends) -> None:
    cases = {"unknown fault": {"action": "fault", "fault": "Nope"},
             "operation must be": {"action": "fault", "fault": "Throttled", "operation": "explode"},
             "times must be": {"action": "fault", "fault": "Throttled", "times": "-1"},
             "key=value": {"action": "fault", "fault": "Throttled", "body": "DocNumber"},
             "takes parameters": {"action": "fault", "fault": "Throttled", "params": "x=1"},
             "No such company": {"action": "fault", "fault": "Throttled", "realm_id": "42"}}
    for words, form in cases.items():
        response = ui.post("/_sim/ui/faults", data=form)
        if response.status_code == 404:
            assert words in response.get_data(as_text=True)
            continue
        assert words in notice(response.headers["Location"])["error"], (words, response.headers["Location"])
    assert sim.faultplan.rules() == []


def test_clear_journal(ui: FlaskClient, sim: Backends) -> None:
    ui.get(f"/v3/company/{AU}/companyinfo/1")
    ui.get(f"/v3/company/{US}/companyinfo/1")
    post(ui, "/_sim/ui/journal/clear", {"realm_id": AU})
    assert [e.realm_id for e in sim.journal.entries()] == [US]


def test_next_never_leaves_the_inspector(ui: FlaskClient) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/v3/company/1/invoice"):
        location = post(ui, "/_sim/ui/faults/clear", {"next": target})
        assert location.startswith("/_sim/ui/faults?ok="), target
