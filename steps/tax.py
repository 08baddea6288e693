"""Settings → Taxes: Caspen tax rates and their links to QuickBooks tax codes."""

from __future__ import annotations

from decimal import Decimal

from pytest_bdd import given, parsers, then, when

from steps.types import EXTRA_TYPES
from steps.world import World


@given(parsers.parse('the Caspen tax rate "{rate}" is not linked to QuickBooks'))
def _(world: World, rate: str) -> None:
    """Example: Given the Caspen tax rate "GST" is not linked to QuickBooks"""
    world.caspen.link_tax_rate(rate, None)


@given(parsers.parse('a Caspen tax rate "{name}" of {rate:Percent} that is not linked to QuickBooks',
                     extra_types=EXTRA_TYPES))
@when(parsers.parse('I add the tax rate "{name}" of {rate:Percent} in Caspen', extra_types=EXTRA_TYPES))
def _(world: World, name: str, rate: Decimal) -> None:
    """A new Caspen tax rate (not linked to any QuickBooks tax code yet).

    Example: When I add the tax rate "GST free" of 0% in Caspen
    """
    if name in {existing.name for existing in world.caspen.tax_rates()}:
        world.caspen.link_tax_rate(name, None)
    else:
        world.caspen.add_tax_rate(name, rate)


@given(parsers.parse('in Settings → Taxes I sync "{rate}" with the QuickBooks tax code "{code}"'))
@when(parsers.parse('in Settings → Taxes I sync "{rate}" with the QuickBooks tax code "{code}"'))
def _(world: World, rate: str, code: str) -> None:
    """The rate → Actions → Sync with QuickBooks → choose the QuickBooks tax code → Sync.

    Example: When in Settings → Taxes I sync "GST" with the QuickBooks tax code "GST"
    """
    codes = {c.name: c.id for c in world.caspen.quickbooks_tax_codes()}
    if code not in codes:
        raise AssertionError(f"QuickBooks has no tax code {code!r}; it has {', '.join(sorted(codes))}")
    world.caspen.link_tax_rate(rate, codes[code])


@then(parsers.parse('QuickBooks said "{wording}"'))
def _(world: World, wording: str) -> None:
    """The exact QuickBooks error detail behind the card contains this text.

    Example: And QuickBooks said "Make sure all your transactions have a GST rate before you save."
    """
    card = world.card()
    assert card is not None and wording in (card.detail or ""), \
        f'{world.acted_on}: expected QuickBooks\' Detail to say "{wording}"; it says {card.detail if card else "nothing"!r}'
