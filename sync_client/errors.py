"""Every error the sync client raises, in one tree.

::

    SyncError
     ├── ConfigurationError          malformed configuration (names the key and what was expected)
     ├── InvalidInvoiceError         Caspen refuses the input itself; nothing is saved or sent
     ├── RetryNotOfferedError        Retry asked for on a card that does not offer it
     ├── ConnectionExpiredError      the OAuth grant is gone (invalid_grant); no calls until reconnect
     ├── NotConnectedError           no QuickBooks company has been connected yet
     ├── HistoricalInvoiceError      the change would update an invoice that predates the connection
     ├── QuickBooksUnavailableError  transport errors / 429 / 5xx that outlived every retry
     └── QuickBooksError             QuickBooks answered with a Fault (service or gateway)
          ├── RequiredParamMissingError    2020
          ├── BusinessValidationError      6000
          ├── StaleObjectError             5010
          ├── DuplicateDocumentNumberError 6140
          ├── DuplicateNameError           6240
          └── AuthorizationError           401/403 gateway faults (lower-case ``fault.error[0]``)

Errors that come from an HTTP exchange keep it: ``response`` (the ``requests.Response``), the
parsed ``fault`` dict and the fields support asks for (``code``, ``message``, ``detail``,
``intuit_tid``, ``status``). Nothing here ever holds or prints a token.
"""

from __future__ import annotations

from typing import Any

import requests

__all__ = [
    "AuthorizationError",
    "BusinessValidationError",
    "ConfigurationError",
    "ConnectionExpiredError",
    "DuplicateDocumentNumberError",
    "DuplicateNameError",
    "HistoricalInvoiceError",
    "InvalidInvoiceError",
    "NotConnectedError",
    "QuickBooksError",
    "QuickBooksUnavailableError",
    "RequiredParamMissingError",
    "RetryNotOfferedError",
    "StaleObjectError",
    "SyncError",
    "fault_from_response",
]


class SyncError(Exception):
    """Base of every error raised by :mod:`sync_client`."""


class ConfigurationError(SyncError):
    """Configuration is missing or malformed. ``key`` names the offending setting."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class InvalidInvoiceError(SyncError):
    """Caspen itself refuses the document (negative quantity, unknown tax rate, bad date...)."""


class RetryNotOfferedError(SyncError):
    """The status card has no Retry button: the request cannot succeed as it is."""


class NotConnectedError(SyncError):
    """No QuickBooks company is connected to this Caspen account."""


class ConnectionExpiredError(SyncError):
    """The token endpoint answered ``invalid_grant``: the connection is expired or revoked.

    Raised *without* any network call once the connection is marked expired, so a queue of
    invoices cannot turn into a retry storm against Intuit.
    """

    def __init__(self, message: str = "Invalid refresh token", *, response: requests.Response | None = None,
                 intuit_tid: str | None = None) -> None:
        super().__init__(message)
        self.response = response
        self.intuit_tid = intuit_tid


class HistoricalInvoiceError(SyncError):
    """The invoice predates the QuickBooks connection; Caspen never back-fills history."""


class QuickBooksUnavailableError(SyncError):
    """QuickBooks could not be reached or kept answering 429/5xx after every retry.

    ``response`` is the last response (``None`` when the last attempt failed in transport) and
    ``exception`` the last transport exception, if any.
    """

    def __init__(self, message: str, *, response: requests.Response | None = None,
                 exception: BaseException | None = None, attempts: int = 0) -> None:
        super().__init__(message)
        self.response = response
        self.exception = exception
        self.attempts = attempts
        self.status = response.status_code if response is not None else None
        self.intuit_tid = response.headers.get("intuit_tid") if response is not None else None
        self.code, self.message, self.detail = _unavailable_text(response, exception, message)


class QuickBooksError(SyncError):
    """QuickBooks answered with a Fault. Keeps the response and the parsed Fault."""

    #: the QuickBooks error code this class stands for (subclasses)
    fault_code: str | None = None

    def __init__(self, *, response: requests.Response | None, fault: dict[str, Any], code: str | None,
                 message: str, detail: str | None, fault_type: str | None = None) -> None:
        self.response = response
        self.fault = fault
        self.code = code
        self.message = message
        self.detail = detail
        self.fault_type = fault_type
        self.status = response.status_code if response is not None else None
        self.intuit_tid = response.headers.get("intuit_tid") if response is not None else None
        text = f"{code} {message}" if code else message
        super().__init__(f"{text}: {detail}" if detail else text)


class RequiredParamMissingError(QuickBooksError):
    fault_code = "2020"


class BusinessValidationError(QuickBooksError):
    fault_code = "6000"

    @property
    def blocks_on_payments(self) -> bool:
        """Whether QuickBooks refuses because payments are applied to the transaction (a void of a paid
        invoice: "Delete or unlink the payments before voiding it") [INF: wording as the simulator words it]."""
        return "payment" in (self.detail or "").lower()

    @property
    def is_tax(self) -> bool:
        """Whether QuickBooks is complaining about tax (a missing, unknown or inactive tax code)."""
        text = (self.detail or "").lower()
        return any(word in text for word in ("rate before you save", "tax code", "tax rate", "calculating tax"))


class StaleObjectError(QuickBooksError):
    fault_code = "5010"


class DuplicateDocumentNumberError(QuickBooksError):
    fault_code = "6140"


class DuplicateNameError(QuickBooksError):
    fault_code = "6240"


class AuthorizationError(QuickBooksError):
    """401/403 from Intuit's gateway (after one token refresh was already tried for a 401)."""


_BY_CODE: dict[str, type[QuickBooksError]] = {
    cls.fault_code: cls for cls in (RequiredParamMissingError, BusinessValidationError, StaleObjectError,
                                    DuplicateDocumentNumberError, DuplicateNameError) if cls.fault_code
}


def fault_from_response(response: requests.Response | None, fault: dict[str, Any]) -> QuickBooksError:
    """Build the right :class:`QuickBooksError` from a service ``Fault`` or a gateway ``fault``.

    Service faults have capitalised keys (``Fault.Error[0].Message``); the gateway's are lower
    case (``fault.error[0].message``). Only the first error names the class; all are kept in
    ``fault``.
    """
    errors = fault.get("Error") or fault.get("error") or [{}]
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    code = first.get("code")
    code = str(code) if code is not None else None
    message = str(first.get("Message") or first.get("message") or "QuickBooks returned a fault")
    detail = first.get("Detail") if "Detail" in first else first.get("detail")
    fault_type = fault.get("type")
    status = response.status_code if response is not None else None
    cls: type[QuickBooksError]
    if status in (401, 403):
        cls = AuthorizationError
    else:
        cls = _BY_CODE.get(code or "", QuickBooksError)
    return cls(response=response, fault=fault, code=code, message=message,
               detail=str(detail) if detail not in (None, "") else None, fault_type=fault_type)


def _unavailable_text(response: requests.Response | None, exception: BaseException | None,
                      fallback: str) -> tuple[str | None, str, str | None]:
    """``(code, message, detail)`` for the card of an outage: the exact text QuickBooks showed."""
    if response is None:
        return None, fallback, repr(exception) if exception is not None else None
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("Fault") or payload.get("fault"), dict):
        err = fault_from_response(response, payload.get("Fault") or payload["fault"])
        return err.code, err.message, err.detail
    title = _html_title(response.text)
    return str(response.status_code), title or f"HTTP {response.status_code} {response.reason}", None


def _html_title(text: str) -> str | None:
    lower = text.lower()
    start, end = lower.find("<title>"), lower.find("</title>")
    if start == -1 or end <= start:
        return None
    return text[start + 7:end].strip() or None
