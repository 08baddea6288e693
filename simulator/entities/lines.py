"""Sales-form lines and the amounts QBO computes from them: subtotal, discount, tax, total.

This is where Caspen's totals are checked against QuickBooks' arithmetic, so the rules follow
QBO's: amounts are rounded half-up to cents, tax is computed per tax *rate* on the summed net
amounts (not per line), non-US discounts are applied before tax and spread across rates in
proportion to their bases, and ``TaxInclusive`` lines carry their gross in
``SalesItemLineDetail.TaxInclusiveAmt`` with ``Amount`` the net: net = round(gross / (1 + rate)) per
line, then tax per rate on the summed nets, and TotalAmt = nets + tax (captured AU invoices,
docs/research/qbo-behaviour-notes.md §1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.entities.base import clean, cents, decimal, money, number, parse_date, ref, resolve_ref, text
from simulator.faults import (
    AmountCalculation,
    DiscountMissingInfo,
    InvalidLineTaxCode,
    InvalidProperty,
    InvalidReference,
    RequiredParamMissing,
    TaxRateMissing,
    tax_rate_wording,
)

if TYPE_CHECKING:
    from simulator.company import Company

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DETAIL_TYPES = ("SalesItemLineDetail", "DiscountLineDetail", "DescriptionOnly", "SubTotalLineDetail",
                "GroupLineDetail")


@dataclass
class SalesLine:
    line: dict[str, Any]  # the wire line being built
    net: Decimal
    gross: Decimal | None  # TaxInclusive only
    taxable: bool  # US: TAX
    rates: list[tuple[str, Decimal]] = field(default_factory=list)  # (TaxRate Id, percent)


@dataclass
class Totals:
    lines: list[dict[str, Any]]
    subtotal: Decimal
    discount: Decimal
    tax_lines: list[dict[str, Any]]
    total_tax: Decimal
    total: Decimal


def compute(company: Company, raw_lines: Any, *, calc: str, txn_tax: dict[str, Any] | None,
            apply_tax_after_discount: bool) -> Totals:
    """Validate the client's lines and compute everything QBO derives from them."""
    if not isinstance(raw_lines, list) or not raw_lines:
        raise RequiredParamMissing(param="Line")
    sales: list[SalesLine] = []
    out: list[dict[str, Any]] = []
    discount_line: dict[str, Any] | None = None
    for raw in raw_lines:
        if not isinstance(raw, dict):
            raise InvalidProperty(reason="Line:failed to parse json object; a property")
        # callers pass lines already through clean(): "" and null are gone at every depth
        detail_type = raw.get("DetailType") or _infer_detail_type(raw)
        if detail_type == "SubTotalLineDetail":
            continue  # QBO regenerates the subtotal line
        if detail_type == "SalesItemLineDetail":
            item = _sales_line(company, raw, calc)
            sales.append(item)
            out.append(item.line)
        elif detail_type == "DiscountLineDetail":
            discount_line = _discount_line(company, raw)
            out.append(discount_line)
        elif detail_type == "DescriptionOnly":
            line = {"Description": text(raw.get("Description")) or ""}
            if "Amount" in raw:
                line["Amount"] = money(decimal(raw["Amount"], "Line.Amount") or ZERO)
            line["DetailType"] = "DescriptionOnly"
            line["DescriptionLineDetail"] = clean(raw.get("DescriptionLineDetail") or {})
            out.append(line)
        elif detail_type == "GroupLineDetail":
            raise InvalidProperty(element="Line.GroupLineDetail",
                                  reason="Line.GroupLineDetail:group lines are not supported by the simulator; a property")
        else:
            raise InvalidProperty(element="Line.DetailType", reason=f"Line.DetailType:{detail_type}; a property")
    if not sales and discount_line is None and not out:
        raise RequiredParamMissing(param="Line")

    subtotal = sum((s.net for s in sales), ZERO)
    discount = ZERO
    if discount_line is not None:
        detail = discount_line["DiscountLineDetail"]
        if detail.get("PercentBased"):
            discount = cents(subtotal * Decimal(str(detail["DiscountPercent"])) / HUNDRED)
        else:
            discount = cents(Decimal(str(discount_line["Amount"])))
        discount_line["Amount"] = money(discount)

    tax_lines, total_tax = _tax(company, sales, calc=calc, txn_tax=txn_tax, discount=discount, subtotal=subtotal,
                                apply_after_discount=apply_tax_after_discount or not company.is_us)
    total = subtotal - discount + total_tax

    # every line is built in wire order (WIRE_ORDER: Id, LineNum, Description, Amount, DetailType, then the
    # detail), so nothing is re-ordered afterwards (issue 16; tests/simulator/test_fast_paths.py checks it)
    lines = [{"Id": str(number_), "LineNum": number_, **line} for number_, line in
             enumerate((line for line in out if line["DetailType"] != "DiscountLineDetail"), start=1)]
    lines.append({"Amount": money(subtotal), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}})
    if discount_line is not None:
        lines.append(discount_line)
    return Totals(lines=lines, subtotal=subtotal, discount=discount,
                  tax_lines=tax_lines, total_tax=total_tax, total=total)


def _infer_detail_type(raw: dict[str, Any]) -> str:
    for name in DETAIL_TYPES:
        if name in raw:
            return name
    if "DescriptionLineDetail" in raw:
        return "DescriptionOnly"
    raise RequiredParamMissing(param="Line.DetailType", element="Line.DetailType")


def _sales_line(company: Company, raw: dict[str, Any], calc: str) -> SalesLine:
    detail = raw.get("SalesItemLineDetail")
    if not isinstance(detail, dict):
        raise RequiredParamMissing(param="Line.SalesItemLineDetail", element="Line.SalesItemLineDetail")
    item_ref = ref(detail.get("ItemRef")) or _default_item(company)
    item = resolve_ref(company, "Item", item_ref, "Line.SalesItemLineDetail.ItemRef")
    if item.get("Type") == "Category":
        raise InvalidReference(element="Line.SalesItemLineDetail.ItemRef",
                               reason="Categories cannot be used in transactions.")
    qty = decimal(detail.get("Qty"), "Line.SalesItemLineDetail.Qty")
    price = decimal(detail.get("UnitPrice"), "Line.SalesItemLineDetail.UnitPrice")
    amount = decimal(raw.get("Amount"), "Line.Amount")
    inclusive_amt = decimal(detail.get("TaxInclusiveAmt"), "Line.SalesItemLineDetail.TaxInclusiveAmt")
    if inclusive_amt == 0 and amount:
        # python-quickbooks serialises TaxInclusiveAmt 0 on every line, like Qty 0/UnitPrice 0: with a
        # non-zero Amount it is a client default, not a gross of zero [INF]
        inclusive_amt = None
    gross_given = calc == "TaxInclusive" and inclusive_amt is not None
    if amount is None and not gross_given:
        if qty is not None and price is not None:
            amount = cents(qty * price)
        else:
            raise RequiredParamMissing(param="Line.Amount", element="Line.Amount")
    elif amount is not None and not gross_given and qty and price and cents(qty * price) != cents(amount):
        raise AmountCalculation(element="Line.Amount", value=_plain(amount))

    rates, taxable, code_ref = _line_tax(company, detail)
    out_detail: dict[str, Any] = {"ItemRef": {"value": item["Id"], "name": item.get("Name", "")}}
    if "ServiceDate" in detail:
        when = parse_date(detail["ServiceDate"], "Line.SalesItemLineDetail.ServiceDate")
        out_detail["ServiceDate"] = when.isoformat() if when else None
    if price is not None:
        out_detail["UnitPrice"] = number(price)
    if qty is not None:
        out_detail["Qty"] = number(qty)
    for key in ("ClassRef", "ItemAccountRef", "DiscountRate", "DiscountAmt"):
        if key in detail:
            out_detail[key] = detail[key]
    out_detail["TaxCodeRef"] = code_ref

    gross: Decimal | None = None
    if calc == "TaxInclusive":
        factor = Decimal(1) + sum((pct for _, pct in rates), ZERO) / HUNDRED
        if inclusive_amt is not None:  # the gross is authoritative; Amount comes back as the net
            gross = cents(inclusive_amt)
            amount = cents(gross / factor)
            if qty:  # QBO shows the net unit price, unrounded to 7 places (captured AU invoices)
                out_detail["UnitPrice"] = number((amount / qty).quantize(Decimal("0.0000001")).normalize())
        else:
            gross = cents(amount * factor)  # type: ignore[operator]
        out_detail["TaxInclusiveAmt"] = money(gross)
    if amount is None:  # unreachable: a line has an Amount, a Qty × UnitPrice or (inclusive) a gross
        raise RequiredParamMissing(param="Line.Amount", element="Line.Amount")
    description = text(raw.get("Description"))
    line = {"Description": description} if description is not None else {}
    line["Amount"] = money(amount)
    line["DetailType"] = "SalesItemLineDetail"
    line["SalesItemLineDetail"] = out_detail
    return SalesLine(line=line, net=cents(amount), gross=gross, taxable=taxable, rates=rates)


def _line_tax(company: Company, detail: dict[str, Any]) -> tuple[list[tuple[str, Decimal]], bool, dict[str, str]]:
    """The rates a line's tax code applies, by QBO's regional rules."""
    code_ref = ref(detail.get("TaxCodeRef"))
    if company.is_us:
        value = (code_ref or {}).get("value", "NON")
        if value not in ("TAX", "NON"):
            raise InvalidLineTaxCode(element="Line.SalesItemLineDetail.TaxCodeRef", value=value)
        return [], value == "TAX", {"value": value}
    if not company.preferences.get("TaxPrefs", {}).get("UsingSalesTax", True):
        return [], False, code_ref or {"value": "NON"}
    code = company.store("TaxCode").get(code_ref["value"]) if code_ref else None
    if code is None or code.get("Active") is False:
        raise TaxRateMissing(tax_name=tax_rate_wording(company.country))
    rates = []
    for detail_ in code.get("SalesTaxRateList", {}).get("TaxRateDetail", []):
        rate = company.store("TaxRate").get(detail_["TaxRateRef"]["value"])
        if rate is None or rate.get("Active") is False:
            raise TaxRateMissing(tax_name=tax_rate_wording(company.country))
        rates.append((rate["Id"], Decimal(str(rate.get("RateValue", 0)))))
    if not rates:  # a purchase-only code used on a sale
        raise TaxRateMissing(tax_name=tax_rate_wording(company.country))
    return rates, True, {"value": code["Id"]}


def _default_item(company: Company) -> dict[str, str] | None:
    """A sales line without ``ItemRef`` gets the company's default item (``SalesFormsPrefs.DefaultItem``,
    "Services"), as QBO has done since 2018 [CAP: Intuit's answer in QuickBooks-V3-DotNET-SDK issue 53]."""
    for pair in company.preferences.get("OtherPrefs", {}).get("NameValue", []):
        if pair.get("Name") == "SalesFormsPrefs.DefaultItem" and pair.get("Value"):
            return {"value": str(pair["Value"])}
    return None


def _discount_line(company: Company, raw: dict[str, Any]) -> dict[str, Any]:
    detail = clean(raw.get("DiscountLineDetail") or {})
    percent_based = detail.get("PercentBased") in (True, "true")
    percent = decimal(detail.get("DiscountPercent"), "Line.DiscountLineDetail.DiscountPercent")
    amount = decimal(raw.get("Amount"), "Line.Amount")
    out: dict[str, Any] = {"PercentBased": percent_based}
    if percent_based:
        if percent is None:
            raise DiscountMissingInfo()
        out["DiscountPercent"] = number(percent)
    elif amount is None:
        if percent is None:
            raise DiscountMissingInfo()
        out["PercentBased"] = True
        out["DiscountPercent"] = number(percent)
    account = ref(detail.get("DiscountAccountRef")) or _discount_account(company)
    if account:
        out["DiscountAccountRef"] = account
    return {"Amount": money(amount or ZERO), "DetailType": "DiscountLineDetail", "DiscountLineDetail": out}


def _discount_account(company: Company) -> dict[str, str] | None:
    for account in company.store("Account").lookup("Name", "Discounts given"):
        return {"value": account["Id"], "name": account["Name"]}
    return None


def _tax(company: Company, sales: list[SalesLine], *, calc: str, txn_tax: dict[str, Any] | None,
         discount: Decimal, subtotal: Decimal, apply_after_discount: bool
         ) -> tuple[list[dict[str, Any]], Decimal]:
    if calc == "NotApplicable":
        return [], ZERO
    factor = (subtotal - discount) / subtotal if subtotal and apply_after_discount else Decimal(1)
    if company.is_us:
        return _us_tax(company, sales, txn_tax, factor)
    bases: dict[str, tuple[Decimal, Decimal]] = {}  # rate Id -> (percent, base)
    for line in sales:
        for rate_id, pct in line.rates:
            previous = bases.get(rate_id, (pct, ZERO))[1]
            bases[rate_id] = (pct, previous + line.net)
    tax_lines = []
    total = ZERO
    for rate_id, (pct, base) in bases.items():
        base = cents(base * factor)
        detail: dict[str, Any] = {"TaxRateRef": {"value": rate_id}, "PercentBased": True,
                                  "TaxPercent": number(pct)}
        tax = cents(base * pct / HUNDRED)
        detail["NetAmountTaxable"] = money(base)
        total += tax
        tax_lines.append({"Amount": money(tax), "DetailType": "TaxLineDetail", "TaxLineDetail": detail})
    return tax_lines, total


def _us_tax(company: Company, sales: list[SalesLine], txn_tax: dict[str, Any] | None, factor: Decimal
            ) -> tuple[list[dict[str, Any]], Decimal]:
    code_ref = ref((txn_tax or {}).get("TxnTaxCodeRef"))
    if code_ref is None:
        return [], ZERO
    code = resolve_ref(company, "TaxCode", code_ref, "TxnTaxDetail.TxnTaxCodeRef", label="TaxCode")
    base = cents(sum((s.net for s in sales if s.taxable), ZERO) * factor)
    tax_lines, total = [], ZERO
    for detail_ in code.get("SalesTaxRateList", {}).get("TaxRateDetail", []):
        rate = company.store("TaxRate").get(detail_["TaxRateRef"]["value"]) or {}
        pct = Decimal(str(rate.get("RateValue", 0)))
        tax = cents(base * pct / HUNDRED)
        total += tax
        tax_lines.append({"Amount": money(tax), "DetailType": "TaxLineDetail", "TaxLineDetail": {
            "TaxRateRef": {"value": rate.get("Id", "")}, "PercentBased": True, "TaxPercent": number(pct),
            "NetAmountTaxable": money(base)}})
    return tax_lines, total


#: the order QBO sends a line's keys in: these first, then the detail object
WIRE_ORDER = ("Id", "LineNum", "Description", "Amount", "DetailType")


def wire_ordered(line: dict[str, Any]) -> dict[str, Any]:
    """``line`` with its keys in :data:`WIRE_ORDER` (what :func:`compute` builds directly)."""
    out = {k: line[k] for k in WIRE_ORDER if k in line}
    out.update({k: v for k, v in line.items() if k not in out})
    return out


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
