"""Bad input gets a clear error, saves nothing, and sends nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from sync_helpers import api_calls, service_line

from sync_client import InvalidInvoiceError


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"lines": [service_line(quantity=-1)]}, "quantity must not be negative"),
    ({"lines": [service_line(unit_price="-5")]}, "unit price must not be negative"),
    ({"lines": [service_line(tax_rate="VAT")]}, "unknown tax rate 'VAT'"),
    ({"lines": [{**service_line(), "quantity": "lots"}]}, "quantity must be a number"),
    ({"lines": [service_line(kind="subscription")]}, "line kind must be one of service, product"),
    ({"lines": [{"description": "x", "quantity": 1}]}, "a line needs unit_price"),
    ({"due_date": "2024-02-30"}, "due date must be a date"),
    ({"due_date": "2000-01-01"}, "is before the issue date"),
    ({"tax_mode": "sometimes"}, "tax mode must be one of"),
    ({"discount": "ten percent"}, "discount must be like"),
    ({"discount": "150%"}, "percent discount must be between 0 and 100"),
    ({"created_at": datetime(2024, 1, 1)}, "timezone-aware"),
])
def test_invalid_invoices_are_refused_before_anything_is_saved(taxed, qbo_sim, qbo_company, kwargs, message):
    client = taxed.add_client("Ada")
    with pytest.raises(InvalidInvoiceError, match=message):
        taxed.create_invoice(client, **kwargs)
    assert taxed.store.invoice_numbers() == []
    assert taxed.create_invoice(client).number == "INV0001"  # no number was burnt either... (sequence aside)
    assert api_calls(qbo_sim, qbo_company) == []


def test_state_rules(taxed):
    client = taxed.add_client("Ada")
    invoice = taxed.create_invoice(client, lines=[service_line()])
    with pytest.raises(InvalidInvoiceError, match="payments apply to finalized invoices"):
        taxed.apply_payment(invoice, 10)
    with pytest.raises(InvalidInvoiceError, match="only a finalized invoice can be voided"):
        taxed.void(invoice)
    with pytest.raises(InvalidInvoiceError, match="only a finalized invoice can be reverted"):
        taxed.revert_to_draft(invoice)
    taxed.finalize(invoice)
    with pytest.raises(InvalidInvoiceError, match="revert it to Draft before editing"):
        taxed.add_line(invoice, description="x", quantity=1, unit_price=1)
    with pytest.raises(InvalidInvoiceError, match="more than the balance"):
        taxed.apply_payment(invoice, "110.01")
    with pytest.raises(InvalidInvoiceError, match="must be positive"):
        taxed.apply_payment(invoice, 0)
    with pytest.raises(InvalidInvoiceError, match="unknown client"):
        taxed.create_invoice("nobody")
    with pytest.raises(InvalidInvoiceError, match="between 0 and 100"):
        taxed.add_tax_rate("Odd", 120)
    with pytest.raises(InvalidInvoiceError, match="unknown tax rate"):
        taxed.link_tax_rate("Nope", "5")
