"""The mutation catalogue: realistic bugs of the reference Caspen integration, one per rule that matters.

Each :class:`Mutation` breaks one rule of ``sync_client`` by replacing a function or a constant at a
stable seam (a module attribute or a method), never by editing source text, so the catalogue keeps
working as the code is reformatted. ``expect`` names what the gate must report as failing: article case
ids (``duplicate-document-number``) or feature areas (the feature file's folder or stem, such as
``payments`` or ``totals``). :mod:`tests.mutations.runner` runs the gate once per mutation and checks that
it fails with a failed scenario of an expected case or area.

Adding a bug: write a function ``_name(patch)`` that calls ``patch(owner, "attribute", replacement)``
and register it with :func:`mutation`. Keep each bug one realistic slip a developer could make.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sync_client import account, domain, mapping, oauth, qbo, references, status, sync
from sync_client.errors import QuickBooksError, QuickBooksUnavailableError

__all__ = ["Mutation", "MUTATIONS", "Patch", "by_id"]

#: ``patch(owner, name, value)``: replace ``owner.name`` with ``value`` for the rest of the process
Patch = Callable[[Any, str, Any], None]


@dataclass(frozen=True)
class Mutation:
    id: str
    rule: str  # the rule of Caspen's integration that the bug breaks, in the article's words
    expect: tuple[str, ...]  # article case ids or feature areas that must fail
    apply: Callable[[Patch], None]


MUTATIONS: list[Mutation] = []


def mutation(mutation_id: str, rule: str, *expect: str) -> Callable[[Callable[[Patch], None]], Callable[[Patch], None]]:
    def register(apply: Callable[[Patch], None]) -> Callable[[Patch], None]:
        MUTATIONS.append(Mutation(mutation_id, rule, tuple(expect), apply))
        return apply
    return register


def by_id(mutation_id: str) -> Mutation:
    for entry in MUTATIONS:
        if entry.id == mutation_id:
            return entry
    raise KeyError(f"no mutation {mutation_id!r}; known: {', '.join(m.id for m in MUTATIONS)}")


def _retrying_on(codes: set[str]) -> Callable[[Patch], None]:
    """QuickBooksClient.call repeats a request once more when QuickBooks answers one of ``codes``."""
    def apply(patch: Patch) -> None:
        original = qbo.QuickBooksClient.call

        def call(self: qbo.QuickBooksClient, *args: Any, **kwargs: Any) -> Any:
            try:
                return original(self, *args, **kwargs)
            except QuickBooksError as error:
                if error.code not in codes:
                    raise
                return original(self, *args, **kwargs)
        patch(qbo.QuickBooksClient, "call", call)
    return apply


# -- the article cases: cards, Retry rules, automatic retries -------------------------------------------------
mutation("retry-2020-automatically", "Required param missing gets no automatic retry",
         "required-param-missing")(_retrying_on({"2020"}))
mutation("retry-6140-automatically", "Duplicate document number gets no automatic retry",
         "duplicate-document-number")(_retrying_on({"6140"}))
mutation("retry-6000-automatically", "A tax business validation error gets no automatic retry",
         "tax-business-validation")(_retrying_on({"6000"}))


def _card_spec_override(case: str, **changes: Any) -> Callable[[Patch], None]:
    def apply(patch: Patch) -> None:
        original = status.card_for_error

        def card_for_error(error: Any, *, operation: str) -> status.CardSpec:
            spec = original(error, operation=operation)
            return replace(spec, **changes) if spec.case == case else spec
        patch(sync, "card_for_error", card_for_error)
    return apply


mutation("2020-card-offers-retry", "Create failed: Required param missing offers no Retry",
         "required-param-missing")(_card_spec_override("required-param-missing", retry_available=True))
mutation("historical-card-offers-retry", "Update failed: Historical invoice offers no Retry",
         "historical-invoice")(_card_spec_override("historical-invoice", retry_available=True))
mutation("6140-card-without-retry", "Duplicate document number offers Retry after the renumbering",
         "duplicate-document-number")(_card_spec_override("duplicate-document-number", retry_available=False))
mutation("tax-card-without-retry", "Business validation error (tax) offers Retry after the fix",
         "tax-business-validation")(_card_spec_override("tax-business-validation", retry_available=False))
mutation("invalid-grant-card-without-retry", "Invalid refresh token offers Retry after reconnecting",
         "invalid-refresh-token")(_card_spec_override("invalid-refresh-token", retry_available=False))
mutation("6140-card-generic-title", "6140 shows the card 'Duplicate document number'",
         "duplicate-document-number")(_card_spec_override("duplicate-document-number", title="Sync failed"))
mutation("tax-card-generic-title", "6000 about tax shows 'Business validation error (tax)'",
         "tax-business-validation")(_card_spec_override("tax-business-validation",
                                                        title="Business validation error"))
mutation("invalid-grant-card-title", "invalid_grant shows 'Invalid refresh token'",
         "invalid-refresh-token")(_card_spec_override("invalid-refresh-token", title="Connection problem"))


@mutation("unlisted-error-paraphrased", "An unlisted error shows QuickBooks' exact Message", "unlisted-error")
def _(patch: Patch) -> None:
    _card_spec_override("unlisted-error", title="Something went wrong with QuickBooks")(patch)


@mutation("failure-record-without-intuit-tid", "The failure record keeps QuickBooks' intuit_tid", "unlisted-error",
          "historical-invoice", "duplicate-document-number", "tax-business-validation", "required-param-missing")
def _(patch: Patch) -> None:
    _card_spec_override("unlisted-error", intuit_tid=None)(patch)


@mutation("error-text-drops-detail", "The exact error text keeps QuickBooks' Detail", "unlisted-error",
          "tax-business-validation")
def _(patch: Patch) -> None:
    original = status.card_for_error

    def card_for_error(error: Any, *, operation: str) -> status.CardSpec:
        return replace(original(error, operation=operation), detail=None)
    patch(sync, "card_for_error", card_for_error)


@mutation("failure-time-not-recorded", "The failure record keeps the time of the attempt", "unlisted-error")
def _(patch: Patch) -> None:
    original = sync.SyncEngine._fail

    def _fail(self: sync.SyncEngine, number: str, operation: str, error: Any) -> Any:
        clock = self.clock
        self.clock = lambda: clock().replace(year=2000)  # a stale, wrong time on the record
        try:
            return original(self, number, operation, error)
        finally:
            self.clock = clock
    patch(sync.SyncEngine, "_fail", _fail)


# -- what reaches QuickBooks --------------------------------------------------------------------------------
@mutation("historical-resolves-customer-first", "A historical invoice sends no request at all", "historical-invoice")
def _(patch: Patch) -> None:
    original = sync.SyncEngine.sync_invoice

    def sync_invoice(self: sync.SyncEngine, number: str, *, trigger: str = "finalize") -> Any:
        invoice = self.store.invoice(number)
        if invoice is not None and self.connection.realm_id is not None and self.is_historical(invoice):
            client = self.store.client(invoice.client_id)
            if client is not None:
                self.refs.customer_id(self.client(), client)  # "warm the customer cache" before deciding
        return original(self, number, trigger=trigger)
    patch(sync.SyncEngine, "sync_invoice", sync_invoice)


@mutation("historical-pushed-as-create", "A historical invoice is never back-filled", "historical-invoice")
def _(patch: Patch) -> None:
    patch(sync.SyncEngine, "is_historical", lambda self, invoice: False)


@mutation("draft-syncs-on-edit", "Drafts never sync", "finalize_and_sync", "required-param-missing", "totals",
          "tax-business-validation", "historical-invoice")
def _(patch: Patch) -> None:
    original = account.CaspenAccount.add_line

    def add_line(self: account.CaspenAccount, invoice: Any, **kwargs: Any) -> Any:
        found = original(self, invoice, **kwargs)
        self.engine.store.update_document("invoices", found.number, status=domain.InvoiceStatus.FINALIZED)
        self.engine.sync_invoice(found.number, trigger="edit")
        self.engine.store.update_document("invoices", found.number, status=domain.InvoiceStatus.DRAFT)
        return self.invoice(found.number)
    patch(account.CaspenAccount, "add_line", add_line)


@mutation("void-not-sent", "Voiding in Caspen voids the invoice in QuickBooks", "voided-invoice")
def _(patch: Patch) -> None:
    patch(sync.SyncEngine, "_void", lambda self, invoice: self.store.clear_card(invoice.number))


@mutation("void-keeps-card", "A voided invoice has no card", "voided-invoice")
def _(patch: Patch) -> None:
    original = sync.SyncEngine.apply_void

    def apply_void(self: sync.SyncEngine, number: str) -> Any:
        inner = original(self, number)

        def apply(record: Any, reply: Any, row: Any) -> None:
            inner(record, reply, row)
            self._synced(number, "void", reply, row.requestid)
        return apply
    patch(sync.SyncEngine, "apply_void", apply_void)


@mutation("new-requestid-per-attempt", "Every attempt of one write reuses the same requestid", "transient_failures",
          "resilience", "unlisted-error")
def _(patch: Patch) -> None:
    # the bug: the requestid is made per HTTP attempt (inside the retry loop) instead of once per write, so
    # each automatic retry of a 429/503/dropped connection reaches QuickBooks as a new write
    original = qbo.QuickBooksClient.call

    def call(self: qbo.QuickBooksClient, method: str, path: str, **kwargs: Any) -> Any:
        session = self.session

        class PerAttempt:
            def request(self, verb: str, url: str, *, params: dict[str, Any] | None = None, **rest: Any) -> Any:
                if params and "requestid" in params:
                    params = {**params, "requestid": uuid.uuid4().hex}
                return session.request(verb, url, params=params, **rest)
        self.session = PerAttempt()  # type: ignore[assignment]
        try:
            return original(self, method, path, **kwargs)
        finally:
            self.session = session
    patch(qbo.QuickBooksClient, "call", call)


@mutation("no-retry-on-throttling", "429 is retried automatically with backoff", "transient_failures", "resilience")
def _(patch: Patch) -> None:
    patch(qbo, "RETRYABLE_STATUSES", frozenset({500, 502, 503, 504}))


@mutation("no-retry-on-outage", "503 / the outage page is retried automatically", "transient_failures", "resilience")
def _(patch: Patch) -> None:
    patch(qbo, "RETRYABLE_STATUSES", frozenset({429}))


@mutation("no-retry-on-transport-error", "A dropped connection or timeout is retried with the same requestid",
          "transient_failures", "resilience")
def _(patch: Patch) -> None:
    patch(qbo, "TRANSPORT_ERRORS", ())


@mutation("stale-synctoken-not-reread", "5010 re-reads the SyncToken and tries once more", "finalize_and_sync",
          "payments", "voided-invoice", "required-param-missing", "tax-business-validation")
def _(patch: Patch) -> None:
    def _with_fresh_token(self: sync.SyncEngine, client: Any, number: str, operation: str, body: Any,
                          apply: Any) -> Any:
        # the bug: no ``except StaleObjectError`` (re-read the SyncToken, send once more)
        return self.writer.send(client, document=number, operation=operation, entity="Invoice", payload=body,
                                apply=apply)[1]
    patch(sync.SyncEngine, "_with_fresh_token", _with_fresh_token)


# -- customers, items, tax, totals ----------------------------------------------------------------------------
@mutation("customer-name-first-digits", "Customers are 'Full name (Caspen #####)' with the LAST five digits",
          "finalize_and_sync")
def _(patch: Patch) -> None:
    def customer_display_name(client: Any) -> str:
        digits = "".join(ch for ch in client.id if ch.isdigit())
        return f"{client.full_name.strip().replace(':', '-')} (Caspen {digits[:5].zfill(5)})"
    patch(references, "customer_display_name", customer_display_name)


@mutation("customer-created-per-invoice", "A client maps to one QuickBooks customer, found before created",
          "finalize_and_sync")
def _(patch: Patch) -> None:
    original = references.References.customer_id

    def customer_id(self: references.References, client_api: Any, client: Any) -> str:
        self.store.execute("DELETE FROM qbo_customers")  # "mapping cache bug": forgotten every time
        found_query = client_api.query
        client_api.query = lambda statement: [] if "from Customer" in statement else found_query(statement)
        try:
            return original(self, client_api, client)
        finally:
            client_api.query = found_query
    patch(references.References, "customer_id", customer_id)


@mutation("product-lines-post-to-service", "Product lines post to the default Product item", "finalize_and_sync")
def _(patch: Patch) -> None:
    original = mapping.document_payload

    def document_payload(document: Any, *, item_ids: dict[str, str], **kwargs: Any) -> dict[str, Any]:
        return original(document, item_ids={**item_ids, "product": item_ids["service"]}, **kwargs)
    patch(sync, "document_payload", document_payload)


@mutation("unlinked-rate-guesses-a-code", "An unlinked tax rate is sent without TaxCodeRef (QuickBooks answers "
          "6000 and the card says to link it)", "tax-business-validation")
def _(patch: Patch) -> None:
    original = mapping.document_payload

    def document_payload(document: Any, **kwargs: Any) -> dict[str, Any]:
        body = original(document, **kwargs)
        for line in body["Line"]:
            detail = line.get("SalesItemLineDetail")
            if detail is not None and "TaxCodeRef" not in detail:
                detail["TaxCodeRef"] = {"value": "5"}  # "default to the company's first GST code"
        return body
    patch(sync, "document_payload", document_payload)


@mutation("inclusive-sent-as-exclusive", "Tax-inclusive invoices reach QuickBooks as TaxInclusive (the gross is "
          "what the client pays)", "totals", "tax-business-validation")
def _(patch: Patch) -> None:
    # a realistic slip: the mapping table keyed by the wrong mode, so inclusive amounts are taxed on top
    patch(mapping, "GLOBAL_TAX", {**mapping.GLOBAL_TAX, domain.TaxMode.INCLUSIVE: "TaxExcluded"})


@mutation("tax-rounded-down", "Tax is rounded half up to the cent, per rate", "totals", "finalize_and_sync")
def _(patch: Patch) -> None:
    patch(domain, "cents", lambda value: Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


@mutation("discount-dropped", "A discount reaches QuickBooks as a DiscountLineDetail line", "totals",
          "finalize_and_sync")
def _(patch: Patch) -> None:
    original = mapping.document_payload

    def document_payload(document: Any, **kwargs: Any) -> dict[str, Any]:
        body = original(document, **kwargs)
        body["Line"] = [line for line in body["Line"] if line["DetailType"] != "DiscountLineDetail"]
        return body
    patch(sync, "document_payload", document_payload)


@mutation("totals-mismatch-never-reported", "A totals mismatch with QuickBooks is shown on the card", "totals")
def _(patch: Patch) -> None:
    patch(sync, "compare_totals", lambda caspen, record: None)


# -- credit notes and payments --------------------------------------------------------------------------------
@mutation("credit-note-sent-as-invoice", "A credit note syncs as a QuickBooks CreditMemo", "credit_notes")
def _(patch: Patch) -> None:
    original = sync.SyncEngine.sync_credit_note

    def sync_credit_note(self: sync.SyncEngine, number: str) -> Any:
        send = self.writer.send

        def as_invoice(client: Any, **kwargs: Any) -> Any:
            if kwargs.get("entity") == "CreditMemo":
                record, reply = send(client, **{**kwargs, "entity": "Invoice"})
                return record, reply
            return send(client, **kwargs)
        self.writer.send = as_invoice  # type: ignore[method-assign]
        try:
            return original(self, number)
        finally:
            self.writer.send = send  # type: ignore[method-assign]
    patch(sync.SyncEngine, "sync_credit_note", sync_credit_note)


@mutation("credit-note-6140-generic", "A credit note's clashing number shows 'Duplicate document number'",
          "credit_notes", "credit_note_number_clash", "duplicate-document-number")
def _(patch: Patch) -> None:
    original = sync.SyncEngine._fail

    def _fail(self: sync.SyncEngine, number: str, operation: str, error: Any) -> Any:
        if self.store.credit_note(number) is not None:
            error = QuickBooksError(response=None, fault={}, code=None, message="Credit note failed", detail=None)
        return original(self, number, operation, error)
    patch(sync.SyncEngine, "_fail", _fail)


@mutation("caspen-payment-not-synced", "A payment applied in Caspen reaches QuickBooks as a Payment", "payments")
def _(patch: Patch) -> None:
    patch(sync.SyncEngine, "_push_payments", lambda self, client, number: None)


@mutation("split-payment-imported", "A QuickBooks payment split over several invoices is not imported", "payments")
def _(patch: Patch) -> None:
    original = references.References.import_payments

    def import_payments(self: references.References, client_api: Any, *, today: Any, now: Any) -> Any:
        query = client_api.query

        def first_link_only(statement: str) -> list[dict[str, Any]]:
            rows = query(statement)
            if "from Payment" in statement:
                for row in rows:
                    for line in row.get("Line") or []:
                        line["LinkedTxn"] = (line.get("LinkedTxn") or [])[:1]
                    row["Line"] = (row.get("Line") or [])[:1]
            return rows
        client_api.query = first_link_only
        try:
            return original(self, client_api, today=today, now=now)
        finally:
            client_api.query = query
    patch(references.References, "import_payments", import_payments)


@mutation("quickbooks-payment-not-imported", "A single QuickBooks payment against one invoice is imported",
          "payments")
def _(patch: Patch) -> None:
    patch(references.References, "import_payments",
          lambda self, client_api, *, today, now: references.ImportReport())


# -- the connection -----------------------------------------------------------------------------------------
@mutation("rotated-refresh-token-not-stored", "A rotated refresh token is stored for the next refresh",
          "connection_lifecycle", "invalid-refresh-token")
def _(patch: Patch) -> None:
    original = oauth.QuickBooksConnection._save_tokens

    def _save_tokens(self: oauth.QuickBooksConnection, tokens: dict[str, Any], now: Any) -> None:
        row = self.store.connection()
        kept = dict(tokens)
        if row.refresh_token and tokens.get("access_token"):
            kept["refresh_token"] = row.refresh_token  # "the refresh token never changes" (it does, every 24 h)
        original(self, kept, now)
    patch(oauth.QuickBooksConnection, "_save_tokens", _save_tokens)


@mutation("invalid-grant-keeps-calling", "After invalid_grant the connection is expired and no further calls are "
          "made", "invalid-refresh-token")
def _(patch: Patch) -> None:
    original = oauth.QuickBooksConnection._token_reply

    def _token_reply(self: oauth.QuickBooksConnection, response: Any, on_invalid_grant: str) -> Any:
        return original(self, response, "raise")  # never marks the connection expired
    patch(oauth.QuickBooksConnection, "_token_reply", _token_reply)


@mutation("no-refresh-on-401", "An expired access token is refreshed and the call repeated", "connection_lifecycle",
          "invalid-refresh-token", "finalize_and_sync")
def _(patch: Patch) -> None:
    original = oauth.QuickBooksConnection._fresh_token

    def _fresh_token(self: oauth.QuickBooksConnection) -> Any:
        row = self._usable_row()
        return row.access_token or original(self)  # uses the stored token even when it has expired
    patch(oauth.QuickBooksConnection, "_fresh_token", _fresh_token)
    patch(qbo.QuickBooksClient, "call", _no_refresh_call(qbo.QuickBooksClient.call))


def _no_refresh_call(original: Callable[..., Any]) -> Callable[..., Any]:
    def call(self: qbo.QuickBooksClient, *args: Any, **kwargs: Any) -> Any:
        tokens = self.tokens
        self.tokens = _NoRefresh(tokens)
        try:
            return original(self, *args, **kwargs)
        finally:
            self.tokens = tokens
    return call


class _NoRefresh:
    def __init__(self, tokens: Any) -> None:
        self._tokens = tokens

    def access_token(self) -> str:
        return self._tokens.access_token()

    def refresh_after_unauthorized(self, stale: str) -> str:
        return stale
