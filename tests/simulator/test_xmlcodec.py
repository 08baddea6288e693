"""XML codec: shapes checked against QBO's captured XML (ruckus/quickbooks-ruby spec/fixtures)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.xmlcodec import NAMESPACE, XMLBodyError, from_xml, to_xml

TIME = "2013-11-16T10:26:42.762-08:00"

INVOICE: dict[str, Any] = {
    "Id": "1", "SyncToken": "2", "domain": "QBO", "sparse": False,
    "MetaData": {"CreateTime": "2013-11-15T15:22:43-08:00", "LastUpdatedTime": "2013-11-15T15:22:43-08:00"},
    "DocNumber": "1001", "TxnDate": "2013-11-15",
    "CurrencyRef": {"value": "USD", "name": "United States Dollar"},
    "Line": [
        {"Id": "1", "LineNum": 1, "Description": "Plush Baby Doll", "Amount": 50.0,
         "DetailType": "SalesItemLineDetail",
         "SalesItemLineDetail": {"ItemRef": {"value": "1", "name": "Sales"}, "UnitPrice": 50, "Qty": 1,
                                 "TaxCodeRef": {"value": "NON"}}},
        {"Amount": 50.0, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}},
    ],
    "TxnTaxDetail": {"TotalTax": Decimal("2.85"), "TaxLine": [
        {"Amount": 2.85, "DetailType": "TaxLineDetail",
         "TaxLineDetail": {"TaxRateRef": {"value": "20"}, "PercentBased": True, "TaxPercent": 10,
                           "NetAmountTaxable": 28.5}}]},
    "CustomerRef": {"value": "2", "name": "Sunset Bakery"},
    "CustomField": [{"DefinitionId": "1", "Name": "Crew #", "Type": "StringType", "StringValue": "102"}],
    "DueDate": "2013-11-30", "TotalAmt": 50.0, "ApplyTaxAfterDiscount": False,
    "PrintStatus": "NotSet", "EmailStatus": "NotSet", "Balance": 50.0, "Deposit": 0,
    "AllowIPNPayment": True, "PrivateNote": None, "LinkedTxn": [],
}

# fetch_invoice_by_id.xml's layout, with the fields above
INVOICE_XML = f"""
<IntuitResponse xmlns="{NAMESPACE}" time="{TIME}">
  <Invoice domain="QBO" sparse="false">
    <Id>1</Id>
    <SyncToken>2</SyncToken>
    <MetaData>
      <CreateTime>2013-11-15T15:22:43-08:00</CreateTime>
      <LastUpdatedTime>2013-11-15T15:22:43-08:00</LastUpdatedTime>
    </MetaData>
    <DocNumber>1001</DocNumber>
    <TxnDate>2013-11-15</TxnDate>
    <CurrencyRef name="United States Dollar">USD</CurrencyRef>
    <Line>
      <Id>1</Id>
      <LineNum>1</LineNum>
      <Description>Plush Baby Doll</Description>
      <Amount>50.00</Amount>
      <DetailType>SalesItemLineDetail</DetailType>
      <SalesItemLineDetail>
        <ItemRef name="Sales">1</ItemRef>
        <UnitPrice>50</UnitPrice>
        <Qty>1</Qty>
        <TaxCodeRef>NON</TaxCodeRef>
      </SalesItemLineDetail>
    </Line>
    <Line>
      <Amount>50.00</Amount>
      <DetailType>SubTotalLineDetail</DetailType>
      <SubTotalLineDetail />
    </Line>
    <TxnTaxDetail>
      <TotalTax>2.85</TotalTax>
      <TaxLine>
        <Amount>2.85</Amount>
        <DetailType>TaxLineDetail</DetailType>
        <TaxLineDetail>
          <TaxRateRef>20</TaxRateRef>
          <PercentBased>true</PercentBased>
          <TaxPercent>10</TaxPercent>
          <NetAmountTaxable>28.50</NetAmountTaxable>
        </TaxLineDetail>
      </TaxLine>
    </TxnTaxDetail>
    <CustomerRef name="Sunset Bakery">2</CustomerRef>
    <CustomField>
      <DefinitionId>1</DefinitionId>
      <Name>Crew #</Name>
      <Type>StringType</Type>
      <StringValue>102</StringValue>
    </CustomField>
    <DueDate>2013-11-30</DueDate>
    <TotalAmt>50.00</TotalAmt>
    <ApplyTaxAfterDiscount>false</ApplyTaxAfterDiscount>
    <PrintStatus>NotSet</PrintStatus>
    <EmailStatus>NotSet</EmailStatus>
    <Balance>50.00</Balance>
    <Deposit>0</Deposit>
    <AllowIPNPayment>true</AllowIPNPayment>
  </Invoice>
</IntuitResponse>
"""


def canon(xml: bytes | str) -> str:
    """Whitespace-insensitive canonical form (C14N 2.0), so layouts can differ."""
    text = xml.decode() if isinstance(xml, bytes) else xml
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[1]
    return ET.canonicalize(text, strip_text=True)


def stringified(value: Any, key: str = "") -> Any:
    """What an XML round trip gives back for a JSON value: numbers as QBO prints them, no nulls."""
    if isinstance(value, dict):
        return {k: stringified(v, k) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [stringified(v, key) for v in value]
    if isinstance(value, bool) or isinstance(value, str):
        return value
    return to_xml({key: value}).decode().split(f"<{key}>")[1].split("<")[0]


# -- to_xml ---------------------------------------------------------------------------------------

def test_invoice_matches_captured_shape() -> None:
    out = to_xml({"Invoice": INVOICE, "time": TIME})
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    assert canon(out) == canon(INVOICE_XML)


def test_fault_is_section_5_1_form_exactly() -> None:
    payload = {"Fault": {"Error": [{"Message": "Invalid Reference Id", "Detail": "Invalid Reference Id : x",
                                    "code": "2500", "element": "Line.SalesItemLineDetail.ItemRef"}],
                         "type": "ValidationFault"}, "time": TIME}
    body = to_xml(payload).decode().split("\n", 1)[1]
    assert body == (
        f'<IntuitResponse xmlns="{NAMESPACE}" time="{TIME}"><Fault type="ValidationFault">'
        '<Error code="2500" element="Line.SalesItemLineDetail.ItemRef"><Message>Invalid Reference Id</Message>'
        "<Detail>Invalid Reference Id : x</Detail></Error></Fault></IntuitResponse>")


def test_fault_without_element_and_several_errors() -> None:
    # generic_error.xml has no element attribute; fault.xml has two Errors
    payload = {"Fault": {"Error": [{"Message": "a", "Detail": "b", "code": "10000"},
                                   {"Message": "c", "Detail": "d", "code": "2080", "element": ""}],
                         "type": "SystemFault"}, "time": TIME}
    assert canon(to_xml(payload)) == canon(
        f'<IntuitResponse xmlns="{NAMESPACE}" time="{TIME}"><Fault type="SystemFault">'
        '<Error code="10000"><Message>a</Message><Detail>b</Detail></Error>'
        '<Error code="2080" element=""><Message>c</Message><Detail>d</Detail></Error></Fault></IntuitResponse>')


def test_query_response_counts_are_attributes() -> None:
    payload = {"QueryResponse": {"Invoice": [{"Id": "1"}, {"Id": "2"}], "startPosition": 1, "maxResults": 2,
                                 "totalCount": 2}, "time": TIME}
    assert canon(to_xml(payload)) == canon(
        f'<IntuitResponse xmlns="{NAMESPACE}" time="{TIME}">'
        '<QueryResponse startPosition="1" maxResults="2" totalCount="2">'
        "<Invoice><Id>1</Id></Invoice><Invoice><Id>2</Id></Invoice></QueryResponse></IntuitResponse>")


def test_empty_query_response() -> None:
    payload = {"QueryResponse": {}, "time": TIME}
    assert canon(to_xml(payload)) == canon(
        f'<IntuitResponse xmlns="{NAMESPACE}" time="{TIME}"><QueryResponse/></IntuitResponse>')


def test_batch_items_carry_bid() -> None:
    fault = {"Error": [{"Message": "m", "Detail": "d", "code": "6240", "element": ""}], "type": "ValidationFault"}
    payload = {"BatchItemResponse": [{"bId": "b1", "Invoice": {"Id": "5", "domain": "QBO"}},
                                     {"bId": "b2", "Fault": fault}], "time": TIME}
    assert canon(to_xml(payload)) == canon(
        f'<IntuitResponse xmlns="{NAMESPACE}" time="{TIME}">'
        '<BatchItemResponse bId="b1"><Invoice domain="QBO"><Id>5</Id></Invoice></BatchItemResponse>'
        '<BatchItemResponse bId="b2"><Fault type="ValidationFault"><Error code="6240" element="">'
        "<Message>m</Message><Detail>d</Detail></Error></Fault></BatchItemResponse></IntuitResponse>")


def test_cdc_response_nests_query_responses() -> None:
    # change_data_capture_response.xml: CDCResponse > QueryResponse(attrs) > entities
    payload = {"CDCResponse": [{"QueryResponse": [
        {"Invoice": [{"Id": "130"}, {"domain": "QBO", "status": "Deleted", "Id": "129"}],
         "startPosition": 1, "maxResults": 2, "totalCount": 2},
        {"Customer": [{"Id": "7"}], "startPosition": 1, "maxResults": 1}]}], "time": TIME}
    assert canon(to_xml(payload)) == canon(
        f'<IntuitResponse xmlns="{NAMESPACE}" time="{TIME}"><CDCResponse>'
        '<QueryResponse startPosition="1" maxResults="2" totalCount="2"><Invoice><Id>130</Id></Invoice>'
        '<Invoice domain="QBO" status="Deleted"><Id>129</Id></Invoice></QueryResponse>'
        '<QueryResponse startPosition="1" maxResults="1"><Customer><Id>7</Id></Customer></QueryResponse>'
        "</CDCResponse></IntuitResponse>")


def test_tax_service_is_wrapped() -> None:
    payload = {"TaxCode": "Rate Spec", "TaxCodeId": "4",
               "TaxRateDetails": [{"TaxRateId": "1", "TaxRateName": "Rate Spec", "RateValue": 3.5,
                                   "TaxAgencyId": "2", "TaxApplicableOn": "Sales"}]}
    assert canon(to_xml(payload)) == canon(
        f'<IntuitResponse xmlns="{NAMESPACE}"><TaxService><TaxCode>Rate Spec</TaxCode>'
        "<TaxCodeId>4</TaxCodeId><TaxRateDetails><TaxRateId>1</TaxRateId><TaxRateName>Rate Spec</TaxRateName>"
        "<RateValue>3.5</RateValue><TaxAgencyId>2</TaxAgencyId><TaxApplicableOn>Sales</TaxApplicableOn>"
        "</TaxRateDetails></TaxService></IntuitResponse>")


@pytest.mark.parametrize(("key", "value", "text"), [
    ("Amount", 50, "50.00"), ("Amount", 0.0, "0"), ("Balance", Decimal("0.00"), "0"),
    ("TotalAmt", 198.99, "198.99"), ("Amount", 0.125, "0.125"), ("Amount", -12.5, "-12.50"),
    ("UnitPrice", 50.0, "50"), ("UnitPrice", Decimal("12.5000000"), "12.5"), ("Qty", 1e-7, "0.0000001"),
    ("RateValue", 3.5, "3.5"), ("LineNum", 12, "12"), ("Taxable", True, "true"), ("Job", False, "false"),
    ("Amount", 1e20, "100000000000000000000.00"), ("Amount", Decimal("1e40"), "1" + "0" * 40),
])
def test_numbers_print_like_qbo(key: str, value: Any, text: str) -> None:
    assert f"<{key}>{text}</{key}>".encode() in to_xml({"X": {key: value}})


def test_text_is_escaped_and_invalid_characters_replaced() -> None:
    out = to_xml({"Customer": {"DisplayName": 'A & B <"Co">', "Notes": "bell\x07", "Title": "x]]>y"},
                  "time": "t&\"<"})
    root = ET.fromstring(out)
    assert root.get("time") == 't&"<'
    customer = root[0]
    assert customer.findtext(f"{{{NAMESPACE}}}DisplayName") == 'A & B <"Co">'
    assert customer.findtext(f"{{{NAMESPACE}}}Notes") == "bell\ufffd"
    assert customer.findtext(f"{{{NAMESPACE}}}Title") == "x]]>y"


# -- from_xml -------------------------------------------------------------------------------------

def test_request_body_unwraps_to_json_fields() -> None:
    # invoice_sparse_create_request.xml's shape
    body = f"""<Invoice xmlns="{NAMESPACE}" sparse="false">
        <DocNumber>1001</DocNumber>
        <Line><Description>Plush Baby Doll</Description><Amount>50</Amount>
          <DetailType>SalesItemLineDetail</DetailType>
          <SalesItemLineDetail><ItemRef>1</ItemRef><UnitPrice>50</UnitPrice><Qty>1</Qty></SalesItemLineDetail>
        </Line>
        <CustomerRef name="Amy">1</CustomerRef>
        <AllowOnlinePayment>false</AllowOnlinePayment>
        <PrivateNote>true</PrivateNote>
        <CustomerMemo></CustomerMemo>
    </Invoice>""".encode()
    name, fields = from_xml(body)
    assert name == "Invoice"
    assert fields == {
        "sparse": False, "DocNumber": "1001",
        "Line": [{"Description": "Plush Baby Doll", "Amount": "50", "DetailType": "SalesItemLineDetail",
                  "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "UnitPrice": "50", "Qty": "1"}}],
        "CustomerRef": {"value": "1", "name": "Amy"},
        "AllowOnlinePayment": False, "PrivateNote": "true", "CustomerMemo": "",
    }


def test_batch_request_body() -> None:
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
    <IntuitBatchRequest xmlns="{NAMESPACE}">
      <BatchItemRequest bId="b1" operation="create"><Invoice><CustomerRef>1</CustomerRef></Invoice></BatchItemRequest>
      <BatchItemRequest bId="b2" operation="update" optionsData="void"><Invoice><Id>7</Id></Invoice></BatchItemRequest>
      <BatchItemRequest bId="b3"><Query>select * from Invoice</Query></BatchItemRequest>
    </IntuitBatchRequest>""".encode()
    assert from_xml(body) == ("IntuitBatchRequest", {"BatchItemRequest": [
        {"bId": "b1", "operation": "create", "Invoice": {"CustomerRef": {"value": "1"}}},
        {"bId": "b2", "operation": "update", "optionsData": "void", "Invoice": {"Id": "7"}},
        {"bId": "b3", "Query": "select * from Invoice"},
    ]})


def test_single_batch_item_is_still_a_list() -> None:
    body = b'<IntuitBatchRequest><BatchItemRequest bId="1"><Query>x</Query></BatchItemRequest></IntuitBatchRequest>'
    assert from_xml(body)[1] == {"BatchItemRequest": [{"bId": "1", "Query": "x"}]}


def test_invoice_round_trip() -> None:
    name, fields = from_xml(to_xml({"Invoice": INVOICE, "time": TIME}))
    assert name == "IntuitResponse"
    assert fields == {"time": TIME, "Invoice": stringified(INVOICE)}
    # the reference and list shapes survive
    assert fields["Invoice"]["CustomerRef"] == {"value": "2", "name": "Sunset Bakery"}
    assert fields["Invoice"]["TxnTaxDetail"]["TaxLine"][0]["TaxLineDetail"]["PercentBased"] is True


@given(st.text())
def test_any_text_round_trips(text: str) -> None:
    _, fields = from_xml(to_xml({"Customer": {"Notes": text, "SomeRef": {"value": "1", "name": text}}}))
    expected = "".join("\ufffd" if c in "\x00\x08\x0b\x0c\ufffe\uffff" or ord(c) < 0x20 and c not in "\t\n\r"
                       or 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    assert fields["Customer"]["SomeRef"]["name"] == expected
    assert fields["Customer"]["Notes"] == expected


@pytest.mark.parametrize("body", [
    # external entity (XXE)
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice>&e;</Invoice>',
    # billion laughs
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><Invoice>&b;</Invoice>',
    # any DTD at all
    b'<!DOCTYPE Invoice><Invoice/>',
    b'<!DOCTYPE Invoice SYSTEM "http://example.com/x.dtd"><Invoice/>',
    # malformed, empty, not XML
    b"<Invoice><Line></Invoice>", b"", b"   ", b'{"Invoice": {}}', b"<Invoice>&nbsp;</Invoice>",
    # not UTF-8
    "<Invoice><Name>Caf\u00e9</Name></Invoice>".encode("latin-1"),
    "<Invoice/>".encode("utf-16"),
    # absurd nesting
    b"<a>" * 200 + b"</a>" * 200,
])
def test_unsafe_or_malformed_bodies_raise_xml_body_error(body: bytes) -> None:
    with pytest.raises(XMLBodyError) as info:
        from_xml(body)
    assert info.value.reason


def test_declared_encoding_does_not_override_utf8() -> None:
    body = '<?xml version="1.0" encoding="ISO-8859-1"?><Customer><Name>Café</Name></Customer>'.encode()
    assert from_xml(body) == ("Customer", {"Name": "Café"})


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=512),
                 st.text(max_size=200).map(lambda t: f"<Invoice>{t}</Invoice>".encode("utf-8", "replace")),
                 st.lists(st.sampled_from(["<a>", "</a>", "<b x='1'>", "</b>", "&amp;", "&e;", "<!DOCTYPE a>",
                                           "<![CDATA[", "]]>", "<?pi?>", "<!--", "-->", "text", "\x00"]),
                          max_size=40).map(lambda parts: "".join(parts).encode())))
def test_arbitrary_bytes_only_ever_raise_xml_body_error(body: bytes) -> None:
    try:
        name, fields = from_xml(body)
    except XMLBodyError:
        return
    assert isinstance(name, str) and isinstance(fields, dict)
