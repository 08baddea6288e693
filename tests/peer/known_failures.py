"""Peer-suite tests that fail against the simulator, each with why (docs/real-clients.md lists them too).

A failure not listed here fails ``test_peer_suite``.
Keys are ``<module file>::<class>::<test>`` of python-quickbooks' ``tests/integration``.
"""

KNOWN_FAILURES: dict[str, str] = {
    # --- data only Intuit's sample company has ---
    "test_payment.py::PaymentTest::test_getall":
        "expects at least 5 payments already in the company (Intuit's sample data); a fresh simulator company "
        "has no transactions",
    "test_purchase.py::PurchaseOrderTest::test_create":
        "hard-codes AccountRef Id 42 'Visa' of Intuit's sample company; the demo company's Visa account has "
        "another Id, and QBO answers 2500 for an Id that does not exist, as the simulator does",
    # --- a race in the test itself ---
    "test_invoice.py::InvoiceTest::test_invoice_link":
        "names its customer by the second (datetime.now().strftime('%d%H%M%S')) like the suite's other customer "
        "tests: when one of them ran within the same second the name is taken and QBO answers 6240, as the "
        "simulator does; it passes otherwise (the invoice link itself is checked by "
        "tests/simulator/test_field_validation.py)",
    "test_account.py::AccountTest::test_update":
        "names its account 'Test Account <MMDDHHMMSS>' like test_create just before it: within the same second "
        "the names clash and QBO answers 6240, as the simulator does (fast enough to hit it)",
}
