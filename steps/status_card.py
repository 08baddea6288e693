"""The QuickBooks status card on the invoice page, and its Retry button."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from steps.world import World


def _card_title(world: World, number: str) -> str:
    card = world.card(number)
    return "(no card)" if card is None else card.title


@then(parsers.parse('the QuickBooks status card shows "{title}"'))
def _(world: World, title: str) -> None:
    """The card's title, verbatim ("Synced" after a successful sync).

    Example: Then the QuickBooks status card shows "Duplicate document number"
    """
    card = world.card()
    shown = "(no card)" if card is None else card.title
    assert shown == title, f"the card shows {shown!r}" + (f" ({card.error_text})" if card and card.error_text else "")


@then(parsers.re(r"(?P<which>the new invoice's|that invoice's|the credit note's) QuickBooks status card shows "
                 r'"(?P<title>[^"]+)"'))
def _(world: World, which: str, title: str) -> None:
    """The card of the new (recreated) invoice, of "that" (the latest) invoice, or of the credit note.

    Example: Then the credit note's QuickBooks status card shows "Synced"
    """
    documents = {"the new invoice's": world.new_invoice, "that invoice's": world.latest,
                 "the credit note's": world.credit_note}
    if which not in documents:
        raise AssertionError(f"say one of {', '.join(documents)} QuickBooks status card")
    assert documents[which] is not None, f"this scenario has no {which[:-2]}"
    assert _card_title(world, documents[which]) == title, _card_title(world, documents[which])


@then("the status card offers Retry")
def _(world: World) -> None:
    """Example: And the status card offers Retry"""
    card = world.card()
    assert card is not None and card.retry_available, card


@then("the status card does not offer Retry")
def _(world: World) -> None:
    """Example: And the status card does not offer Retry"""
    card = world.card()
    assert card is not None and not card.retry_available, card


@then("there is no QuickBooks status card")
def _(world: World) -> None:
    """Example: Then there is no QuickBooks status card"""
    assert world.card() is None, world.card()


@then(parsers.parse("the failure record keeps the invoice number, the exact error text, the time, code {code} "
                    "and the intuit_tid"))
def _(world: World, code: str) -> None:
    """What support asks for, kept with the failure.

    Example: And the failure record keeps the invoice number, the exact error text, the time, code 6210 and the intuit_tid
    """
    card = world.card()
    assert card is not None and card.state == "failed", card
    details = card.support_details or ""
    assert card.document_number == world.subject and card.document_number in details, details
    assert card.code == code and card.intuit_tid and card.intuit_tid in details, card
    assert card.error_text and card.message and card.message in details, card
    assert card.attempted_at is not None, card
    record = world.caspen.failure_record(world.subject)
    assert any(a.outcome == "failed" and a.code == code and a.intuit_tid == card.intuit_tid for a in record), record


@when("I press Retry on the status card")
def _(world: World) -> None:
    """Example: And I press Retry on the status card"""
    world.caspen.retry(world.subject)


@when("I press Retry on the credit note's status card")
def _(world: World) -> None:
    """Example: And I press Retry on the credit note's status card"""
    world.caspen.retry(world.credit_note)
