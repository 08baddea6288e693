"""What the accountant does in QuickBooks itself (through the simulator's control API)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pytest_bdd import given, parsers, then, when

from steps.types import EXTRA_TYPES
from steps.world import World

ENTITIES = {"invoice": "Invoice", "credit memo": "CreditMemo"}


def _keyed_line(amount: float) -> list[dict]:
    return [{"DetailType": "SalesItemLineDetail", "Amount": amount, "Description": "Keyed in by the accountant",
             "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}]


@given(parsers.re(r"QuickBooks already has an? (?P<kind>invoice|credit memo) numbered (?P<doc_number>\S+)"))
def _(world: World, kind: str, doc_number: str) -> None:
    """An invoice or credit memo keyed into QuickBooks by hand with that number.

    Example: Given QuickBooks already has an invoice numbered INV0042
    """
    world.sim.user_creates_invoice(world.realm, customer="1", doc_number=doc_number, lines=_keyed_line(80.0),
                                   entity=ENTITIES[kind])


@when(parsers.re(r"in QuickBooks the (?P<kind>invoice|credit memo) (?P<doc_number>\S+) is renumbered to "
                 r"(?P<new_number>\S+)"))
def _(world: World, kind: str, doc_number: str, new_number: str) -> None:
    """The accountant edits the document's number in QuickBooks and saves.

    Example: When in QuickBooks the invoice INV0042 is renumbered to INV0042-A
    """
    world.sim.renumber(world.realm, doc_number, new_number, entity=ENTITIES[kind])


@then(parsers.parse("the QuickBooks invoice {doc_number} is untouched"))
def _(world: World, doc_number: str) -> None:
    """Example: And the QuickBooks invoice INV0042 is untouched"""
    record = world.quickbooks_invoice(doc_number)
    assert record is not None and record["SyncToken"] == "0" and record["TotalAmt"] == 88.0, record


@given(parsers.parse("in QuickBooks the books are closed through {closing:Date}", extra_types=EXTRA_TYPES))
def _(world: World, closing: date) -> None:
    """Account and Settings → Advanced → Close the books.

    Example: Given in QuickBooks the books are closed through 2099-12-31
    """
    world.sim.set_settings(world.realm, books_closed_through=closing.isoformat())


@when("in QuickBooks the books are reopened")
def _(world: World) -> None:
    """Example: When in QuickBooks the books are reopened"""
    world.sim.set_settings(world.realm, books_closed_through=None)


@given(parsers.parse('in QuickBooks the tax code "{code}" is inactive'))
def _(world: World, code: str) -> None:
    """Example: Given in QuickBooks the tax code "GST" is inactive"""
    world.sim.set_tax_code_active(world.realm, code, False)


@when(parsers.parse('in QuickBooks the tax code "{code}" is reactivated'))
def _(world: World, code: str) -> None:
    """Example: When in QuickBooks the tax code "GST" is reactivated"""
    world.sim.set_tax_code_active(world.realm, code, True)


@when(parsers.parse('in QuickBooks the tax code "{code}" is created with a rate of {rate:Percent}',
                    extra_types=EXTRA_TYPES))
def _(world: World, code: str, rate: Decimal) -> None:
    """Example: When in QuickBooks the tax code "GST 5" is created with a rate of 5%"""
    world.sim.create_tax_code(world.realm, code, str(rate))


@when(parsers.parse("in QuickBooks a payment of {amount:Money} is recorded against the invoice", extra_types=EXTRA_TYPES))
def _(world: World, amount: Decimal) -> None:
    """Receive payment in QuickBooks: one payment, one invoice.

    Example: When in QuickBooks a payment of $220.00 is recorded against the invoice
    """
    world.sim.record_payment(world.realm, [(world.subject, float(amount))])


@when(parsers.parse("in QuickBooks one payment of {amount:Money} is recorded against both invoices",
                    extra_types=EXTRA_TYPES))
def _(world: World, amount: Decimal) -> None:
    """A split payment: one QuickBooks payment paying the scenario's two invoices in full.

    Example: When in QuickBooks one payment of $165.00 is recorded against both invoices
    """
    records = [world.quickbooks_invoice(number) for number in world.invoices]
    pairs = [(r["DocNumber"], r["Balance"]) for r in records if r]
    assert sum(Decimal(str(b)) for _, b in pairs) == amount, pairs
    world.sim.record_payment(world.realm, pairs)
