"""Invoice PDFs open in a real PDF reader (pypdf) and say which invoice they are."""

from __future__ import annotations

import io
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.pdf import render_invoice_pdf
from tests.prerequisites import require_module

pypdf = require_module("pypdf", "pip install -e '.[test]'")


def invoice(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "Id": "130", "DocNumber": "1037", "TxnDate": "2024-03-01", "DueDate": "2024-03-31",
        "CustomerRef": {"value": "3", "name": "Amy's Bird Sanctuary"},
        "BillAddr": {"Line1": "4581 Finch St.", "City": "Bayshore", "CountrySubDivisionCode": "CA",
                     "PostalCode": "94326"},
        "SalesTermRef": {"value": "3", "name": "Net 30"},
        "Line": [
            {"Id": "1", "LineNum": 1, "Description": "Rock Fountain", "Amount": 1275.0,
             "DetailType": "SalesItemLineDetail",
             "SalesItemLineDetail": {"ItemRef": {"value": "5", "name": "Rock Fountain"}, "UnitPrice": 275,
                                     "Qty": 5}},
            {"Amount": 1375.0, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}},
            {"Amount": 100.0, "DetailType": "DiscountLineDetail",
             "DiscountLineDetail": {"PercentBased": False, "DiscountAccountRef": {"value": "86"}}},
        ],
        "TxnTaxDetail": {"TotalTax": 102.0, "TaxLine": [
            {"Amount": 102.0, "DetailType": "TaxLineDetail",
             "TaxLineDetail": {"TaxRateRef": {"value": "3", "name": "California"}, "PercentBased": True,
                               "TaxPercent": 8, "NetAmountTaxable": 1275.0}}]},
        "TotalAmt": 1377.0, "Balance": 1377.0,
    }
    base["Line"].insert(1, {"Id": "2", "LineNum": 2, "Amount": 100.0, "DetailType": "SalesItemLineDetail",
                            "SalesItemLineDetail": {"ItemRef": {"value": "8", "name": "Pump"}, "Qty": 1}})
    base.update(overrides)
    return base


def read(pdf: bytes) -> tuple[Any, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_is_a_pdf_14_with_the_invoice_text() -> None:
    pdf = render_invoice_pdf(invoice(), company_name="Craig's Design and Landscaping")
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.rstrip().endswith(b"%%EOF")
    reader, text = read(pdf)
    assert len(reader.pages) == 1
    assert reader.metadata.title == "Invoice 1037"
    for expected in ("Craig's Design and Landscaping", "Invoice 1037", "Amy's Bird Sanctuary", "4581 Finch St.",
                     "2024-03-01", "2024-03-31", "Net 30", "Rock Fountain", "275.00", "1,275.00", "Pump",
                     "Subtotal", "1,375.00", "Discount", "-100.00", "California", "102.00", "Total", "1,377.00",
                     "Balance due"):
        assert expected in text, expected
    assert "VOID" not in text


def test_xref_offsets_point_at_their_objects() -> None:
    pdf = render_invoice_pdf(invoice(), company_name="Co")
    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
    assert pdf[startxref:].startswith(b"xref\n0 ")
    header, *entries = pdf[startxref:].split(b"trailer")[0].splitlines()[1:]
    count = int(header.split()[1])
    assert len(entries) == count and all(len(e) + 1 == 20 for e in entries)  # 20-byte entries incl. EOL
    for number, entry in enumerate(entries[1:], start=1):
        offset = int(entry[:10])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)
    assert b"/Size %d" % count in pdf
    for length, stream in re.findall(rb"/Length (\d+) >>\nstream\n(.*?)endstream", pdf, re.S):
        assert int(length) == len(stream)


def test_customer_name_argument_and_fallbacks() -> None:
    _, text = read(render_invoice_pdf(invoice(), company_name="Co", customer_name="Amy B. (billing)"))
    assert "Amy B. (billing)" in text
    _, text = read(render_invoice_pdf(invoice(CustomerRef={"value": "58"}, DocNumber=None),
                                      company_name="Co", title="Estimate"))
    assert "58" in text and "Estimate 130" in text  # no DocNumber: the Id names it


def test_voided_invoice_says_void() -> None:
    voided = invoice(PrivateNote="Voided", TotalAmt=0, Balance=0)
    _, text = read(render_invoice_pdf(voided, company_name="Co"))
    assert "VOID" in text and "Invoice 1037" in text


def test_many_lines_paginate_with_header_and_page_numbers() -> None:
    lines = [{"Id": str(i), "Description": f"Line item number {i} " + "long words " * (i % 7),
              "Amount": 10.0, "DetailType": "SalesItemLineDetail",
              "SalesItemLineDetail": {"Qty": 1, "UnitPrice": 10}} for i in range(1, 201)]
    pdf = render_invoice_pdf(invoice(Line=lines, TotalAmt=2000, Balance=2000), company_name="Co")
    reader, text = read(pdf)
    assert len(reader.pages) > 3
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert "Invoice 1037" in page_text
        assert f"Page {number} of {len(reader.pages)}" in page_text
    for i in (1, 100, 200):
        assert f"Line item number {i} " in text
    assert "2,000.00" in reader.pages[-1].extract_text()


def test_weird_characters_do_not_break_it() -> None:
    nasty = "Caf\u00e9 (\u201cZ\u00fcrich\u201d) \\ back) slash ((( \u6771\u4eac \U0001F389 \x00\x07\ttab\r\n\u0301"
    pdf = render_invoice_pdf(
        invoice(DocNumber="A(1)\\", CustomerRef={"value": "1", "name": nasty},
                Line=[{"Description": nasty * 5, "Amount": "12.5", "DetailType": "DescriptionOnly",
                       "DescriptionOnly": {}},
                      {"Description": "x" * 2000, "Amount": None, "DetailType": "SalesItemLineDetail",
                       "SalesItemLineDetail": {"Qty": "not a number", "UnitPrice": float("nan")}}]),
        company_name="\u0141\u00f3d\u017a \u2014 Co" * 20)
    reader, text = read(pdf)
    assert "Invoice A(1)\\" in text
    assert "Caf\u00e9" in text and "\u201cZ\u00fcrich\u201d" in text  # cp1252 has these
    assert "\u6771" not in text and "?" in text  # CJK and emoji degrade to "?"
    assert "L\u00f3dz" in text  # no cp1252 glyph: accents dropped
    assert "12.50" in text
    assert all(ord(c) < 128 for c in pdf.split(b"stream\n", 1)[1].decode("latin-1").split("endstream")[0])


def test_output_is_deterministic() -> None:
    assert render_invoice_pdf(invoice(), company_name="Co") == render_invoice_pdf(invoice(), company_name="Co")


def test_bare_invoice_renders() -> None:
    _, text = read(render_invoice_pdf({}, company_name="Co"))
    assert "Invoice" in text and "Total" in text


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300), st.text(max_size=60))
def test_any_text_yields_a_readable_pdf(description: str, name: str) -> None:
    pdf = render_invoice_pdf(invoice(Line=[{"Description": description, "Amount": 1,
                                            "DetailType": "SalesItemLineDetail",
                                            "SalesItemLineDetail": {}}]),
                             company_name=name, customer_name=name)
    reader, text = read(pdf)
    assert "1,377.00" in text and len(reader.pages) >= 1
