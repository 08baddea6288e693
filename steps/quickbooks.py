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


@given(parsers.parse('in QuickBooks the accountant adds the note "{note}" to the invoice'))
def _(world: World, note: str) -> None:
    """The accountant edits the invoice's private note in QuickBooks and saves: its SyncToken moves on, so
    Caspen's next update must re-read it (QuickBooks answers 5010 to the stale one).

    Example: And in QuickBooks the accountant adds the note "Client called about the due date" to the invoice
    """
    world.sim.user_edits(world.realm, world.subject, "Invoice", PrivateNote=note)


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


@when("in QuickBooks the payment is unlinked from the invoice")
def _(world: World) -> None:
    """The accountant edits the payment in QuickBooks and unticks the invoice: the money stays as the
    customer's credit, the invoice is unpaid again.

    Example: When in QuickBooks the payment is unlinked from the invoice
    """
    world.sim.unlink_payments(world.realm, world.subject)


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


# -- what QuickBooks received (its request journal) ----------------------------------------------------------
REQUEST_ENTITIES = {"invoice": "Invoice", "credit memo": "CreditMemo", "payment": "Payment", "customer": "Customer"}


def _writes(entries: list[dict]) -> str:
    return "; ".join(f"{e['operation']} {e['entity']} requestid={e.get('requestid')} → {e['status']}"
                     + (f" ({e['fault_code']})" if e.get("fault_code") else "") for e in entries) or "nothing"


@then(parsers.re(r"QuickBooks received exactly (?P<count>\d+) (?P<kind>invoice|credit memo|payment|customer) "
                 r"(?P<operation>create|update|void|delete)s?"))
def _(world: World, count: str, kind: str, operation: str) -> None:
    """How many write requests of that kind QuickBooks received since the scenario's last action (every
    attempt counts, automatic retries included).

    Example: And QuickBooks received exactly 1 invoice create
    """
    writes = world.writes_since_mark(REQUEST_ENTITIES[kind], operation)
    assert len(writes) == int(count), (f"expected QuickBooks to receive exactly {count} {kind} {operation}(s) since "
                                       f"the last action on {world.acted_on}; it received {len(writes)}: "
                                       f"{_writes(writes)}")


@then("Caspen did not retry automatically")
def _(world: World) -> None:
    """Since the scenario's last action, Caspen sent no write (a create, update or void) again by itself
    after QuickBooks refused it (the article's definitive errors wait for the user). Re-sending with a
    re-read SyncToken after a 5010 (stale object) is not a retry: it is a new version of the write.

    Example: And Caspen did not retry automatically
    """
    writes = world.writes_since_mark()
    last: dict[tuple[str, str], dict] = {}
    repeated = []
    for entry in writes:
        before = last.get((entry["entity"], entry["operation"]))
        if before is not None and before.get("fault_code") != "5010":
            repeated.append(entry)
        last[(entry["entity"], entry["operation"])] = entry
    assert writes and not repeated, (f"expected Caspen to send each write once after the last action on "
                                     f"{world.acted_on} and wait for the user; QuickBooks received: {_writes(writes)}")


@then("Caspen retried automatically")
def _(world: World) -> None:
    """Since the scenario's last action, Caspen sent some write (e.g. the invoice create) more than once by
    itself: what a transient QuickBooks failure calls for.

    Example: And Caspen retried automatically
    """
    writes = world.writes_since_mark()
    kinds = [(e["entity"], e["operation"]) for e in writes]
    assert any(kinds.count(kind) > 1 for kind in kinds), \
        f"expected Caspen to send a failed write again by itself; QuickBooks received: {_writes(writes)}"


@then("every attempt reused the same request id")
def _(world: World) -> None:
    """Automatic retries of one write carry the requestid of its first attempt, so QuickBooks never applies
    it twice: since the scenario's last action, each kind of write (e.g. the invoice create) has one
    requestid over all its attempts.

    Example: And every attempt reused the same request id
    """
    writes = world.writes_since_mark()
    ids: dict[tuple[str, str], set] = {}
    for entry in writes:
        ids.setdefault((entry["entity"], entry["operation"]), set()).add(entry.get("requestid"))
    assert writes and all(None not in found and len(found) == 1 for found in ids.values()), \
        f"expected one request id over every attempt of each write; QuickBooks received: {_writes(writes)}"
