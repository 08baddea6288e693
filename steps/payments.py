"""Payments: applied in Caspen (synced to QuickBooks) and imported from QuickBooks."""

from __future__ import annotations

from decimal import Decimal

from pytest_bdd import parsers, then, when

from steps.types import EXTRA_TYPES
from steps.world import World


@when(parsers.parse("I apply a payment of {amount:Money} to the invoice", extra_types=EXTRA_TYPES))
def _(world: World, amount: Decimal) -> None:
    """A payment applied in Caspen syncs the invoice (and the payment) to QuickBooks.

    Example: When I apply a payment of $100.00 to the invoice
    """
    world.caspen.apply_payment(world.act_on(world.subject), amount)


@when("Caspen imports payments from QuickBooks")
def _(world: World) -> None:
    """Example: And Caspen imports payments from QuickBooks"""
    world.caspen.import_quickbooks_payments()


@then(parsers.parse("the invoice balance in Caspen is {amount:Money}", extra_types=EXTRA_TYPES))
def _(world: World, amount: Decimal) -> None:
    """Example: Then the invoice balance in Caspen is $0.00"""
    balance = world.caspen.balance(world.subject)
    assert balance == amount, f"expected {world.subject}'s balance in Caspen to be {amount:.2f}; it is {balance:.2f}"


@then(parsers.parse("in QuickBooks the invoice balance is {amount:Money}", extra_types=EXTRA_TYPES))
def _(world: World, amount: Decimal) -> None:
    """Example: And in QuickBooks the invoice balance is $100.00"""
    record = world.quickbooks_invoice()
    assert record is not None, f"QuickBooks has no invoice {world.subject}"
    assert Decimal(str(record["Balance"])) == amount, \
        f"expected {world.subject}'s balance in QuickBooks to be {amount:.2f}; it is {record['Balance']:.2f}"
