"""Tax codes, tax rates and the TaxService endpoint that creates them.

Through the API, TaxCode and TaxRate are read/query only; new ones come from
``POST /taxservice/taxcode``, whose request and response are *not* wrapped in an entity key.
A QuickBooks user can also (de)activate a code in the web UI: that is what makes a linked
Caspen tax rate fail with 6000.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.entities.base import EntityType, Op, clean, decimal, new_meta, number, text
from simulator.faults import DuplicateName, InvalidReference, RequiredParamMissing

if TYPE_CHECKING:
    from simulator.company import Company


class TaxCode(EntityType):
    name = "TaxCode"
    name_list = True
    read_only = True


class TaxRate(EntityType):
    name = "TaxRate"
    name_list = True
    read_only = True


def create_tax_code(company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
    """``POST /taxservice/taxcode``: a new TaxCode with new or existing TaxRates (sales)."""
    body = clean(body)
    code_name = text(body.get("TaxCode"))
    if not code_name:
        raise RequiredParamMissing(param="TaxCode", element="TaxCode")
    if company.store("TaxCode").lookup("Name", code_name):
        raise DuplicateName(kind="tax code")
    details = body.get("TaxRateDetails")
    if not isinstance(details, list) or not details:
        raise RequiredParamMissing(param="TaxRateDetails", element="TaxRateDetails")

    planned: list[tuple[dict[str, Any] | None, dict[str, Any]]] = []  # (existing rate, request detail)
    new_names: set[str] = set()
    for detail in details:
        detail = clean(detail) if isinstance(detail, dict) else {}
        rate_id = text(detail.get("TaxRateId"))
        if rate_id:
            rate = company.store("TaxRate").get(rate_id)
            if rate is None:
                raise InvalidReference(element="TaxRateId", reason=f"TaxRate element id {rate_id} not found")
            planned.append((rate, detail))
            continue
        name = text(detail.get("TaxRateName"))
        if not name:
            raise RequiredParamMissing(param="TaxRateDetails.TaxRateName", element="TaxRateName")
        if company.store("TaxRate").lookup("Name", name) or name.casefold() in new_names:
            raise DuplicateName(kind="tax rate")
        new_names.add(name.casefold())
        if decimal(detail.get("RateValue"), "RateValue") is None:
            raise RequiredParamMissing(param="TaxRateDetails.RateValue", element="RateValue")
        agency_id = text(detail.get("TaxAgencyId"))
        if not agency_id:
            raise RequiredParamMissing(param="TaxRateDetails.TaxAgencyId", element="TaxAgencyId")
        if company.store("TaxAgency").get(agency_id) is None:
            raise InvalidReference(element="TaxAgencyId", reason=f"TaxAgency element id {agency_id} not found")
        planned.append((None, detail))

    response_details = []
    rate_refs = []
    for order, (rate, detail) in enumerate(planned):
        if rate is None:
            rate = new_tax_rate(company, op, name=text(detail["TaxRateName"]) or "",
                                rate_value=decimal(detail["RateValue"], "RateValue") or Decimal(0),
                                agency_id=text(detail["TaxAgencyId"]) or "")
        response_details.append({"TaxRateName": rate["Name"], "TaxRateId": rate["Id"],
                                 "RateValue": rate["RateValue"], "TaxAgencyId": rate["AgencyRef"]["value"],
                                 "TaxApplicableOn": text(detail.get("TaxApplicableOn")) or "Sales"})
        rate_refs.append({"TaxRateRef": {"value": rate["Id"], "name": rate["Name"]},
                          "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": order})
    code = new_tax_code(company, op, name=code_name, sales_rates=rate_refs)
    return {"TaxCode": code["Name"], "TaxCodeId": code["Id"], "TaxRateDetails": response_details}


def new_tax_rate(company: Company, op: Op, *, name: str, rate_value: Decimal, agency_id: str,
                 description: str | None = None, active: bool = True, special: str = "NONE") -> dict[str, Any]:
    record = {
        "Name": name, "Description": description or name, "Active": active,
        "RateValue": number(rate_value), "AgencyRef": {"value": agency_id},
        "SpecialTaxType": special, "DisplayType": "ReadOnly",
        "EffectiveTaxRate": [{"RateValue": number(rate_value), "EffectiveDate": "2000-01-01T00:00:00Z"}],
        "domain": "QBO", "sparse": False, "Id": company.next_id("TaxRate"), "SyncToken": "0",
        "MetaData": new_meta(op),
    }
    company.save("TaxRate", record, op, operation="Create")
    return record


def new_tax_code(company: Company, op: Op, *, name: str, sales_rates: list[dict[str, Any]],
                 description: str | None = None, active: bool = True, code_id: str | None = None,
                 purchase_rates: list[dict[str, Any]] | None = None, config_type: str = "USER_DEFINED"
                 ) -> dict[str, Any]:
    record = {
        "Name": name, "Description": description or name, "Active": active, "Hidden": False,
        "Taxable": True, "TaxGroup": len(sales_rates) > 1,
        "SalesTaxRateList": {"TaxRateDetail": sales_rates},
        "PurchaseTaxRateList": {"TaxRateDetail": purchase_rates or []},
        "TaxCodeConfigType": config_type,
        "domain": "QBO", "sparse": False, "Id": code_id or company.next_id("TaxCode"), "SyncToken": "0",
        "MetaData": new_meta(op),
    }
    company.save("TaxCode", record, op, operation="Create")
    return record


__all__ = ["TaxCode", "TaxRate", "create_tax_code", "new_tax_code", "new_tax_rate"]
