"""Every inspector page renders what the simulator holds (Flask test client: fast, no browser)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from inspector_helpers import AU, US, page

from simulator import user_actions
from simulator.backends import Backends
from simulator.scenario import load_scenario

COMPANY_ROW = re.compile(r'<td><a href="/_sim/ui/companies/\d+">')


def invoice(sim: Backends, realm: str = AU, number: str = "INV0042", amount: float = 250.0) -> dict:
    company = sim.companies[realm]
    customer = next(iter(company.store("Customer")))["DisplayName"]
    tax = {"value": "5"} if realm == AU else {"value": "NON"}
    return user_actions.create_invoice(company, customer=customer, doc_number=number, lines=[
        {"DetailType": "SalesItemLineDetail", "Amount": amount, "Description": "Call-out",
         "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": tax}}])


def test_companies_overview_shows_region_preferences_connection_and_clock(ui: FlaskClient, sim: Backends) -> None:
    sim.oauth.connect(AU)
    html = page(ui, "/_sim/ui/")
    assert "Harbour Plumbing Pty Ltd" in html and "Sunset Landscaping LLC" in html
    assert AU in html and US in html and ">AU<" in html and ">US<" in html
    assert "tag-active" in html and "not connected" in html  # AU connected, US not
    access = sim.oauth.connections(AU)[0]["access_token"]["expires_at"]
    assert access in html and "in 60 min" in html  # expiry, relative to the simulated clock
    assert sim.clock.now().isoformat(timespec="seconds")[:16] in html
    assert "duplicate-document-number" in html  # the scenario picker
    assert "sales tax" in html and "GST" in html


def test_companies_overview_pages_hundreds_of_companies(ui: FlaskClient, sim: Backends) -> None:
    for _ in range(120):
        sim.create_company(region="US", customers=0)
    first = page(ui, "/_sim/ui/")
    assert "1–50 of 122" in first and "Page 1 of 3" in first
    assert len(COMPANY_ROW.findall(first)) == 50
    last = page(ui, "/_sim/ui/?page=3")
    assert "101–122 of 122" in last and len(COMPANY_ROW.findall(last)) == 22
    assert "Page 3 of 3" in page(ui, "/_sim/ui/?page=99")  # clamped, not an error
    found = page(ui, "/_sim/ui/?q=Harbour")
    assert "Harbour Plumbing" in found and len(COMPANY_ROW.findall(found)) == 1


def test_company_page_shows_preferences_settings_connections_and_actions(ui: FlaskClient, sim: Backends) -> None:
    sim.oauth.connect(AU)
    html = page(ui, f"/_sim/ui/companies/{AU}")
    assert "CustomTxnNumbers" in html and "warn_duplicate_doc_number" in html
    assert "Australia/Sydney" in html
    assert "…" in html and sim.oauth.connections(AU)[0]["refresh_token"]["fingerprint"] in html
    assert 'name="new_doc_number"' in html and "Reset this company" in html
    for secret in ("access_token", "refresh_token"):
        assert secret + '"' not in html


def test_unknown_company_is_a_404_page(ui: FlaskClient) -> None:
    html = page(ui, "/_sim/ui/companies/123/invoices", status=404)
    assert "No such company" in html and "&#39;123&#39;" in html


def test_invoices_list_shows_numbers_customers_totals_tax_lines_and_state(ui: FlaskClient, sim: Backends) -> None:
    created = invoice(sim)
    company = sim.companies[AU]
    from simulator.entities import BY_NAME
    from simulator.entities.base import op_for

    second = invoice(sim, number="INV0043", amount=100)
    BY_NAME["Invoice"].void(company, {"Id": second["Id"], "SyncToken": second["SyncToken"]}, op_for(company))
    third = invoice(sim, number="INV0044", amount=10)
    BY_NAME["Invoice"].delete(company, {"Id": third["Id"], "SyncToken": third["SyncToken"]}, op_for(company))
    html = page(ui, f"/_sim/ui/companies/{AU}/invoices")
    assert "INV0042" in html and created["CustomerRef"]["name"] in html
    assert "250.00" in html and "275.00" in html and "GST (sales) 10% on 250.00 = 25.00" in html
    assert re.search(r"INV0043.*?tag-voided", html, re.S) and re.search(r"INV0044.*?tag-deleted", html, re.S)
    assert "tag-open" in html
    assert "3 shown" in html
    assert "INV0043" not in page(ui, f"/_sim/ui/companies/{AU}/invoices?q=0042")


def test_invoices_list_pages_and_other_sales_forms(ui: FlaskClient, sim: Backends) -> None:
    for n in range(60):
        invoice(sim, number=f"A{n:03d}", amount=1)
    html = page(ui, f"/_sim/ui/companies/{AU}/invoices?page=2")
    assert "51–60 of 60" in html and "A000" in html and "A059" not in html
    assert "No CreditMemo records" in page(ui, f"/_sim/ui/companies/{AU}/invoices?entity=CreditMemo")
    assert "Unknown sales form" in page(ui, f"/_sim/ui/companies/{AU}/invoices?entity=Bill", status=404)


def test_invoice_page_shows_json_and_version_history(ui: FlaskClient, sim: Backends) -> None:
    created = invoice(sim)
    user_actions.renumber(sim.companies[AU], "INV0042", "INV0042-A")
    html = page(ui, f"/_sim/ui/companies/{AU}/invoices/{created['Id']}")
    assert "INV0042-A" in html and "2 versions" in html and "changed: DocNumber" in html
    assert "SyncToken 1" in html and "SyncToken 0" in html and "created" in html
    assert "&#34;DocNumber&#34;: &#34;INV0042-A&#34;" in html  # the full record as JSON
    assert "Call-out" in html and "GST (sales)" in html
    assert 'value="INV0042-A"' in html  # the renumber form starts from this document
    assert "No such Invoice" in page(ui, f"/_sim/ui/companies/{AU}/invoices/999", status=404)


def test_deleted_invoice_page_shows_its_last_version(ui: FlaskClient, sim: Backends) -> None:
    from simulator.entities import BY_NAME
    from simulator.entities.base import op_for

    created = invoice(sim)
    company = sim.companies[AU]
    BY_NAME["Invoice"].delete(company, {"Id": created["Id"], "SyncToken": "0"}, op_for(company))
    html = page(ui, f"/_sim/ui/companies/{AU}/invoices/{created['Id']}")
    assert "Deleted at" in html and "tag-deleted" in html and 'name="new_doc_number"' not in html


def test_customers_items_payments_and_tax_pages(ui: FlaskClient, sim: Backends) -> None:
    company = sim.companies[AU]
    created = invoice(sim)
    user_actions.record_payment(company, [("INV0042", 100)], reference="CHQ-1")
    customers = page(ui, f"/_sim/ui/companies/{AU}/customers")
    assert all(c["DisplayName"] in customers for c in company.store("Customer"))
    items = page(ui, f"/_sim/ui/companies/{AU}/items")
    assert "Services" in items and "Income account" in items
    payments = page(ui, f"/_sim/ui/companies/{AU}/payments")
    assert "CHQ-1" in payments and "100.00" in payments
    assert f'/_sim/ui/companies/{AU}/invoices/{created["Id"]}">INV0042</a>' in payments
    tax = page(ui, f"/_sim/ui/companies/{AU}/tax")
    assert "GST (sales) 10%" in tax and "Deactivate GST" in tax
    assert "Reactivate EXP" in tax  # the demo company's inactive code
    assert "tag-inactive" in tax


def test_journal_lists_requests_with_fault_details_and_filters(ui: FlaskClient, sim: Backends) -> None:
    load = load_scenario(sim, "duplicate-document-number")
    realm = load["companies"]["main"]
    api = sim.oauth.connect(realm)["access_token"]
    body = {"CustomerRef": {"value": "1"}, "DocNumber": "INV0042", "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": 10,
         "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}]}
    headers = {"Authorization": f"Bearer {api}", "Accept": "application/json"}
    clash = ui.post(f"/v3/company/{realm}/invoice?requestid=rq-1&minorversion=75", json=body, headers=headers)
    assert clash.status_code == 400
    ui.get(f"/v3/company/{realm}/companyinfo/1", headers=headers)
    html = page(ui, "/_sim/ui/journal")
    assert "6140" in html and "Duplicate Document Number Error" in html and "st-4xx" in html
    assert "rq-1" in html and clash.headers["intuit_tid"] in html
    assert f"/v3/company/{realm}/invoice" in html and "st-2xx" in html
    assert api not in html
    faults = page(ui, "/_sim/ui/journal?status=fault")
    assert "6140" in faults and "companyinfo" not in faults
    assert "companyinfo" in page(ui, "/_sim/ui/journal?status=2xx")
    assert "6140" not in page(ui, "/_sim/ui/journal?entity=CompanyInfo")
    assert "No requests match" in page(ui, f"/_sim/ui/journal?realm_id={AU}")
    assert "rq-1" in page(ui, "/_sim/ui/journal?q=rq-1") and "companyinfo" not in page(ui, "/_sim/ui/journal?q=rq-1")
    assert "6140" in page(ui, "/_sim/ui/journal?status=400") and "6140" not in page(ui, "/_sim/ui/journal?status=200")
    assert "6140" in page(ui, "/_sim/ui/journal?status=x")  # an unknown filter is ignored, not an error


def test_journal_entry_page_shows_bodies_without_secrets(ui: FlaskClient, sim: Backends) -> None:
    tokens = sim.oauth.connect(AU)
    ui.post("/oauth2/v1/tokens/bearer", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            auth=(sim.client["client_id"], sim.client["client_secret"]))
    ui.post(f"/v3/company/{AU}/invoice", json={"Line": []},
            headers={"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"})
    entries = sim.journal.entries()
    token_call, fault = entries[0], entries[-1]
    html = page(ui, f"/_sim/ui/journal/{token_call.seq}")
    assert "[redacted]" in html and tokens["refresh_token"] not in html and sim.client["client_secret"] not in html
    detail = page(ui, f"/_sim/ui/journal/{fault.seq}")
    assert fault.fault_code in detail and "Request body" in detail and "&#34;Fault&#34;" in detail
    assert "No such journal entry" in page(ui, "/_sim/ui/journal/999999", status=404)


def test_journal_pages_through_tens_of_thousands_of_entries(ui: FlaskClient, sim: Backends) -> None:
    sim.journal = type(sim.journal)(30_000)
    for n in range(25_000):
        sim.journal.record(at="2026-01-01T00:00:00.000+00:00", method="GET", path=f"/v3/company/{AU}/item/{n}",
                           query="", status=500 if n % 1000 == 0 else 200, duration_ms=1.0, realm_id=AU)
    newest = page(ui, "/_sim/ui/journal")
    assert "25000 matching" in newest and "/item/24999<" in newest and "/item/24950<" in newest
    assert "/item/24949<" not in newest and "Older ›" in newest and "‹ Newer" not in newest
    older = page(ui, "/_sim/ui/journal?before=24951")
    assert "/item/24949<" in older and "/item/24900<" in older and "‹ Newer" in older
    newer = page(ui, "/_sim/ui/journal?after=24951")  # entry seq n + 1 is /item/n
    assert "/item/24999<" in newer and "/item/24951<" in newer and "/item/24950<" not in newer
    errors = page(ui, "/_sim/ui/journal?status=5xx")
    assert "25 matching" in errors and "/item/24000<" in errors and "/item/24001<" not in errors


def test_journal_rows_endpoint_feeds_the_live_view(ui: FlaskClient, sim: Backends) -> None:
    ui.get(f"/v3/company/{AU}/companyinfo/1")  # 401: no token
    first = sim.journal.entries()[-1].seq
    ui.get(f"/v3/company/{US}/companyinfo/1")
    rows = ui.get(f"/_sim/ui/journal/rows?after={first}")
    assert rows.status_code == 200 and int(rows.headers["X-Last-Seq"]) == first + 1
    assert US in rows.get_data(as_text=True) and AU not in rows.get_data(as_text=True)
    filtered = ui.get(f"/_sim/ui/journal/rows?after=0&realm_id={AU}").get_data(as_text=True)
    assert AU in filtered and US not in filtered
    assert ui.get(f"/_sim/ui/journal/rows?after={first + 1}").get_data(as_text=True).strip() == ""


def test_fault_plan_page_lists_rules_and_the_catalogue(ui: FlaskClient, sim: Backends) -> None:
    sim.faultplan.add(fault="Throttled", realm_id=AU, entity="Invoice", operation="create", times=2)
    sim.faultplan.add(action="latency", latency_ms=250)
    html = page(ui, "/_sim/ui/faults")
    assert "rule-1" in html and "3001" in html and "Throttled" in html and "Remove rule-1" in html
    assert "latency 250" in html and "every request" in html
    assert "DuplicateDocNumber" in html and "Duplicate Document Number Error" in html  # catalogue
    assert '<optgroup label="gateway">' in html


def test_pages_are_keyboard_and_screen_reader_friendly(ui: FlaskClient, sim: Backends) -> None:
    invoice(sim)
    for url in ("/_sim/ui/", f"/_sim/ui/companies/{AU}", f"/_sim/ui/companies/{AU}/invoices", "/_sim/ui/journal",
                "/_sim/ui/faults", f"/_sim/ui/companies/{AU}/invoices/1", f"/_sim/ui/companies/{AU}/tax"):
        html = page(ui, url)
        assert 'href="#main">Skip to content' in html and 'aria-current="page"' in html
        ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
        labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
        assert ids <= labelled, f"{url}: inputs without a label: {ids - labelled}"
        assert 'style="' not in html and "<script>" not in html  # the CSP allows no inline style or script


def test_pages_send_security_headers(ui: FlaskClient) -> None:
    response = ui.get("/_sim/ui/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"


def test_inspector_requests_are_not_journaled(ui: FlaskClient, sim: Backends) -> None:
    page(ui, "/_sim/ui/")
    ui.get("/static/inspector.css")
    assert sim.journal.entries() == []


def test_consent_page_shares_the_inspector_look(ui: FlaskClient, sim: Backends) -> None:
    ui.application.config["OAUTH_AUTO_APPROVE"] = False
    html = page(ui, "/connect/oauth2", query_string={
        "client_id": sim.client["client_id"], "redirect_uri": sim.client["redirect_uris"][0], "response_type": "code",
        "scope": "com.intuit.quickbooks.accounting", "state": "s1"})
    assert '/static/inspector.css' in html and 'class="top"' in html and "Choose a company" in html
    assert "Harbour Plumbing Pty Ltd" in html and "<script" not in html and "<style" not in html
    assert ui.get("/static/inspector.css").status_code == 200


def test_all_entities_tab_lists_every_served_entity_with_counts_and_records(ui: FlaskClient, sim: Backends) -> None:
    from simulator.entities import ENTITY_NAMES

    html = page(ui, f"/_sim/ui/companies/{US}/entities")
    for name in ENTITY_NAMES:
        assert f"entity={name}\">{name}</a>" in html, name
    assert re.search(r"entity=PaymentMethod\">PaymentMethod</a></th>\s*<td class=\"num\">7</td>", html)
    methods = page(ui, f"/_sim/ui/companies/{US}/entities?entity=PaymentMethod")
    assert "Diners Club" in methods and "&#34;Type&#34;: &#34;CREDIT_CARD&#34;" in methods
    rates = page(ui, f"/_sim/ui/companies/{US}/entities?entity=ExchangeRate")
    assert "EUR" in rates and "&#34;Id&#34;" not in rates  # as the API answers it: no Id
    assert ui.get(f"/_sim/ui/companies/{US}/entities?entity=Nope").status_code == 404


def test_reports_page_shows_the_books(ui: FlaskClient, sim: Backends) -> None:
    invoice(sim, amount=250.0)  # 250 + GST 25 into Sales, dated today
    html = page(ui, f"/_sim/ui/companies/{AU}/reports?name=BalanceSheet")
    assert "TOTAL ASSETS" in html and "275.00" in html and "Accounts Receivable (A/R)" in html
    html = page(ui, f"/_sim/ui/companies/{AU}/reports?name=ProfitAndLoss&accounting_method=Cash")
    assert "Net Income" in html and "250.00" not in html  # nothing paid yet
    html = page(ui, f"/_sim/ui/companies/{AU}/reports?name=TrialBalance&start_date=2026-13-01")
    assert "2010" in html
