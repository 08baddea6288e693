"""The QuickBooks status card: every sync outcome maps to exactly the card the article describes.

=================================================  ==========  ===================================
cause                                              Retry       card title (verbatim UI strings)
=================================================  ==========  ===================================
2020 on a create (no line items)                   no          ``Create failed: Required param missing``
update of an invoice that predates the connection  no          ``Update failed: Historical invoice``
``invalid_grant`` (connection expired/revoked)     yes         ``Invalid refresh token``
6140 duplicate DocNumber                           yes         ``Duplicate document number``
6000 about tax                                     yes         ``Business validation error (tax)``
voided in Caspen                                   —           *(no card)*
void refused: a payment is applied in QuickBooks   yes         ``Void failed: payment recorded in QuickBooks``
anything else                                      yes         QuickBooks' exact ``Message`` (``Detail`` kept)
=================================================  ==========  ===================================

A successful sync shows a ``Synced`` card (``state == "synced"``), with a warning if QuickBooks'
totals differ from Caspen's. Every failure keeps what support asks for: the document number, the
exact error text, the time of the attempt, QuickBooks' code and ``intuit_tid``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sync_client.errors import (
    BusinessValidationError,
    ConnectionExpiredError,
    DuplicateDocumentNumberError,
    HistoricalInvoiceError,
    NotConnectedError,
    QuickBooksError,
    QuickBooksUnavailableError,
    RequiredParamMissingError,
    SyncError,
)

__all__ = ["StatusCard", "CardSpec", "card_for_error", "TITLES", "SYNCED_TITLE"]

SYNCED_TITLE = "Synced"
TITLES = {
    "required-param-missing": "Create failed: Required param missing",
    "historical-invoice": "Update failed: Historical invoice",
    "invalid-refresh-token": "Invalid refresh token",
    "duplicate-document-number": "Duplicate document number",
    "tax-business-validation": "Business validation error (tax)",
    # not an article case: Caspen's decision for an invoice paid in QuickBooks, then voided in Caspen
    # (docs/sync-client.md, "Voiding an invoice paid in QuickBooks")
    "void-paid-in-quickbooks": "Void failed: payment recorded in QuickBooks",
}
FIXES = {
    "required-param-missing": "Revert the invoice to Draft, add at least one line item (or delete it), then Finalize: "
                              "finalizing syncs it again.",
    "historical-invoice": "This invoice was created before QuickBooks was connected. Leave it, or recreate it as a "
                          "new invoice, which syncs normally.",
    "invalid-refresh-token": "Settings → Integrations → QuickBooks: disconnect and reconnect, then Retry.",
    "duplicate-document-number": "In QuickBooks, renumber the document that already uses this number "
                                 "(e.g. add a suffix) and save; then Retry.",
    "tax-business-validation": "Settings → Taxes → the rate → Actions → Sync with QuickBooks: choose the matching "
                               "QuickBooks tax code (create or re-activate it in QuickBooks first if needed); "
                               "then Retry.",
    "void-paid-in-quickbooks": "In QuickBooks, delete the payment or unlink it from this invoice (it stays as the "
                               "customer's credit); then Retry: Caspen voids the invoice again.",
    "unlisted-error": "Contact support with the invoice number, the error text, the time and the request id.",
}


@dataclass(frozen=True)
class CardSpec:
    """What a failure means for the card (before it is stamped with a document and a time)."""

    case: str
    title: str
    message: str | None
    detail: str | None
    code: str | None
    intuit_tid: str | None
    retry_available: bool


@dataclass(frozen=True)
class StatusCard:
    """The QuickBooks status card of one invoice or credit note."""

    document_number: str
    state: str  # "synced" | "failed"
    title: str
    message: str | None
    detail: str | None
    code: str | None
    intuit_tid: str | None
    attempted_at: datetime
    retry_available: bool
    operation: str | None = None
    warning: str | None = None

    @property
    def case(self) -> str:
        for case, title in TITLES.items():
            if title == self.title:
                return case
        return "synced" if self.state == "synced" else "unlisted-error"

    @property
    def fix(self) -> str | None:
        return None if self.state == "synced" else FIXES.get(self.case)

    @property
    def error_text(self) -> str | None:
        """The exact QuickBooks text: ``Message``, then ``Detail`` when there is one."""
        if self.state == "synced":
            return None
        parts = [p for p in (self.message, self.detail) if p]
        return "\n".join(parts) if parts else self.title

    def support_details(self) -> str:
        """What the article says support needs, ready to paste."""
        return "\n".join([
            f"Invoice number: {self.document_number}",
            f"Error: {self.title}",
            f"Exact error text: {self.error_text or '-'}",
            f"Time of attempt: {self.attempted_at.isoformat()}",
            f"QuickBooks code: {self.code or '-'}",
            f"intuit_tid: {self.intuit_tid or '-'}",
        ])


def card_for_error(error: SyncError, *, operation: str) -> CardSpec:
    """The article's card for ``error`` raised while doing ``operation`` (create/update/void/payment...)."""
    if isinstance(error, HistoricalInvoiceError):
        return _spec("historical-invoice", None, str(error), None, None, retry=False)
    if isinstance(error, ConnectionExpiredError):
        return CardSpec("invalid-refresh-token", TITLES["invalid-refresh-token"], "invalid_grant",
                        "The QuickBooks connection has expired or was revoked.", "invalid_grant",
                        error.intuit_tid, True)
    if isinstance(error, NotConnectedError):
        return CardSpec("unlisted-error", "QuickBooks is not connected", str(error), None, None, None, True)
    if isinstance(error, RequiredParamMissingError) and operation == "create":
        return _spec("required-param-missing", error.code, error.message, error.detail, error.intuit_tid, retry=False)
    if isinstance(error, DuplicateDocumentNumberError):
        return _spec("duplicate-document-number", error.code, error.message, error.detail, error.intuit_tid)
    if isinstance(error, BusinessValidationError) and error.is_tax:
        return _spec("tax-business-validation", error.code, error.message, error.detail, error.intuit_tid)
    if isinstance(error, BusinessValidationError) and operation == "void" and error.blocks_on_payments:
        return _spec("void-paid-in-quickbooks", error.code, error.message, error.detail, error.intuit_tid)
    if isinstance(error, (QuickBooksError, QuickBooksUnavailableError)):
        return CardSpec("unlisted-error", error.message, error.message, error.detail, error.code, error.intuit_tid,
                        True)
    return CardSpec("unlisted-error", str(error), str(error), None, None, None, True)


def _spec(case: str, code: str | None, message: str | None, detail: str | None, tid: str | None,
          *, retry: bool = True) -> CardSpec:
    return CardSpec(case, TITLES[case], message, detail, code, tid, retry)
