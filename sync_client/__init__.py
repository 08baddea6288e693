"""Caspen's QuickBooks Online sync client: the reference integration the article describes.

Start with :class:`CaspenAccount` (the facade) and :class:`SyncConfig`; errors are in
:mod:`sync_client.errors` (tree in its docstring); the card titles in :mod:`sync_client.status`.
"""

from sync_client.account import CaspenAccount
from sync_client.bulk import BulkReport
from sync_client.config import RateLimits, RetryPolicy, SyncConfig
from sync_client.domain import (
    Client,
    CreditNote,
    Discount,
    Invoice,
    InvoiceStatus,
    Line,
    LineKind,
    NumberingScheme,
    Payment,
    TaxMode,
    TaxRate,
    Totals,
    compute_totals,
    customer_display_name,
)
from sync_client.errors import (
    AuthorizationError,
    BusinessValidationError,
    ConfigurationError,
    ConnectionExpiredError,
    DuplicateDocumentNumberError,
    DuplicateNameError,
    HistoricalInvoiceError,
    InvalidInvoiceError,
    NotConnectedError,
    QuickBooksError,
    QuickBooksUnavailableError,
    RequiredParamMissingError,
    RetryNotOfferedError,
    StaleObjectError,
    SyncError,
)
from sync_client.oauth import QuickBooksConnection
from sync_client.qbo import QuickBooksClient
from sync_client.ratelimit import RateLimiter
from sync_client.references import ImportReport, QuickBooksTaxCode
from sync_client.status import SYNCED_TITLE, TITLES, StatusCard
from sync_client.store import Store

__all__ = [
    "AuthorizationError",
    "BulkReport",
    "BusinessValidationError",
    "CaspenAccount",
    "Client",
    "ConfigurationError",
    "ConnectionExpiredError",
    "CreditNote",
    "Discount",
    "DuplicateDocumentNumberError",
    "DuplicateNameError",
    "HistoricalInvoiceError",
    "ImportReport",
    "InvalidInvoiceError",
    "Invoice",
    "InvoiceStatus",
    "Line",
    "LineKind",
    "NotConnectedError",
    "NumberingScheme",
    "Payment",
    "QuickBooksClient",
    "QuickBooksConnection",
    "QuickBooksError",
    "QuickBooksTaxCode",
    "QuickBooksUnavailableError",
    "RateLimiter",
    "RateLimits",
    "RequiredParamMissingError",
    "RetryNotOfferedError",
    "RetryPolicy",
    "SYNCED_TITLE",
    "StaleObjectError",
    "StatusCard",
    "Store",
    "SyncConfig",
    "SyncError",
    "TITLES",
    "TaxMode",
    "TaxRate",
    "Totals",
    "compute_totals",
    "customer_display_name",
]
