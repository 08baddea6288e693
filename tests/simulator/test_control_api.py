"""The control API: companies, reset and snapshots, user actions, fault rules, clock, errors, guard."""

from __future__ import annotations

import pytest
import requests

from simulator import create_app
from simulator.testing import ControlAPIError, SimulatorHandle
from tests.conftest import QBOApi


def test_reset_returns_a_company_to_how_it_was_created(api: QBOApi) -> None:
    api.post("invoice", api.invoice_body("INV0001"))
    api.sim.add_fault("Throttled", realm_id=api.realm_id)
    api.sim.reset(api.realm_id)
    assert api.query("select count(*) from Invoice")["totalCount"] == 0
    assert [r for r in api.sim.fault_rules() if r["realm_id"] == api.realm_id] == []


def test_snapshot_and_restore(api: QBOApi) -> None:
    api.post("invoice", api.invoice_body("INV0001"))
    snapshot = api.sim.snapshot(api.realm_id)
    api.post("invoice", api.invoice_body("INV0002"))
    api.sim.restore(snapshot)
    assert [i["DocNumber"] for i in api.query("select * from Invoice")["Invoice"]] == ["INV0001"]


def test_user_actions_show_up_through_the_api(api: QBOApi) -> None:
    api.sim.user_creates_invoice(api.realm_id, customer=api.sim.records(api.realm_id, "Customer")[0]["DisplayName"],
                                 doc_number="INV0042", lines=[{"DetailType": "SalesItemLineDetail", "Amount": 10,
                                                               "SalesItemLineDetail": {"ItemRef": {"value": "1"},
                                                                                       "TaxCodeRef": {"value": "5"}}}])
    api.sim.renumber(api.realm_id, "INV0042", "INV0042-A")
    invoice = api.query("select * from Invoice")["Invoice"][0]
    assert (invoice["DocNumber"], invoice["SyncToken"]) == ("INV0042-A", "1")
    code = api.sim.create_tax_code(api.realm_id, "GST 5", 5)
    assert api.query(f"select * from TaxCode where Id = '{code['Id']}'")["TaxCode"][0]["Name"] == "GST 5"
    api.sim.set_tax_code_active(api.realm_id, "GST 5", False)
    assert api.query("select * from TaxCode where Name = 'GST 5'") == {}
    assert api.query("select * from TaxCode where Active = false and Name = 'GST 5'")["TaxCode"]
    payment = api.sim.record_payment(api.realm_id, [("INV0042-A", 4)])
    assert payment["TotalAmt"] == 4.0
    assert api.get(f"invoice/{invoice['Id']}").json()["Invoice"]["Balance"] == 7.0


def test_clock_expires_access_tokens(api: QBOApi) -> None:
    assert api.get("companyinfo/1").status_code == 200
    api.sim.advance_clock(seconds=3601)
    expired = api.get("companyinfo/1")
    assert expired.status_code == 401
    assert expired.json()["fault"]["error"][0]["detail"].startswith("Token expired: ")


def test_control_errors_name_what_is_wrong(qbo_sim: SimulatorHandle) -> None:
    with pytest.raises(ControlAPIError, match="no company with realm id '42'"):
        qbo_sim.renumber("42", "A", "B")
    with pytest.raises(ControlAPIError, match="unknown fault 'NoSuchFault'"):
        qbo_sim.add_fault("NoSuchFault")
    with pytest.raises(ControlAPIError, match="fault DuplicateDocNumber takes parameters"):
        qbo_sim.add_fault("DuplicateDocNumber", params={"colour": "red"})
    with pytest.raises(ControlAPIError, match="unknown region 'XX'"):
        qbo_sim.create_company("XX")
    with pytest.raises(ControlAPIError, match="the body must be a JSON object"):
        response = requests.post(f"{qbo_sim.base_url}/_sim/companies", data=b"[]",
                                 headers={"Content-Type": "application/json"}, timeout=10)
        raise ControlAPIError(response)
    response = requests.post(f"{qbo_sim.base_url}/_sim/clock/advance", json={"seconds": "soon"}, timeout=10)
    assert response.status_code == 400 and "'seconds' must be int or float" in response.json()["detail"]


def test_fault_rules_report_why_they_match(api: QBOApi) -> None:
    rule_id = api.sim.add_fault("Throttled", realm_id=api.realm_id, entity="Invoice", operation="create",
                                skip=1, times=1)
    assert api.post("invoice", api.invoice_body("S1")).status_code == 200  # skipped
    assert api.post("invoice", api.invoice_body("S2")).status_code == 429
    assert api.post("invoice", api.invoice_body("S3")).status_code == 200  # used up
    entry = [e for e in api.sim.journal(api.realm_id) if e["status"] == 429][0]
    assert "operation=create" in entry["fault_rule"] and entry["fault_code"] == "3001"
    explained = api.sim.call("POST", "/fault-rules/explain", {"realm_id": api.realm_id, "entity": "Invoice",
                                                              "operation": "create"})["rules"]
    # The plan is the server's, shared with other tests' companies: judge this test's own rule.
    [ours] = [rule for rule in explained if rule["rule"] == rule_id]
    assert ours["matched"] is False and "used up" in ours["reason"]


def test_body_field_matchers(api: QBOApi) -> None:
    api.sim.add_fault("BusinessValidation", realm_id=api.realm_id, body={"DocNumber": "BAD1"},
                      params={"reason": "Nope"})
    assert api.post("invoice", api.invoice_body("GOOD1")).status_code == 200
    assert api.post("invoice", api.invoice_body("BAD1")).json()["Fault"]["Error"][0]["Detail"] == \
        "Business Validation Error: Nope"


def test_control_api_refuses_non_loopback_without_a_token() -> None:
    app = create_app({"COMPANIES": ()})
    client = app.test_client()
    assert client.get("/_sim/", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403
    assert client.get("/_sim/", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    guarded = create_app({"COMPANIES": (), "CONTROL_TOKEN": "s3cret"}).test_client()
    assert guarded.get("/_sim/", environ_base={"REMOTE_ADDR": "10.1.2.3"},
                       headers={"X-Control-Token": "s3cret"}).status_code == 200
    assert guarded.get("/_sim/", environ_base={"REMOTE_ADDR": "10.1.2.3"},
                       headers={"X-Control-Token": "wrong"}).status_code == 403


def test_two_apps_never_share_state() -> None:
    first, second = create_app(), create_app()
    sim_a, sim_b = first.extensions["qbo_simulator"], second.extensions["qbo_simulator"]
    sim_a.create_company(region="US", realm_id="555")
    assert "555" not in sim_b.companies
    sim_a.clock.advance(100)
    assert sim_b.clock.offset == 0


def test_user_actions_refused_by_quickbooks_rules_are_clear_control_errors(api: QBOApi) -> None:
    with pytest.raises(ControlAPIError, match=r"Rejected by QuickBooks rules: 2500 Invalid Reference Id"):
        api.sim.user_creates_invoice(api.realm_id, customer="1", lines=[
            {"DetailType": "SalesItemLineDetail", "Amount": 5, "SalesItemLineDetail": {"ItemRef": {"value": "999"}}}])


def test_scenario_errors_name_file_key_and_expectation(qbo_sim: SimulatorHandle) -> None:
    with pytest.raises(ControlAPIError, match=r"company\[0\]\.region: expected one of .*got 'Mars'"):
        qbo_sim.load_scenario(data={"company": [{"region": "Mars"}]})
    with pytest.raises(ControlAPIError, match=r"company\[0\]\.invoice\[0\]\.lines\[0\]: give 'amount'"):
        qbo_sim.load_scenario(data={"company": [{"invoice": [{"customer": "x", "lines": [{"item": "Services"}]}]}]})
    with pytest.raises(ControlAPIError, match=r"fault\[0\]: action must be one of"):
        qbo_sim.load_scenario(data={"company": [{}], "fault": [{"action": "explode"}]})
    with pytest.raises(ControlAPIError, match="no bundled scenario of that name; known: .*duplicate-document-number"):
        qbo_sim.load_scenario("nope")


def test_bundled_scenario_seeds_the_clash(qbo_sim: SimulatorHandle) -> None:
    loaded = qbo_sim.load_scenario("duplicate-document-number")
    realm = loaded["companies"]["main"]
    try:
        api = QBOApi(qbo_sim, realm)
        response = api.post("invoice", {**api.invoice_body("INV0042", customer=qbo_sim.records(
            realm, "Customer")[0]["Id"])})
        assert response.json()["Fault"]["Error"][0]["code"] == "6140"
    finally:
        qbo_sim.delete_company(realm)


def test_the_clock_refuses_to_run_past_representable_dates(qbo_sim: SimulatorHandle) -> None:
    app = create_app({"COMPANIES": ()})
    client = app.test_client()
    for _ in range(2):
        client.post("/_sim/clock/advance", json={"days": 36_000})
    refused = client.post("/_sim/clock/advance", json={"days": 36_000})
    assert refused.status_code == 400 and "200 years" in refused.json["detail"]
    assert client.get("/_sim/clock").status_code == 200


def test_an_unusable_scenario_name_is_a_clear_error(qbo_sim: SimulatorHandle) -> None:
    with pytest.raises(ControlAPIError, match="not a usable scenario name"):
        qbo_sim.load_scenario("x" * 5000)
