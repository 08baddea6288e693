"""The QuickBooks status card on a document's page, its Retry button, and the failure record behind it.

"The status card" is the card of the document the scenario last acted on (the invoice it just finalized,
edited, paid, voided or retried; the credit note it just issued); "the invoice's", "that invoice's",
"the new invoice's" and "the credit note's" name one explicitly.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from pytest_bdd import parsers, then, when

from drivers.model import StatusCard
from steps.types import EXTRA_TYPES
from steps.world import World

#: how far the failure record's time may be from QuickBooks' own time of that request (a loaded CI machine)
ATTEMPT_TIME_TOLERANCE = timedelta(minutes=2)

_WHICH = r"(?P<which>the invoice's|that invoice's|the new invoice's|the credit note's)"


def _shown(card: StatusCard | None) -> str:
    if card is None:
        return "no QuickBooks status card"
    text = f'"{card.title}"' + (" with Retry" if card.retry_available else " without Retry")
    return text + (f" (QuickBooks said: {card.error_text})" if card.error_text else "")


def _named(world: World, which: str) -> str:
    """``the invoice's`` → the scenario's first invoice; ``that invoice's`` → the latest one; ..."""
    documents = {"the invoice's": world.invoice, "that invoice's": world.latest,
                 "the new invoice's": world.new_invoice, "the credit note's": world.credit_note}
    number = documents.get(which)
    if number is None:
        raise AssertionError(f"this scenario has no {which[:-2].removeprefix('the ').removeprefix('that ')} yet")
    return number


@then(parsers.parse('the QuickBooks status card shows "{title}"'))
def _(world: World, title: str) -> None:
    """The title of the card of the document the scenario last acted on, verbatim ("Synced" after a sync).

    Example: Then the QuickBooks status card shows "Duplicate document number"
    """
    number = world.acted_on
    card = world.card(number)
    assert card is not None and card.title == title, \
        f'{number}: expected the QuickBooks status card "{title}", Caspen shows {_shown(card)}'


@then(parsers.re(_WHICH + r' QuickBooks status card shows "(?P<title>[^"]+)"'))
def _(world: World, which: str, title: str) -> None:
    """The card of the scenario's first invoice, of "that" (the latest) invoice, of the new (recreated)
    invoice, or of the credit note.

    Example: Then the credit note's QuickBooks status card shows "Synced"
    """
    number = _named(world, which)
    card = world.card(number)
    assert card is not None and card.title == title, \
        f'{number}: expected the QuickBooks status card "{title}", Caspen shows {_shown(card)}'


@then("the status card offers Retry")
def _(world: World) -> None:
    """Example: And the status card offers Retry"""
    card = world.card()
    assert card is not None and card.retry_available, f"{world.acted_on}: expected Retry, Caspen shows {_shown(card)}"


@then("the status card does not offer Retry")
def _(world: World) -> None:
    """Example: And the status card does not offer Retry"""
    card = world.card()
    assert card is not None and not card.retry_available, \
        f"{world.acted_on}: expected a card without Retry, Caspen shows {_shown(card)}"


@then("there is no QuickBooks status card")
def _(world: World) -> None:
    """Example: Then there is no QuickBooks status card"""
    card = world.card()
    assert card is None, f"{world.acted_on}: expected no QuickBooks status card, Caspen shows {_shown(card)}"


@then(parsers.parse('the status card warns that QuickBooks\' total {quickbooks:Money} differs from Caspen\'s '
                    '{caspen:Money}', extra_types=EXTRA_TYPES))
def _(world: World, quickbooks: Decimal, caspen: Decimal) -> None:
    """A totals mismatch is reported on the card, never ignored: the warning names both totals.

    Example: Then the status card warns that QuickBooks' total $110.00 differs from Caspen's $105.00
    """
    card = world.card()
    warning = card.warning if card is not None else None
    assert warning and f"{quickbooks:.2f}" in warning and f"{caspen:.2f}" in warning, \
        f"{world.acted_on}: expected a warning that QuickBooks' total {quickbooks:.2f} differs from Caspen's " \
        f"{caspen:.2f}; the card warns {warning!r}"


@then(parsers.parse("the failure record keeps the invoice number, the exact error text, the time, code {code} "
                    "and the intuit_tid"))
def _(world: World, code: str) -> None:
    """What support asks for, as Caspen STORED it (the driver's failure record), against what QuickBooks
    answered (its request journal): the document number, QuickBooks' exact Message and Detail, the code,
    the time of the attempt (Caspen's scenario clock when QuickBooks received that request, within
    two minutes) and the intuit_tid
    QuickBooks sent with that answer; the card shows the same.

    Example: And the failure record keeps the invoice number, the exact error text, the time, code 6210 and the intuit_tid
    """
    number = world.acted_on
    failed = [a for a in world.caspen.failure_record(number) if a.outcome == "failed"]
    assert failed, f"{number}: Caspen's failure record has no failed attempt"
    last = failed[-1]
    answers = [e for e in world.sim.journal(world.realm) if e.get("intuit_tid") and e["intuit_tid"] == last.intuit_tid]
    assert answers, (f"{number}: the failure record keeps intuit_tid {last.intuit_tid!r}, which QuickBooks never sent "
                     f"for this company")
    sent = answers[-1]
    expected = (number, sent["fault_code"], sent["fault_message"], sent["fault_detail"])
    kept = (last.document_number, last.code, last.message, last.detail)
    assert sent["fault_code"] == code, f"{number}: QuickBooks answered code {sent['fault_code']}, not {code}"
    assert kept == expected, ("the failure record differs from what QuickBooks answered: "
                              f"expected number, code, Message, Detail {expected}, Caspen kept {kept}")
    caspen_time = world.caspen_time_of(datetime.fromisoformat(sent["at"]))
    assert abs(last.attempted_at - caspen_time) <= ATTEMPT_TIME_TOLERANCE, \
        f"{number}: the failure record says the attempt was at {last.attempted_at}; QuickBooks received it when " \
        f"Caspen's clock read {caspen_time}"
    card = world.card(number)
    assert card is not None and card.state == "failed" and card.intuit_tid == last.intuit_tid and \
        card.message == last.message and card.detail == last.detail, \
        f"{number}: the card does not show the failure record's error: {_shown(card)}"


@when("I press Retry on the status card")
def _(world: World) -> None:
    """Retry on the card of the document the scenario last acted on.

    Example: And I press Retry on the status card
    """
    world.caspen.retry(world.act_on(world.acted_on))


@when(parsers.re("I press Retry on " + _WHICH + " status card"))
def _(world: World, which: str) -> None:
    """Example: And I press Retry on the credit note's status card"""
    world.caspen.retry(world.act_on(_named(world, which)))
