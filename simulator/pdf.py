"""Invoice PDFs for ``GET /invoice/{id}/pdf``, written by hand as plain PDF 1.4.

Clients only store or forward the bytes, so what matters is that they are a real PDF a viewer (or
``pypdf``) opens and whose text says which invoice it is. Writing the few objects ourselves keeps
the simulator free of a PDF dependency and makes the output deterministic (no creation date, no
random file id), so an idempotent replay returns identical bytes.

Text uses the standard Helvetica fonts with ``WinAnsiEncoding`` (cp1252), which every reader has
without embedding; characters outside it degrade to their unaccented form or ``?``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["render_invoice_pdf"]

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, points
MARGIN = 50
RIGHT = PAGE_WIDTH - MARGIN
BOTTOM = 80  # lowest baseline for table rows; the footer sits below
LEADING = 13
FONT_SIZE = 10
DESC_WIDTH = 300  # description column, points
COL_QTY, COL_RATE, COL_AMOUNT = 420, 490, RIGHT  # right edges of the numeric columns

# Helvetica advance widths (1/1000 em) for ASCII 32..126, from Adobe's core-font metrics
_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Latin letters that Unicode does not decompose into a base letter plus accent
_NO_DECOMPOSITION = str.maketrans("\u0141\u0142\u0110\u0111\u0131\u0126\u0127\u0166\u0167", "LlDdiHhTt")


def render_invoice_pdf(invoice: dict[str, Any], *, company_name: str, customer_name: str | None = None,
                       title: str = "Invoice") -> bytes:
    """Render ``invoice`` (its QBO JSON form) as a PDF document.

    :param company_name: the seller, printed at the top of every page.
    :param customer_name: bill-to name; defaults to ``CustomerRef.name`` (or its value).
    :param title: document title, e.g. ``"Invoice"``; the DocNumber is appended.
    """
    doc_number = _text(invoice.get("DocNumber")) or _text(invoice.get("Id"))
    heading = f"{title} {doc_number}".strip()
    voided = _text(invoice.get("PrivateNote")).startswith("Voided")  # QBO's void marker (ref 2.6)
    layout = _Layout(company_name=company_name, heading=heading, voided=voided)

    layout.first_page_block(_info_lines(invoice), _bill_to(invoice, customer_name))
    layout.table(_rows(invoice.get("Line") or []))
    layout.totals(_totals(invoice))
    memo = _ref_text(invoice.get("CustomerMemo"))
    if memo:
        layout.note("Message", memo)
    return _assemble(layout.finish(), title=heading)


# -- reading the invoice --------------------------------------------------------------------------

def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _ref_text(ref: Any) -> str:
    """A ReferenceType (or ``CustomerMemo``) as display text: its name, else its value."""
    if isinstance(ref, dict):
        return _text(ref.get("name") or ref.get("value"))
    return _text(ref)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _money(value: Any) -> str:
    """``1234.5`` -> ``1,234.50``; non-numbers are shown as given."""
    number = _decimal(value)
    return _text(value) if number is None else f"{number:,.2f}"


def _qty(value: Any) -> str:
    number = _decimal(value)
    if number is None:
        return _text(value)
    return f"{number.normalize():f}" if number != 0 else "0"


def _info_lines(invoice: dict[str, Any]) -> list[tuple[str, str]]:
    info = [("Date", _text(invoice.get("TxnDate"))), ("Due date", _text(invoice.get("DueDate")))]
    if invoice.get("SalesTermRef"):
        info.append(("Terms", _ref_text(invoice["SalesTermRef"])))
    if invoice.get("CurrencyRef"):
        info.append(("Currency", _text(invoice["CurrencyRef"].get("value")) if isinstance(
            invoice["CurrencyRef"], dict) else _text(invoice["CurrencyRef"])))
    return [(k, v) for k, v in info if v]


def _bill_to(invoice: dict[str, Any], customer_name: str | None) -> list[str]:
    lines = [customer_name or _ref_text(invoice.get("CustomerRef"))]
    addr = invoice.get("BillAddr")
    if isinstance(addr, dict):
        lines += [_text(addr.get(f"Line{i}")) for i in range(1, 6)]
        lines.append(" ".join(_text(addr.get(k)) for k in ("City", "CountrySubDivisionCode", "PostalCode")))
        lines.append(_text(addr.get("Country")))
    return [line.strip() for line in lines if line and line.strip()]


@dataclass
class _Row:
    description: str
    qty: str = ""
    rate: str = ""
    amount: str = ""


def _rows(lines: Iterable[Any], indent: str = "") -> list[_Row]:
    rows: list[_Row] = []
    for line in lines:
        if not isinstance(line, dict):
            continue
        kind = line.get("DetailType")
        detail = line.get(kind) if isinstance(kind, str) and isinstance(line.get(kind), dict) else {}
        if kind in ("SubTotalLineDetail", "DiscountLineDetail"):
            continue  # shown in the totals block
        desc = _text(line.get("Description")) or _ref_text(detail.get("ItemRef") or detail.get("GroupItemRef"))
        amount = "" if kind == "DescriptionOnly" and not _decimal(line.get("Amount")) else _money(line.get("Amount"))
        qty = detail.get("Qty", detail.get("Quantity"))
        rows.append(_Row(indent + desc, _qty(qty) if qty is not None else "",
                         _money(detail["UnitPrice"]) if detail.get("UnitPrice") is not None else "", amount))
        if kind == "GroupLineDetail":
            rows += _rows(detail.get("Line") or [], indent + "    ")
    return rows


def _totals(invoice: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(label, amount, bold) rows under the table."""
    lines = [x for x in invoice.get("Line") or [] if isinstance(x, dict)]
    subtotal = next((x.get("Amount") for x in lines if x.get("DetailType") == "SubTotalLineDetail"), None)
    if subtotal is None:
        subtotal = sum((_decimal(x.get("Amount")) or Decimal(0) for x in lines
                        if x.get("DetailType") in ("SalesItemLineDetail", "GroupLineDetail")), Decimal(0))
    out = [("Subtotal", _money(subtotal), False)]
    for x in lines:
        if x.get("DetailType") == "DiscountLineDetail":
            detail = x.get("DiscountLineDetail") or {}
            label = "Discount"
            if detail.get("PercentBased") and detail.get("DiscountPercent") is not None:
                label += f" ({_qty(detail['DiscountPercent'])}%)"
            out.append((label, "-" + _money(x.get("Amount")), False))
    tax = invoice.get("TxnTaxDetail") if isinstance(invoice.get("TxnTaxDetail"), dict) else {}
    tax_lines = [t for t in tax.get("TaxLine") or [] if isinstance(t, dict)]
    for t in tax_lines:
        detail = t.get("TaxLineDetail") or {}
        label = "Tax"
        if detail.get("TaxRateRef"):
            label += " " + _ref_text(detail["TaxRateRef"])
        if detail.get("TaxPercent") is not None:
            label += f" ({_qty(detail['TaxPercent'])}%)"
        out.append((label, _money(t.get("Amount")), False))
    if not tax_lines and _decimal(tax.get("TotalTax")):
        out.append(("Tax", _money(tax.get("TotalTax")), False))
    out.append(("Total", _money(invoice.get("TotalAmt")), True))
    if _decimal(invoice.get("Deposit")):
        out.append(("Deposit", "-" + _money(invoice.get("Deposit")), False))
    out.append(("Balance due", _money(invoice.get("Balance")), True))
    return out


# -- text handling --------------------------------------------------------------------------------

def _winansi(text: str) -> bytes:
    """Encode for WinAnsiEncoding: cp1252 where possible, else the unaccented letter, else ``?``."""
    out = bytearray()
    for char in _CONTROL.sub(" ", text):
        try:
            out += char.encode("cp1252")
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(c for c in unicodedata.normalize("NFKD", char.translate(_NO_DECOMPOSITION))
                       if not unicodedata.combining(c))
        try:
            out += base.encode("cp1252") if base and len(base) <= 3 else b"?"
        except UnicodeEncodeError:
            out += b"?"
    return bytes(out)


def _pdf_string(text: str) -> bytes:
    """A PDF literal string, ASCII-only: ``\\``, ``(``, ``)`` escaped, high bytes as octal."""
    out = bytearray(b"(")
    for byte in _winansi(text):
        if byte in b"\\()":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    return bytes(out + b")")


@functools.lru_cache(maxsize=4096)
def _units(char: str) -> int:
    """Advance width of one character in 1/1000 em, as it will be encoded."""
    return sum(_WIDTHS[b - 32] if 32 <= b < 127 else 556 for b in _winansi(char))


def _width(text: str, size: float, bold: bool = False) -> float:
    return sum(map(_units, text)) * size / 1000 * (1.06 if bold else 1.0)


def _wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """Word-wrap to ``width`` points; overlong words are split between characters."""
    limit = width * 1000 / size
    space = _units(" ")
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current, used = "", 0
        for word in paragraph.split(" "):
            units = sum(map(_units, word))
            if current and used + space + units <= limit:
                current, used = f"{current} {word}", used + space + units
                continue
            if current:
                lines.append(current)
            current, used = "", 0
            for char in word:
                if current and used + _units(char) > limit:
                    lines.append(current)
                    current, used = "", 0
                current, used = current + char, used + _units(char)
        lines.append(current)
    return lines


def _fit(text: str, width: float, size: float) -> str:
    """``text`` cut short with an ellipsis so it fits ``width`` points in bold."""
    if _width(text, size, bold=True) <= width:
        return text
    text = text[:int(width / size * 5)]  # no glyph is narrower than a fifth of an em: bounds the loop
    while text and _width(text + "...", size, bold=True) > width:
        text = text[:-1]
    return text + "..."


# -- layout ---------------------------------------------------------------------------------------

@dataclass
class _Layout:
    company_name: str
    heading: str
    voided: bool
    pages: list[list[bytes]] = field(default_factory=list)
    y: float = 0

    def __post_init__(self) -> None:
        self.new_page()

    @property
    def ops(self) -> list[bytes]:
        return self.pages[-1]

    def text(self, x: float, y: float, text: str, *, size: float = FONT_SIZE, bold: bool = False,
             align: str = "left", color: str = "0 g") -> None:
        if not text:
            return
        if align == "right":
            x -= _width(text, size, bold)
        font = b"/F2" if bold else b"/F1"
        self.ops.append(b"BT %s %s %g Tf %.2f %.2f Td %s Tj ET" % (
            color.encode(), font, size, x, y, _pdf_string(text)))

    def rule(self, y: float) -> None:
        self.ops.append(b"0.6 G 0.5 w %d %.2f m %d %.2f l S 0 G" % (MARGIN, y, RIGHT, y))

    def new_page(self) -> None:
        self.pages.append([])
        top = PAGE_HEIGHT - MARGIN
        room = RIGHT - MARGIN - _width(self.heading, 18, bold=True) - 20
        self.text(MARGIN, top - 6, _fit(self.company_name, room, 16), size=16, bold=True)
        self.text(RIGHT, top - 6, self.heading, size=18, bold=True, align="right")
        if self.voided:
            self.text(RIGHT, top - 40, "VOID", size=28, bold=True, align="right", color="0.8 0 0 rg")
        self.y = top - 60

    def ensure(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def first_page_block(self, info: list[tuple[str, str]], bill_to: list[str]) -> None:
        top = self.y
        self.text(MARGIN, top, "Bill to", bold=True)
        wrapped = [part for line in bill_to for part in _wrap(line, 300)][:8]
        for i, part in enumerate(wrapped, start=1):
            self.text(MARGIN, top - LEADING * i, part)
        for i, (label, value) in enumerate(info):
            self.text(380, top - LEADING * i, f"{label}:", bold=True)
            self.text(RIGHT, top - LEADING * i, _fit(value, RIGHT - 450, FONT_SIZE), align="right")
        self.y = top - LEADING * (max(len(wrapped) + 1, len(info)) + 2)

    def table_header(self) -> None:
        self.ensure(LEADING * 3)
        for label, x, align in (("Description", MARGIN, "left"), ("Qty", COL_QTY, "right"),
                                ("Rate", COL_RATE, "right"), ("Amount", COL_AMOUNT, "right")):
            self.text(x, self.y, label, bold=True, align=align)
        self.rule(self.y - 4)
        self.y -= LEADING + 4

    def table(self, rows: list[_Row]) -> None:
        self.table_header()
        for row in rows:
            for i, part in enumerate(_wrap(row.description, DESC_WIDTH)):
                if self.y < BOTTOM:
                    self.new_page()
                    self.table_header()
                self.text(MARGIN, self.y, part)
                if i == 0:
                    self.text(COL_QTY, self.y, row.qty, align="right")
                    self.text(COL_RATE, self.y, row.rate, align="right")
                    self.text(COL_AMOUNT, self.y, row.amount, align="right")
                self.y -= LEADING
        self.rule(self.y + LEADING - 4)
        self.y -= 6

    def totals(self, rows: list[tuple[str, str, bool]]) -> None:
        self.ensure(LEADING * len(rows))
        for label, amount, bold in rows:
            self.text(COL_RATE - 60, self.y, label, bold=bold, align="right")
            self.text(COL_AMOUNT, self.y, amount, bold=bold, align="right")
            self.y -= LEADING + (2 if bold else 0)

    def note(self, label: str, text: str) -> None:
        lines = _wrap(text, RIGHT - MARGIN)
        self.y -= LEADING
        self.ensure(LEADING * 2)
        self.text(MARGIN, self.y, label, bold=True)
        for line in lines:
            self.y -= LEADING
            self.ensure(0)
            self.text(MARGIN, self.y, line)

    def finish(self) -> list[bytes]:
        """Content streams, one per page, each with its ``Page n of N`` footer."""
        streams = []
        for number, ops in enumerate(self.pages, start=1):
            footer = f"Page {number} of {len(self.pages)}"
            x = (PAGE_WIDTH - _width(footer, 8)) / 2
            ops = [*ops, b"BT 0.4 g /F1 8 Tf %.2f 40 Td %s Tj ET" % (x, _pdf_string(footer))]
            streams.append(b"\n".join(ops) + b"\n")
        return streams


# -- file structure -------------------------------------------------------------------------------

def _assemble(streams: list[bytes], *, title: str) -> bytes:
    """Catalog, page tree, two fonts, info, then a page + content object per page; xref; trailer."""
    n_pages = len(streams)
    first_page = 6
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(n_pages))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title %s /Producer (qbo-sim) >>" % _pdf_string(title),
    ]
    for i, stream in enumerate(streams):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R "
            b"/F2 4 0 R >> >> /Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, first_page + 2 * i + 1))
        objects.append(b"<< /Length %d >>\nstream\n%sendstream" % (len(stream), stream))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # binary comment: marks the file as binary
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref_at)
    return bytes(out)
