"""The fault catalogue: every error the simulator can answer with, defined once.

A fault is data (HTTP status, QBO ``code``, ``Message``, a ``Detail`` template, ``Fault.type`` and
the envelope it travels in); :mod:`simulator.wire` is the only place that turns one into bytes.
Rules raise faults; the fault plan instantiates them by name; batch embeds their fragment per bId.

Envelopes:

* ``service`` — ``{"Fault": {"Error": [...], "type": "ValidationFault"}, "time": ...}`` (QBO data
  services; JSON or XML).
* ``gateway`` — Intuit's gateway, lower-case keys, ``time`` in epoch millis (401/403/429/500).
* ``oauth`` — the token endpoint's ``{"error": "invalid_grant"}``.
* ``outage`` — an HTML page from the load balancer (502/503/504).
"""

from __future__ import annotations

import string
from typing import Any, ClassVar

__all__ = [
    "CATALOGUE",
    "FaultGroup",
    "QBOFault",
    "fault_by_name",
    "tax_rate_wording",
]


class QBOFault(Exception):
    """Base of every catalogued fault.

    Subclasses set class attributes; instances carry the template parameters and ``element``.
    """

    name: ClassVar[str] = ""
    status: ClassVar[int] = 400
    code: ClassVar[str] = ""
    message: ClassVar[str] = ""
    detail_template: ClassVar[str] = ""
    type: ClassVar[str] = "ValidationFault"
    envelope: ClassVar[str] = "service"
    #: extra response headers (gateway faults carry ``WWW-Authenticate``)
    headers: ClassVar[dict[str, str]] = {}
    #: where the case comes from (reference section), shown in the catalogue listing
    source: ClassVar[str] = ""

    def __init__(self, element: str = "", **params: Any) -> None:
        self.element = element
        missing = self.parameters() - params.keys()
        for key in missing:  # a fault plan may omit parameters: show the placeholder name
            params[key] = f"<{key}>"
        self.params = params
        super().__init__(f"{self.code} {self.message}: {self.detail}")

    @classmethod
    def parameters(cls) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(cls.detail_template) if f}

    @property
    def detail(self) -> str:
        return self.detail_template.format(**self.params)

    def error(self) -> dict[str, Any]:
        """One entry of ``Fault.Error`` (service envelope, capitalised keys)."""
        return {"Message": self.message, "Detail": self.detail, "code": self.code, "element": self.element}

    def fragment(self) -> dict[str, Any]:
        """``{"Error": [...], "type": ...}`` — what a batch item embeds under ``Fault``."""
        return {"Error": [self.error()], "type": self.type}

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {
            "name": cls.name,
            "status": cls.status,
            "code": cls.code,
            "message": cls.message,
            "detail": cls.detail_template,
            "parameters": sorted(cls.parameters()),
            "type": cls.type,
            "envelope": cls.envelope,
            "source": cls.source,
        }


class FaultGroup(QBOFault):
    """Several service faults found in one request, answered as one ``Fault`` with many ``Error`` entries.

    QBO validates a request body as a whole and lists every problem it found (a missing CustomerRef
    and a bad e-mail arrive together [CAP-report Acctivate KB; integrator test fixture, see
    docs/research/qbo-behaviour-notes.md §Q12]). Not catalogued: it only carries catalogued faults;
    status, code and Message are the first one's (what the journal and the fault plan see).
    """

    name = "FaultGroup"

    def __init__(self, faults: list[QBOFault]) -> None:
        if not faults:
            raise ValueError("a FaultGroup needs at least one fault")
        self.faults = list(faults)
        first = self.faults[0]
        self.status, self.code, self.message = first.status, first.code, first.message  # type: ignore[misc]
        self.type, self.envelope, self.headers = first.type, first.envelope, first.headers  # type: ignore[misc]
        self.element, self.params = first.element, first.params
        Exception.__init__(self, "; ".join(str(f) for f in self.faults))

    @property
    def detail(self) -> str:
        return self.faults[0].detail

    def fragment(self) -> dict[str, Any]:
        return {"Error": [fault.error() for fault in self.faults], "type": self.type}


CATALOGUE: dict[str, type[QBOFault]] = {}


def _fault(name: str, *, status: int = 400, code: str, message: str, detail: str = "",
           fault_type: str = "ValidationFault", envelope: str = "service", source: str = "",
           headers: dict[str, str] | None = None) -> type[QBOFault]:
    cls = type(name, (QBOFault,), {
        "name": name, "status": status, "code": code, "message": message,
        "detail_template": detail, "type": fault_type, "envelope": envelope, "source": source,
        "headers": headers or {}, "__doc__": f"{code} {message}",
    })
    CATALOGUE[name] = cls
    return cls


_REQUIRED = "Required param missing, need to supply the required value for the API"
_BUSINESS = "A business validation error has occurred while processing your request"
_INACTIVE = ("Something you're trying to use has been made inactive. Check the fields with accounts, "
             "customers, items, vendors or employees.")

# --- validation (service envelope) ---------------------------------------------------------------
RequiredParamMissing = _fault(
    "RequiredParamMissing", code="2020", message=_REQUIRED,
    detail="Required parameter {param} is missing in the request", source="qbo-api §5.2 (CAP)")
InvalidProperty = _fault(
    "InvalidProperty", code="2010", message="Request has invalid or unsupported property",
    detail="Property Name:{reason} specified is unsupported or invalid", source="qbo-api §5.2 (CAP)")
InvalidString = _fault(
    "InvalidString", code="2040",
    message="Invalid String. The String may contain unsupported or illegal chars",
    detail="Element contains invalid characters. {value}", source="qbo-api §5.2 (CAP)")
LengthExceeded = _fault(
    "LengthExceeded", code="2050", message="String length is either shorter or longer than supported by specification",
    detail="String length specified does not match the supported length. Min:{min} Max:{max} supported. "
           "Supplied length:{length}", source="qbo-api §5.2 (CAP)")
InvalidEmail = _fault(
    "InvalidEmail", code="2210", message="Invalid Email Address format",
    detail="Email Address does not conform to the syntax rules of RFC 822. Supplied value:{value}",
    source="CAP-report (Acctivate KB, DBSync KB, dotnet-sdk#333, curbwaste KB; see behaviour notes §Q12)")
InvalidNumber = _fault(
    "InvalidNumber", code="2030", message="Invalid ID",
    detail="Id should be a valid number. Supplied value:{value}", source="INF (QBO 2030 wording)")
InvalidReference = _fault(
    "InvalidReference", code="2500", message="Invalid Reference Id",
    detail="Invalid Reference Id : {reason}", source="qbo-api §5.2 (CAP)")
InvalidEnum = _fault(
    "InvalidEnum", code="2170", message="Invalid Enumeration",
    detail="Invalid Enumeration : {value}", source="INF")
InvalidDate = _fault(
    "InvalidDate", code="2010", message="Request has invalid or unsupported property",
    detail="Property Name:Can not construct instance of java.util.Date from String value '{value}': "
           "not a valid representation specified is unsupported or invalid", source="INF from 2010 wording")
QueryParseError = _fault(
    "QueryParseError", code="4000", message="Error parsing query",
    detail="QueryParserError: {reason}", source="qbo-api §5.2 (CAP)")
QueryValidationError = _fault(
    "QueryValidationError", code="4001", message="Invalid query",
    detail="QueryValidationError: {reason}", source="qbo-api §5.2 (CAP)")
CustomerRefRequired = _fault(
    "CustomerRefRequired", code="6560", message="CustomerRef is required",
    detail="CustomerRef is missing in the request",
    source="CAP-report (Acctivate KB, curbwaste KB, an integrator's test fixture; Message INF)")
TxnCannotBeLinked = _fault(
    "TxnCannotBeLinked", code="620", message="TxnID Cannot Be Linked",
    detail="TxnID Cannot Be Linked : Cannot validate linked transactions: " + _INACTIVE,
    source="CAP-report (curbwaste KB: linking transactions of different customers)")
ObjectNotFound = _fault(
    "ObjectNotFound", code="610", message="Object Not Found",
    detail="Object Not Found : " + _INACTIVE, source="qbo-api §5.2 (CAP batch doc)")
ObjectDeleted = _fault(
    "ObjectDeleted", code="610", message="Object Not Found",
    detail="Object Not Found : Another user has deleted this transaction.", source="qbo-api §5.2 (CAP)")
StaleObject = _fault(
    "StaleObject", code="5010", message="Stale Object Error",
    detail="Stale Object Error : You and {user} were working on this at the same time. {user} finished "
           "before you did, so your work was not saved.", source="qbo-api §3 (CAP)")
BusinessValidation = _fault(
    "BusinessValidation", code="6000", message=_BUSINESS,
    detail="Business Validation Error: {reason}", source="qbo-api §5.2 (CAP)")
TaxRateMissing = _fault(
    "TaxRateMissing", code="6000", message=_BUSINESS,
    detail="Business Validation Error: Make sure all your transactions have a {tax_name} rate before you save.",
    source="qbo-api §2.3 (CAP activepieces#8539)")
NoNameProvided = _fault(
    "NoNameProvided", code="6080", message="No Name Provided",
    detail="No Name Provided : You must enter a name (DisplayName, or one of Title, GivenName, MiddleName, "
           "FamilyName, Suffix).", source="qbo-api §8 (DOC field text; Detail wording INF)")
AmountCalculation = _fault(
    "AmountCalculation", code="6070", message="Amount calculation incorrect in the request",
    detail="Amount is not equal to Qty * UnitPrice. Supplied value:{value}", source="qbo-api §2.2 (DOC old)")
DiscountMissingInfo = _fault(
    "DiscountMissingInfo", code="6090", message="Discount Line missing required info.",
    detail="Discount Line missing required info.", source="qbo-api §2.2 (DOC old)")
InvalidLineTaxCode = _fault(
    "InvalidLineTaxCode", code="6100", message="Invalid Line TaxCode in the request",
    detail="Valid Line TaxCodes for US should be TAX or NON. Supplied value:{value}", source="qbo-api §2.2 (DOC old)")
DuplicateDocNumber = _fault(
    "DuplicateDocNumber", code="6140", message="Duplicate Document Number Error",
    detail="Duplicate Document Number Error : You must specify a different number. This number has already "
           "been used. DocNumber={doc_number} is assigned to TxnType={txn_type} with TxnId={txn_id}",
    source="qbo-api §2.4 (CAP)")
InvalidCompanyStatus = _fault(
    "InvalidCompanyStatus", code="6190", message="Invalid Company Status",
    detail="Subscription period has ended or canceled or there was a billing problem : You can't add data to "
           "QuickBooks Online Plus because your trial or subscription period ended, you canceled your "
           "subscription, or there was a billing problem.", source="qbo-api §5.2 (DOC)")
AccountPeriodClosed = _fault(
    "AccountPeriodClosed", code="6210", message="Account Period Closed",
    detail="The account period has closed and the account books cannot be updated through the QBO Services "
           "API. Please use the QBO website to make these changes.", source="qbo-api §5.2 (DOC)")
DuplicateName = _fault(
    "DuplicateName", code="6240", message="Duplicate Name Exists Error",
    detail="The name supplied already exists. : Another {kind} is already using this name. "
           "Please use a different name.", source="qbo-api §5.2 (CAP)")
DepositedTransaction = _fault(
    "DepositedTransaction", code="6540", message="Deposited Transaction cannot be changed",
    detail="This transaction has been deposited. If you want to change or delete it, you must edit the "
           "deposit it appears on and remove it first.", source="qbo-api §5.2 (DOC)")
UnsupportedOperation = _fault(
    "UnsupportedOperation", code="500", message="Unsupported Operation",
    detail="Operation {operation} is not supported.", source="qbo-api §5.2 (CAP 2018)")
RequestTooLarge = _fault(
    "RequestTooLarge", status=413, code="500", message="Unsupported Operation",
    detail="Operation Request body exceeds the limit of {limit} bytes is not supported.",
    source="INF (QBO's limit and answer are not documented; shaped like its 500 Unsupported Operation)")
BatchEmpty = _fault(
    "BatchEmpty", code="400", message="MalformedRequest", detail="Batch Request is Empty",
    source="qbo-api §5.2 (CAP xml 2024)")
BatchTooLarge = _fault(
    "BatchTooLarge", code="1040", message="Batch size exceeds allowed limit",
    detail="Batch Request cannot have more than {limit} items.", source="qbo-api §7.1 (third-party list, INF)")
SystemFailure = _fault(
    "SystemFailure", status=500, code="10000",
    message="An application error has occurred while processing your request",
    detail="System Failure Error: {reason}", fault_type="SystemFault", source="qbo-api §5.2 (CAP RUBYFX)")
# A wrong/missing realm in the path is answered by the data service with this odd 6000 [CAP node-quickbooks#48].
UnexpectedInternal = _fault(
    "UnexpectedInternal", code="6000", message=_BUSINESS,
    detail="Business Validation Error: Unexpected Internal Error. (-30000)", source="qbo-api §5.2 (CAP)")

# --- gateway (lower-case JSON) -------------------------------------------------------------------
TokenExpired = _fault(
    "TokenExpired", status=401, code="3200", envelope="gateway", fault_type="AUTHENTICATION",
    message="message=AuthenticationFailed; errorCode=003200; statusCode=401",
    detail="Token expired: {token_hint}", source="qbo-api §5.1 (CAP 2021-2026)",
    headers={"WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"'})
TokenInvalid = _fault(
    "TokenInvalid", status=401, code="3200", envelope="gateway", fault_type="AUTHENTICATION",
    message="message=AuthenticationFailed; errorCode=003200; statusCode=401",
    detail="{reason}", source="qbo-api §5.1 (CAP 2026 sandbox)",
    headers={"WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"'})
AuthorizationFailed = _fault(
    "AuthorizationFailed", status=403, code="3100", envelope="gateway", fault_type="SERVICE",
    message="message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
    detail="", source="qbo-api §5.2 (CAP)")
ScopeInsufficient = _fault(
    "ScopeInsufficient", status=403, code="3100", envelope="gateway", fault_type="SERVICE",
    message="message=AuthorizationFailed; errorCode=003100; statusCode=403",
    detail="The access token does not have sufficient scope",
    source="CAP (QBOConceptsTutorial-PHP#13 2019 XML; Java-SDK#43): token without the accounting scope")
Throttled = _fault(
    "Throttled", status=429, code="3001", envelope="gateway", fault_type="SERVICE",
    message="message=ThrottleExceeded; errorCode=003001; statusCode=429",
    detail="The request limit was reached.  Try again later", source="qbo-api §5.2 (CAP)")
GatewayServerError = _fault(
    "GatewayServerError", status=500, code="3100", envelope="gateway", fault_type="SERVICE",
    message="message=InternalServerError; errorCode=003100; statusCode=500", detail="",
    source="qbo-api §5.2 (CAP 2018)")

# --- OAuth token endpoint ------------------------------------------------------------------------
InvalidGrant = _fault(
    "InvalidGrant", status=400, code="invalid_grant", envelope="oauth", fault_type="oauth",
    message="invalid_grant", source="qbo-api §6.3 (CAP)")
InvalidClient = _fault(
    "InvalidClient", status=401, code="invalid_client", envelope="oauth", fault_type="oauth",
    message="invalid_client", source="qbo-api §6.3 (CAP)")
InvalidRequest = _fault(
    "InvalidRequest", status=400, code="invalid_request", envelope="oauth", fault_type="oauth",
    message="invalid_request", detail="{reason}", source="RFC 6749 §5.2")
UnsupportedGrantType = _fault(
    "UnsupportedGrantType", status=400, code="unsupported_grant_type", envelope="oauth", fault_type="oauth",
    message="unsupported_grant_type", source="RFC 6749 §5.2")

# --- outage (HTML from the load balancer) --------------------------------------------------------
ServiceUnavailable = _fault(
    "ServiceUnavailable", status=503, code="503", envelope="outage", fault_type="outage",
    message="503 Service Temporarily Unavailable", source="qbo-api §5.2 (CAP)")
BadGateway = _fault(
    "BadGateway", status=502, code="502", envelope="outage", fault_type="outage",
    message="502 Bad Gateway", source="qbo-api §5.2 (CAP)")
GatewayTimeout = _fault(
    "GatewayTimeout", status=504, code="504", envelope="outage", fault_type="outage",
    message="504 Gateway Time-out", source="qbo-api §5.2 (CAP)")


def fault_by_name(name: str) -> type[QBOFault]:
    """Look a catalogued fault up by name (or by its unique code); ``KeyError`` names the choices."""
    if name in CATALOGUE:
        return CATALOGUE[name]
    by_code = [cls for cls in CATALOGUE.values() if cls.code == name]
    if len(by_code) == 1:
        return by_code[0]
    hint = f" (code {name} is shared by {', '.join(c.name for c in by_code)})" if by_code else ""
    raise KeyError(f"unknown fault {name!r}{hint}; catalogued: {', '.join(sorted(CATALOGUE))}")


_TAX_WORDING = {"AU": "GST", "CA": "GST/HST", "GB": "VAT", "UK": "VAT"}


def tax_rate_wording(country: str) -> str:
    """The tax name QBO uses in 6000 'have a … rate' for a company's country [CAP several]."""
    return _TAX_WORDING.get(country, "sales tax")
