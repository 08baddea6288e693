"""End to end in a real headless Chromium: the duplicate-document-number fix, done from the inspector.

Load the scenario from the page, let Caspen sync an invoice numbered INV0042 (QuickBooks answers 6140),
see the fault arrive in the live journal, renumber QuickBooks' INV0042 to INV0042-A on the invoice
page, press Caspen's Retry, and see the 200 in the journal and both invoices listed.

Needs the ``playwright`` package and a Chromium binary (Debian's ``chromium``; never the one
``playwright install`` downloads). Either missing, or a Chromium that does not start: skipped, saying
which; under ``CI=true`` a failure (tests/prerequisites.py). One Chromium per test process, shared with the
gate's report tests (``chromium`` in tests/conftest.py). Set ``QBO_CHROMIUM`` (or ``INSPECTOR_CHROMIUM``) to use
another binary, and ``INSPECTOR_SCREENSHOTS=docs/screenshots`` to refresh
the screenshots the docs show (otherwise they go to a temporary directory).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator import LiveServer, create_app
from simulator.backends import DEFAULT_CLIENT
from tests.conftest import BROWSER_GROUP, CHROMIUM
from tests.prerequisites import missing, require_module

sync_api = require_module("playwright.sync_api", "pip install -e '.[test]' (playwright; the browser is Debian's "
                          "chromium, never 'playwright install')")
if not CHROMIUM or not Path(CHROMIUM).exists():
    missing("no Chromium binary: apt-get install chromium (or set QBO_CHROMIUM)", allow_module_level=True)
expect = sync_api.expect
#: a little over the live journal's polling period (simulator/static/inspector.js: PERIOD)
LIVE_POLL_MS = 2000
#: a served simulator and the run's one Chromium (tests/conftest.py: chromium, BROWSER_GROUP)
pytestmark = [pytest.mark.heavy, pytest.mark.xdist_group(BROWSER_GROUP)]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    app = create_app({"TESTING": True, "OAUTH_AUTO_APPROVE": True})
    with LiveServer(app) as live:
        yield live


@pytest.fixture
def browser(chromium: Any) -> Any:
    """The process's shared Chromium (tests/conftest.py: one launch per test process)."""
    return chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    directory = Path(os.environ.get("INSPECTOR_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def caspen(server: LiveServer) -> Any:
    """Caspen's sync client as its users run it, numbering its next invoice INV0042."""
    from sync_client import CaspenAccount, RetryPolicy, SyncConfig
    from sync_client.domain import NumberingScheme

    config = SyncConfig(api_base_url=f"{server.url}/v3",
                        discovery_url=f"{server.url}/.well-known/openid_sandbox_configuration",
                        client_id=DEFAULT_CLIENT["client_id"], client_secret=DEFAULT_CLIENT["client_secret"],
                        redirect_uri=DEFAULT_CLIENT["redirect_uris"][0], read_timeout=10.0,
                        retry=RetryPolicy(max_attempts=2, backoff_base=0.001, backoff_cap=0.005))
    # a fixed template: this account's invoice number is INV0042, the number QuickBooks already holds
    return CaspenAccount.open(":memory:", config=config, numbering=NumberingScheme(invoice="INV0042"),
                              sleep=lambda seconds: None)


def test_duplicate_document_number_fixed_from_the_inspector(server: LiveServer, page: Any, shots: Path) -> None:
    ui = f"{server.url}/_sim/ui"

    # 1. load the scenario from the companies page (keyboard-labelled controls)
    page.goto(ui + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Scenario", exact=True).select_option("duplicate-document-number")
    page.get_by_role("button", name="Load scenario").click()
    expect(page.locator(".notice.ok")).to_contain_text("Loaded scenario duplicate-document-number")
    realm = re.search(r"/companies/(\d+)", page.url).group(1)  # type: ignore[union-attr]
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harbour Plumbing Pty Ltd")

    # 2. Caspen connects and finalizes INV0042 while the journal page is open (live: no reload)
    account = caspen(server)
    account.connect_for_tests(realm)
    account.add_tax_rate("GST", 10)
    account.link_tax_rate("GST", next(c for c in account.quickbooks_tax_codes() if c.name == "GST"))
    invoice = account.create_invoice(account.add_client("Jo Citizen"), lines=[
        {"description": "Blocked drain", "quantity": 1, "unit_price": "180.00", "tax_rate": "GST"}])
    assert invoice.number == "INV0042"
    page.clock.install()  # the live journal polls on a timer: the test moves the page's clock, never waits it out
    page.goto(f"{ui}/journal?realm_id={realm}")
    expect(page.locator("#live-toggle")).to_be_checked()
    card = account.finalize(invoice)
    assert card is not None and card.code == "6140" and card.retry_available
    page.clock.run_for(LIVE_POLL_MS)
    fault_row = page.locator("#journal-table tbody tr.st-4xx", has_text="6140")
    expect(fault_row).to_be_visible()
    expect(fault_row).to_contain_text(f"/v3/company/{realm}/invoice")
    expect(fault_row).to_contain_text("Duplicate Document Number Error")
    page.screenshot(path=str(shots / "journal-fault.png"))

    # the bodies are one click away, tokens are not in them
    fault_row.get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text("POST /v3/company/")
    expect(page.locator(".notice.error")).to_contain_text("DocNumber=INV0042 is assigned to TxnType=Invoice")
    expect(page.get_by_label("Request body")).to_contain_text('"DocNumber": "INV0042"')
    assert "Bearer ey" not in page.content()

    # 3. renumber QuickBooks' INV0042 from its invoice page
    page.goto(f"{ui}/companies/{realm}/invoices")
    page.get_by_role("link", name="INV0042", exact=True).click()
    expect(page.locator(".doc-title")).to_contain_text("INV0042")
    page.get_by_label("Document number (or Id)").fill("INV0042")
    page.get_by_label("New number").fill("INV0042-A")
    page.get_by_role("button", name="Renumber").click()
    expect(page.locator(".notice.ok")).to_contain_text("Renumbered INV0042 to INV0042-A")
    expect(page.locator(".doc-title")).to_contain_text("INV0042-A")
    expect(page.locator("ol.history > li")).to_have_count(2)
    page.screenshot(path=str(shots / "invoice-detail.png"), full_page=True)

    # 4. Caspen's Retry succeeds; the journal shows the 200 and the invoice list shows both
    page.goto(f"{ui}/journal?realm_id={realm}&entity=Invoice")
    retried = account.retry(invoice)
    assert retried is not None and retried.state == "synced"
    page.clock.run_for(LIVE_POLL_MS)
    created = page.locator("#journal-table tbody tr.st-2xx", has_text=f"/v3/company/{realm}/invoice")
    expect(created.first).to_be_visible()
    expect(created.first.locator(".status")).to_have_text("200")
    expect(page.locator("#journal-table tbody tr").first).to_have_class(re.compile(r"\bst-2xx\b"))
    page.goto(f"{ui}/journal?realm_id={realm}")
    page.screenshot(path=str(shots / "journal.png"))

    page.goto(f"{ui}/companies/{realm}/invoices")
    table = page.locator("#sales-table")
    expect(table).to_contain_text("INV0042-A")
    expect(table.get_by_role("link", name="INV0042", exact=True)).to_be_visible()
    expect(table).to_contain_text("Jo Citizen")
    page.screenshot(path=str(shots / "company-invoices.png"))
    account.close()

    # the other main pages, for the docs: companies and the fault plan (a rule added from the page)
    page.goto(f"{ui}/faults")
    page.get_by_label(re.compile(r"^Fault \(for")).select_option("Throttled")
    page.get_by_label("Company realm id").fill(realm)
    page.get_by_label("Entity").select_option("Invoice")
    page.get_by_label("Operation").select_option("create")
    page.get_by_label("Times").fill("2")
    page.get_by_role("button", name="Add rule").click()
    expect(page.locator(".notice.ok")).to_contain_text("Throttled ×2")
    expect(page.locator("#rules")).to_contain_text("3001")
    page.screenshot(path=str(shots / "fault-plan.png"))
    page.get_by_role("button", name=re.compile(r"^Remove rule-")).first.click()
    expect(page.locator(".notice.ok")).to_contain_text("Removed rule-")

    page.goto(ui + "/")
    expect(page.locator("table.grid")).to_contain_text("Harbour Plumbing Pty Ltd")
    page.screenshot(path=str(shots / "companies.png"))


def test_tax_code_deactivated_and_reactivated_by_keyboard(server: LiveServer, page: Any) -> None:
    page.goto(f"{server.url}/_sim/ui/companies/9341452700000001/tax")
    button = page.get_by_role("button", name="Deactivate GST", exact=True)
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".notice.ok")).to_contain_text("Tax code GST is now inactive")
    reactivate = page.get_by_role("button", name="Reactivate GST", exact=True)
    reactivate.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".notice.ok")).to_contain_text("Tax code GST is now active")


def test_consent_page_in_the_browser(server: LiveServer, page: Any) -> None:
    client = DEFAULT_CLIENT
    page.goto(f"{server.url}/connect/oauth2?client_id={client['client_id']}&redirect_uri={client['redirect_uris'][0]}"
              "&response_type=code&scope=com.intuit.quickbooks.accounting&state=xyz")
    expect(page.get_by_role("group", name="Choose a company")).to_be_visible()
    expect(page.get_by_role("button", name="Connect")).to_be_enabled()
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).display") == "flex"
