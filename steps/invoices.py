"""Caspen invoices: drafts, lines, finalizing (which syncs), voiding, and what QuickBooks then holds."""

from __future__ import annotations

from decimal import Decimal

from pytest_bdd import given, parsers, then, when

from drivers.model import Discount, LineSpec
from steps.types import EXTRA_TYPES, money, number, percent
from steps.world import World

TAX_MODES = {"tax exclusive": "exclusive", "tax inclusive": "inclusive", "no tax": "none"}


def _rate(text: str) -> str | None:
    """``GST`` or ``"GST 5%"`` → the Caspen tax rate name; ``no tax rate`` → None."""
    cleaned = text.strip().strip('"')
    return None if cleaned in ("no tax rate", "no tax") else cleaned


def _lines(datatable: list[list[str]]) -> list[LineSpec]:
    header, *rows = datatable
    columns = [h.strip().lower() for h in header]
    expected = {"description", "kind", "quantity", "unit price", "tax rate"}
    if set(columns) != expected:
        raise AssertionError(f"invoice line tables have the columns {sorted(expected)}, not {columns}")
    lines = []
    for row in rows:
        cell = dict(zip(columns, (c.strip() for c in row), strict=True))
        lines.append(LineSpec(description=cell["description"], kind=cell["kind"], quantity=number(cell["quantity"]),
                              unit_price=money(cell["unit price"]), tax_rate=_rate(cell["tax rate"])))
    return lines


def _position(world: World, position: int) -> int:
    """Line ``position`` as the invoice page counts (from 1) → the protocol's index (from 0)."""
    count = len(world.document().lines)
    if not 1 <= position <= count:
        raise AssertionError(f"{world.subject} has {count} line(s); say a line from 1 to {count}, not {position}")
    return position - 1


def _single(amount: Decimal, rate: str) -> list[LineSpec]:
    return [LineSpec(description="Services", kind="service", quantity=Decimal(1), unit_price=amount,
                     tax_rate=_rate(rate))]


# -- clients and drafts ---------------------------------------------------------------------------------
@given(parsers.parse('a client "{name}" with client id {client_id:d}'))
def _(world: World, name: str, client_id: int) -> None:
    """A Caspen client. QuickBooks will know them as "Full name (Caspen #####)" (last five digits of the id).

    Example: Given a client "Jo Citizen" with client id 4200042
    """
    world.clients[name] = world.caspen.add_client(name, client_id=str(client_id))


@given(parsers.parse('a draft invoice for "{client}" with lines:'))
def _(world: World, client: str, datatable: list[list[str]]) -> None:
    """A draft with a table of lines (columns: description, kind, quantity, unit price, tax rate).

    Example: Given a draft invoice for "Jo Citizen" with lines:
    """
    world.mark_journal()
    world.remember(world.caspen.create_draft(world.client(client).id, _lines(datatable)))


@given(parsers.parse('a draft invoice for "{client}" with amounts {mode} and lines:'))
def _(world: World, client: str, mode: str, datatable: list[list[str]]) -> None:
    """A draft whose amounts are tax exclusive, tax inclusive or no tax.

    Example: Given a draft invoice for "Sam Taylor" with amounts tax inclusive and lines:
    """
    if mode not in TAX_MODES:
        raise AssertionError(f"amounts are one of {', '.join(TAX_MODES)}, not {mode!r}")
    world.mark_journal()
    world.remember(world.caspen.create_draft(world.client(client).id, _lines(datatable), tax_mode=TAX_MODES[mode]))


@given(parsers.parse('a draft invoice for "{client}" with no lines'))
def _(world: World, client: str) -> None:
    """Example: Given a draft invoice for "Jo Citizen" with no lines"""
    world.mark_journal()
    world.remember(world.caspen.create_draft(world.client(client).id, []))


@given(parsers.parse("the invoice has a discount of {discount}"))
def _(world: World, discount: str) -> None:
    """A percentage (10%) or fixed ($50.00) discount on the draft.

    Example: And the invoice has a discount of 10%
    """
    text = discount.strip()
    world.caspen.set_discount(world.subject, Discount("percent", percent(text)) if text.endswith("%")
                              else Discount("fixed", money(text)))


@given(parsers.parse("Caspen's next invoice number is {doc_number}"))
def _(world: World, doc_number: str) -> None:
    """Settings → Invoices → next number.

    Example: And Caspen's next invoice number is INV0042
    """
    world.caspen.set_next_number("invoice", doc_number)


@given(parsers.parse("Caspen's next credit note number is {doc_number}"))
def _(world: World, doc_number: str) -> None:
    """Example: And Caspen's next credit note number is CN0007"""
    world.caspen.set_next_number("credit_note", doc_number)


# -- finalizing ---------------------------------------------------------------------------------------------
@given(parsers.parse('a finalized invoice for "{client}" of {amount:Money} with {rate}', extra_types=EXTRA_TYPES))
@given(parsers.parse('another finalized invoice for "{client}" of {amount:Money} with {rate}', extra_types=EXTRA_TYPES))
@when(parsers.parse('I finalize an invoice for "{client}" of {amount:Money} with {rate}', extra_types=EXTRA_TYPES))
@when(parsers.parse('I finalize another invoice for "{client}" of {amount:Money} with {rate}', extra_types=EXTRA_TYPES))
def _(world: World, client: str, amount: Decimal, rate: str) -> None:
    """One service line of that amount (before tax) with a tax rate (GST, or a quoted name), finalized:
    finalizing syncs it.

    Example: Given a finalized invoice for "Jo Citizen" of $220.00 with GST
    """
    world.mark_journal()
    world.caspen.finalize(world.remember(world.caspen.create_draft(world.client(client).id, _single(amount, rate))))


@given(parsers.parse('a finalized invoice for "{client}" with a line "{description}" of {qty:Number} × '
                     '{price:Money} with {rate}', extra_types=EXTRA_TYPES))
def _(world: World, client: str, description: str, qty: Decimal, price: Decimal, rate: str) -> None:
    """Example: Given a finalized invoice for "Jo Citizen" with a line "Imported filter" of 1 × $100.00 with no tax rate"""
    line = LineSpec(description=description, kind="service", quantity=qty, unit_price=price, tax_rate=_rate(rate))
    world.mark_journal()
    world.caspen.finalize(world.remember(world.caspen.create_draft(world.client(client).id, [line])))


@when("I finalize the invoice")
def _(world: World) -> None:
    """Finalize the scenario's invoice; finalizing syncs it to QuickBooks.

    Example: When I finalize the invoice
    """
    world.caspen.finalize(world.act_on(world.subject))


@when("I revert the invoice to draft")
def _(world: World) -> None:
    """Example: When I revert the invoice to draft"""
    world.caspen.revert_to_draft(world.act_on(world.subject))


@when(parsers.parse('I add a line "{description}" of {qty:Number} × {price:Money} with {rate}', extra_types=EXTRA_TYPES))
def _(world: World, description: str, qty: Decimal, price: Decimal, rate: str) -> None:
    """Add a service line to the draft.

    Example: And I add a line "Call-out fee" of 1 × $95.00 with GST
    """
    world.caspen.add_line(world.act_on(world.subject), LineSpec(description=description, quantity=qty, unit_price=price,
                                                   tax_rate=_rate(rate)))


@when(parsers.parse("I change the quantity of line {position:d} to {qty:Number}", extra_types=EXTRA_TYPES))
def _(world: World, position: int, qty: Decimal) -> None:
    """Edit a draft's line (lines count from 1, as on the invoice page).

    Example: And I change the quantity of line 1 to 3
    """
    world.caspen.edit_line(world.act_on(world.subject), _position(world, position), quantity=qty)


@when(parsers.parse("I change the unit price of line {position:d} to {price:Money}", extra_types=EXTRA_TYPES))
def _(world: World, position: int, price: Decimal) -> None:
    """Edit a draft's line (lines count from 1, as on the invoice page).

    Example: And I change the unit price of line 2 to $45.00
    """
    world.caspen.edit_line(world.act_on(world.subject), _position(world, position), unit_price=price)


@when(parsers.parse('I set the tax rate of every line to "{rate}"'))
def _(world: World, rate: str) -> None:
    """Example: And I set the tax rate of every line to "GST free\""""
    world.caspen.set_line_tax_rate(world.act_on(world.subject), rate)


@when("I delete the invoice")
def _(world: World) -> None:
    """Delete a draft (never synced) invoice.

    Example: And I delete the invoice
    """
    world.caspen.delete_draft(world.act_on(world.subject))


@when("I void the invoice")
def _(world: World) -> None:
    """Void a finalized invoice: the void is sent to QuickBooks.

    Example: When I void the invoice
    """
    world.caspen.void(world.act_on(world.subject))


@when("I recreate the invoice as a new invoice")
def _(world: World) -> None:
    """The historical-invoice fix: a new invoice with the same content, which syncs as a create.

    Example: When I recreate the invoice as a new invoice
    """
    world.new_invoice = world.caspen.recreate(world.act_on(world.subject)).number
    world.current = world.new_invoice


@when(parsers.parse('I issue a credit note for "{client}" of {amount:Money} with {rate}', extra_types=EXTRA_TYPES))
def _(world: World, client: str, amount: Decimal, rate: str) -> None:
    """A credit note (CN…) with one line; it syncs to QuickBooks as a credit memo.

    Example: When I issue a credit note for "Jo Citizen" of $20.00 with GST
    """
    world.mark_journal()
    world.credit_note = world.caspen.issue_credit_note(world.client(client).id, _single(amount, rate)).number
    world.current = world.credit_note


# -- what QuickBooks holds -------------------------------------------------------------------------------
@then(parsers.parse("QuickBooks has the invoice with a total of {amount:Money}", extra_types=EXTRA_TYPES))
@then(parsers.parse("the invoice total in QuickBooks is {amount:Money}", extra_types=EXTRA_TYPES))
def _(world: World, amount: Decimal) -> None:
    """Example: And QuickBooks has the invoice with a total of $198.00"""
    record = world.quickbooks_invoice()
    assert record is not None, f"QuickBooks has no invoice {world.subject}"
    assert Decimal(str(record["TotalAmt"])) == amount, f"QuickBooks total is {record['TotalAmt']}, expected {amount}"


@then(parsers.parse("QuickBooks has the new invoice with a total of {amount:Money}", extra_types=EXTRA_TYPES))
def _(world: World, amount: Decimal) -> None:
    """Example: And QuickBooks has the new invoice with a total of $330.00"""
    assert world.new_invoice is not None, "no invoice was recreated"
    record = world.quickbooks_invoice(world.new_invoice)
    assert record is not None, f"QuickBooks has no invoice {world.new_invoice}"
    assert Decimal(str(record["TotalAmt"])) == amount, \
        f"expected QuickBooks' invoice {world.new_invoice} to total {amount:.2f}; it totals {record['TotalAmt']:.2f}"


@then("QuickBooks' total matches Caspen's to the cent")
def _(world: World) -> None:
    """Example: And QuickBooks' total matches Caspen's to the cent"""
    record = world.quickbooks_invoice()
    caspen = world.caspen.totals(world.subject)
    assert record is not None, f"QuickBooks has no invoice {world.subject}"
    quickbooks = (Decimal(str(record["TotalAmt"])), Decimal(str(record["TxnTaxDetail"]["TotalTax"])))
    assert quickbooks == (caspen.total, caspen.tax), \
        f"{world.subject}: Caspen's total {caspen.total:.2f} (tax {caspen.tax:.2f}), QuickBooks' TotalAmt " \
        f"{quickbooks[0]:.2f} (TotalTax {quickbooks[1]:.2f})"


@then("QuickBooks has no invoice for it")
def _(world: World) -> None:
    """Example: And QuickBooks has no invoice for it"""
    record = world.quickbooks_invoice(world.subject)
    assert record is None, f"expected no invoice {world.subject} in QuickBooks; it has one (Id {record and record['Id']}, " \
                           f"total {record and record['TotalAmt']})"


@then(parsers.parse("QuickBooks has exactly {count:d} invoice for it"))
def _(world: World, count: int) -> None:
    """Example: And QuickBooks has exactly 1 invoice for it"""
    number = world.subject
    found = [r for r in world.sim.records(world.realm, "Invoice") if r.get("DocNumber") == number]
    assert len(found) == count, f"{len(found)} invoices numbered {number} in QuickBooks"


@then(parsers.parse("QuickBooks has invoices numbered {first} and {second}"))
def _(world: World, first: str, second: str) -> None:
    """Example: And QuickBooks has invoices numbered INV0042 and INV0042-A"""
    numbers = sorted(r.get("DocNumber") for r in world.sim.records(world.realm, "Invoice"))
    assert numbers == sorted([first, second]), numbers


@then("no request reached QuickBooks for the invoice")
def _(world: World) -> None:
    """Since the last thing done to the invoice (created as a draft, edited, paid, deleted...), QuickBooks
    received no request at all for the company: no API call (not even a customer query) and no token call.
    Historical invoices and drafts send nothing.

    Example: And no request reached QuickBooks for the invoice
    """
    calls = world.calls_since_mark()
    assert calls == [], (f"expected no request to QuickBooks since the last action on {world.acted_on}; QuickBooks "
                         "received: " + "; ".join(f"{c['method']} {c['path']} ({c['status']})" for c in calls))


@then(parsers.parse('the QuickBooks customer is "{name}"'))
def _(world: World, name: str) -> None:
    """Example: And the QuickBooks customer is "Jo Citizen (Caspen 00042)\""""
    record = world.quickbooks_invoice()
    assert record is not None, f"QuickBooks has no invoice {world.subject}"
    assert record["CustomerRef"].get("name") == name, \
        f'expected {world.subject} to belong to the QuickBooks customer "{name}"; it belongs to ' \
        f'"{record["CustomerRef"].get("name")}"'


@then(parsers.parse('QuickBooks has {count:d} customer named "{name}"'))
def _(world: World, count: int, name: str) -> None:
    """Example: Then QuickBooks has 1 customer named "Jo Citizen (Caspen 00042)\""""
    found = [c for c in world.sim.records(world.realm, "Customer") if c["DisplayName"] == name]
    assert len(found) == count, f'expected {count} QuickBooks customer(s) named "{name}"; QuickBooks has {len(found)}'


@then("both invoices belong to that QuickBooks customer")
def _(world: World) -> None:
    """Example: And both invoices belong to that QuickBooks customer"""
    customers = {world.quickbooks_invoice(n)["CustomerRef"]["value"] for n in world.invoices}  # type: ignore[index]
    assert len(world.invoices) == 2 and len(customers) == 1, customers


@then(parsers.parse("in QuickBooks the {kind} line posts to the default {item} item"))
def _(world: World, kind: str, item: str) -> None:
    """Service lines post to the default Service item, product lines to the default Product item.

    Example: And in QuickBooks the service line posts to the default Service item
    """
    record = world.quickbooks_invoice()
    assert record is not None
    caspen_lines = world.document().lines
    position = next(i for i, line in enumerate(caspen_lines) if line.kind == kind)
    item_ref = record["Line"][position]["SalesItemLineDetail"]["ItemRef"]
    items = {i["Id"]: i for i in world.sim.records(world.realm, "Item")}
    expected_type = "Service" if item == "Service" else "NonInventory"
    assert items[item_ref["value"]]["Type"] == expected_type, items[item_ref["value"]]
    defaults = world.caspen.default_items()
    expected_name = defaults.service if item == "Service" else defaults.product
    assert item_ref["name"] == expected_name


@then(parsers.parse("in QuickBooks the invoice is voided with a total of {amount:Money}", extra_types=EXTRA_TYPES))
def _(world: World, amount: Decimal) -> None:
    """Example: And in QuickBooks the invoice is voided with a total of $0.00"""
    record = world.quickbooks_invoice()
    assert record is not None
    assert str(record.get("PrivateNote") or "").startswith("Voided"), \
        f"expected {world.subject} to be voided in QuickBooks; it is not (total {record['TotalAmt']:.2f})"
    assert Decimal(str(record["TotalAmt"])) == amount, \
        f"expected the voided {world.subject} to total {amount:.2f} in QuickBooks; it totals {record['TotalAmt']:.2f}"


@then(parsers.parse("QuickBooks has a credit memo with a total of {amount:Money}", extra_types=EXTRA_TYPES))
@then(parsers.parse("QuickBooks has the credit memo with a total of {amount:Money}", extra_types=EXTRA_TYPES))
def _(world: World, amount: Decimal) -> None:
    """The credit memo of the scenario's credit note (its CN number), with that TotalAmt.

    Example: And QuickBooks has the credit memo with a total of $22.00
    """
    number = world.credit_note
    assert number is not None, "this scenario has issued no credit note"
    memo = world.quickbooks_invoice(number, entity="CreditMemo")
    assert memo is not None, f"QuickBooks has no credit memo numbered {number}"
    assert Decimal(str(memo["TotalAmt"])) == amount, \
        f"expected QuickBooks' credit memo {number} to total {amount:.2f}; it totals {memo['TotalAmt']:.2f}"


@then(parsers.parse("QuickBooks has credit memos numbered {first} and {second}"))
def _(world: World, first: str, second: str) -> None:
    """Example: And QuickBooks has credit memos numbered CN0007 and CN0007-A"""
    numbers = sorted(r.get("DocNumber") or "" for r in world.sim.records(world.realm, "CreditMemo"))
    assert numbers == sorted([first, second]), \
        f"expected QuickBooks' credit memos {first} and {second}; it has {', '.join(numbers) or 'none'}"


@then(parsers.re(r"the (?P<tax>GST|VAT|GST/HST|sales tax|tax) in QuickBooks is (?P<amount>\S+)"))
def _(world: World, tax: str, amount: str) -> None:
    """The invoice's total tax as QuickBooks computed it (``TxnTaxDetail.TotalTax``).

    Example: And the GST in QuickBooks is $19.80
    """
    expected = money(amount)
    record = world.quickbooks_invoice()
    assert record is not None, f"QuickBooks has no invoice {world.subject}"
    total_tax = Decimal(str((record.get("TxnTaxDetail") or {}).get("TotalTax", 0)))
    assert total_tax == expected, f"expected {tax} of {expected:.2f} on {world.subject} in QuickBooks; it has {total_tax:.2f}"


@then(parsers.parse('in QuickBooks line {position:d} has the tax code "{code}"'))
def _(world: World, position: int, code: str) -> None:
    """The QuickBooks tax code on a line of the invoice (lines count from 1; by the code's name, or TAX/NON
    in a US company).

    Example: And in QuickBooks line 2 has the tax code "FRE"
    """
    record = world.quickbooks_invoice()
    assert record is not None, f"QuickBooks has no invoice {world.subject}"
    sales = [line for line in record["Line"] if line.get("DetailType") == "SalesItemLineDetail"]
    assert 1 <= position <= len(sales), f"{world.subject} has {len(sales)} line(s) in QuickBooks, not {position}"
    value = (sales[position - 1]["SalesItemLineDetail"].get("TaxCodeRef") or {}).get("value")
    names = {c["Id"]: c["Name"] for c in world.sim.records(world.realm, "TaxCode")}
    shown = names.get(value, value)
    assert shown == code, f'expected line {position} of {world.subject} in QuickBooks to have the tax code "{code}"; ' \
                          f"it has {shown!r}"
