"""QBO's XML dialect: JSON payload dicts to ``IntuitResponse`` XML, and XML request bodies to dicts.

QBO answers in XML whenever a request does not ask for JSON, and accepts XML bodies. The simulator
builds every answer as the JSON payload first, so XML is a pure translation, following the JAXB
mapping QBO's JSON was generated from (checked against the captured XML in ruckus/quickbooks-ruby
``spec/fixtures``):

* lower-case keys are XML attributes (``domain``/``sparse``/``status`` on entities, ``type`` on
  ``Fault``, ``code``/``element`` on ``Error``, ``startPosition``/``maxResults``/``totalCount`` on
  ``QueryResponse``, ``bId`` on ``BatchItemResponse``, ``time`` on ``IntuitResponse``); capitalised
  keys are child elements, in dict order;
* a ReferenceType ``{"value": "2", "name": "Sunset Bakery"}`` is ``<CustomerRef name="Sunset
  Bakery">2</CustomerRef>``: ``value`` is the text, ``name``/``type`` attributes;
* lists are repeated elements (``<Line>``, ``<BatchItemResponse>``, ``<QueryResponse>`` inside
  ``<CDCResponse>``); ``None`` and empty lists are omitted, ``{}`` is an empty element;
* money fields print like Java ``BigDecimal`` in the fixtures: two decimals, but a bare ``0``
  (``<Amount>50.00</Amount>``, ``<Deposit>0</Deposit>``); other numbers print minimally
  (``<UnitPrice>50</UnitPrice>``, ``<RateValue>3.5</RateValue>``).

Parsing (:func:`from_xml`) goes through ``defusedxml`` with DTDs, entities and external references
forbidden, and every failure surfaces as :class:`XMLBodyError`, so the view maps one exception to
QBO's parse fault.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

__all__ = ["NAMESPACE", "XMLBodyError", "from_xml", "to_xml"]

NAMESPACE = "http://schema.intuit.com/finance/v3"

_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

#: amounts QBO prints with scale 2 (zero prints as "0"): every one seen so in the Ruby fixtures
MONEY_FIELDS = frozenset({
    "Amount", "TotalAmt", "Balance", "HomeBalance", "HomeTotalAmt", "HomeAmount", "TotalTax",
    "NetAmountTaxable", "TotalNetAmountTaxable", "Deposit", "TaxAmount", "UnappliedAmt",
    "RemainingCredit", "CurrentBalance", "CurrentBalanceWithSubAccounts", "BalanceWithJobs",
    "OpenBalance", "DiscountAmount", "BillRate",
})

#: request fields that are lists even when the XML holds only one element
LIST_FIELDS = frozenset({
    "Line", "TaxLine", "LinkedTxn", "CustomField", "TaxRateDetail", "TaxRateDetails",
    "BatchItemRequest", "BatchItemResponse", "NameValue", "ItemGroupLine", "AttachableRef",
    "Error", "CDCResponse",
})

#: request fields whose "true"/"false" text becomes a JSON boolean; other text stays a string
BOOL_FIELDS = frozenset({
    "sparse", "Active", "Taxable", "PercentBased", "ApplyTaxAfterDiscount", "Job", "BillWithParent",
    "Organization", "BooleanValue", "TrackQtyOnHand", "SubItem", "SubAccount", "TaxGroup",
    "SalesTaxIncluded", "PurchaseTaxIncluded", "TaxIncluded", "Hidden", "FreeFormAddress",
})
_BOOL_PREFIX = re.compile(r"^(Allow|Is|Has)[A-Z]")

#: elements whose JSON ``value`` key is an attribute, not the text (report cells)
_VALUE_ATTRIBUTE_ELEMENTS = frozenset({"ColData", "ColTitle"})

#: nesting deeper than any QBO entity; stops recursion on hostile input
MAX_DEPTH = 64

# XML 1.0 forbids these code points outright; they are replaced, not escaped
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class XMLBodyError(ValueError):
    """An XML request body that is malformed, unsafe, or not UTF-8; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- JSON payload -> XML -------------------------------------------------------------------------

def to_xml(payload: dict[str, Any], root: str = "IntuitResponse") -> bytes:
    """Render a JSON response payload as QBO's ``IntuitResponse`` document (UTF-8 bytes).

    Reports are the exception to the envelope: their root is ``<Report>`` (``root="Report"``), with
    ``Header``/``Columns``/``Rows`` children, as in the captured quickbooks-ruby ``balancesheet.xml``.

    TaxService answers carry no envelope (``{"TaxCode": ..., "TaxRateDetails": [...]}``); QBO wraps
    them in ``<TaxService>`` (fixture ``tax_service_entity.xml``), so that is done here too.
    """
    body = dict(payload)
    if "TaxRateDetails" in body and "TaxService" not in body:
        time = body.pop("time", None)
        body = {"TaxService": body} if time is None else {"TaxService": body, "time": time}
    out: list[str] = [_DECLARATION]
    _element(out, root, body, xmlns=NAMESPACE)
    return "".join(out).encode("utf-8")


def _element(out: list[str], tag: str, value: Any, xmlns: str | None = None) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _element(out, tag, item)
        return
    attrs: list[tuple[str, Any]] = [("xmlns", xmlns)] if xmlns else []
    text: str | None = None
    children: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        value_is_text = tag not in _VALUE_ATTRIBUTE_ELEMENTS and not any(
            k[:1].isupper() for k in value)
        for key, item in value.items():
            if key == "value" and value_is_text:
                text = _scalar(tag, item)
            elif key[:1].islower() and not isinstance(item, (dict, list)):
                if item is not None:
                    attrs.append((key, item))
            else:
                children.append((key, item))
    else:
        text = _scalar(tag, value)
    out.append("<" + tag)
    for name, item in attrs:
        out.append(f' {name}="{_escape(_scalar(name, item), attribute=True)}"')
    if text is None and not children:
        out.append("/>")
        return
    out.append(">")
    if text is not None:
        out.append(_escape(text))
    for key, item in children:
        _element(out, key, item)
    out.append(f"</{tag}>")


def _scalar(tag: str, value: Any) -> str:
    """Text for one JSON scalar, printed the way QBO's XML prints it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return _number(tag, value)
    return str(value)


def _number(tag: str, value: int | float | Decimal) -> str:
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    if number == 0:
        return "0"
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    if tag in MONEY_FIELDS and exponent > -2:
        try:
            return format(number.quantize(Decimal("0.01")), "f")
        except InvalidOperation:  # more digits than the context holds; QBO caps amounts far lower
            pass
    return format(normal, "f")


def _escape(text: str, *, attribute: bool = False) -> str:
    text = _INVALID_XML_CHARS.sub("\ufffd", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\r", "&#13;")  # parsers turn a bare CR into LF
    if attribute:  # attribute-value normalisation would turn these into spaces
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


# -- XML request body -> JSON-shaped dict ---------------------------------------------------------

def from_xml(body: bytes) -> tuple[str, dict[str, Any]]:
    """Parse an XML request body into ``(root element name, fields)``.

    ``<Invoice xmlns="...">...</Invoice>`` gives ``("Invoice", {...})`` with the top-level fields the
    JSON API receives unwrapped; ``<IntuitBatchRequest>`` gives ``("IntuitBatchRequest",
    {"BatchItemRequest": [{"bId": ..., "operation": ..., "Invoice": {...}}]})``.

    Numbers stay strings ("50.00"), as the JSON rules already parse numbers from strings; booleans
    become ``True``/``False`` for known boolean fields only, so free text such as a ``PrivateNote``
    of "true" is left alone. An empty element is ``""`` (which the rules treat as null), except
    ``*Detail`` elements, which are ``{}`` as in JSON (``<SubTotalLineDetail/>``). Namespaces are
    dropped: clients send QBO's, and no element name depends on one.

    :raises XMLBodyError: malformed, DTD/entity-bearing, not UTF-8, or absurdly nested input.
    """
    if not isinstance(body, (bytes, bytearray)):
        raise XMLBodyError("request body must be bytes")
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise XMLBodyError(f"request body is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise XMLBodyError("request body is empty")
    try:
        # a str is parsed as UTF-8 whatever the declaration claims, which is what we decoded
        root = SafeET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except ET.ParseError as exc:
        raise XMLBodyError(f"malformed XML: {exc}") from None
    except defusedxml.DefusedXmlException as exc:
        raise XMLBodyError(f"forbidden XML construct: {type(exc).__name__}") from None
    except (ValueError, UnicodeError) as exc:  # e.g. NUL characters rejected by expat's str path
        raise XMLBodyError(f"unreadable XML: {exc}") from None
    name = _local(root.tag)
    fields = _fields(root, 1)
    if not isinstance(fields, dict):
        fields = {} if fields == "" else {"value": fields}
    return name, fields


def _local(tag: Any) -> str:
    if not isinstance(tag, str):  # comments / processing instructions never reach here, but be sure
        raise XMLBodyError("unexpected XML node")
    return tag.rsplit("}", 1)[-1]


def _fields(elem: ET.Element, depth: int) -> Any:
    """The JSON value of one element: a dict, a string, or a boolean."""
    if depth > MAX_DEPTH:
        raise XMLBodyError(f"XML nested deeper than {MAX_DEPTH} levels")
    tag = _local(elem.tag)
    attrs = {_local(k): _attr_value(_local(k), v) for k, v in elem.attrib.items()}
    kids = list(elem)
    text = elem.text or ""
    if not kids:
        if tag.endswith("Ref") or (attrs and text.strip()):
            return {"value": text.strip(), **attrs} if text.strip() or not attrs else attrs
        if attrs:
            return attrs
        if tag.endswith("Detail") and not text.strip():
            return {}
        return _text_value(tag, text)
    out: dict[str, Any] = dict(attrs)
    for kid in kids:
        key = _local(kid.tag)
        value = _fields(kid, depth + 1)
        if key in out:  # a repeated element is a list whatever its name
            if not isinstance(out[key], list):
                out[key] = [out[key]]
            out[key].append(value)
        else:
            out[key] = [value] if key in LIST_FIELDS else value
    return out


def _text_value(tag: str, text: str) -> Any:
    if tag in BOOL_FIELDS or _BOOL_PREFIX.match(tag):
        if text.strip() in ("true", "false"):
            return text.strip() == "true"
    return text


def _attr_value(name: str, value: str) -> Any:
    return value == "true" if name in BOOL_FIELDS and value in ("true", "false") else value
