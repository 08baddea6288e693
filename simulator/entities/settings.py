"""CompanyInfo and Preferences: one record each per company, Id ``"1"``; update merges sections."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from simulator.entities.base import EntityType, Op, bump, check_sync_token, clean
from simulator.entities.fields import Problems, Spec, check_formats

if TYPE_CHECKING:
    from simulator.company import Company

READ_ONLY = ("Id", "SyncToken", "MetaData", "domain", "sparse")


class Singleton(EntityType):
    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        current = company.store(self.name).get("1") or {}
        check_sync_token(current, body, op)
        problems = Problems()
        check_formats(self.field_specs, clean(body), problems)
        problems.raise_if_any()
        record = copy.deepcopy(current)
        for key, value in clean(body).items():
            if key in READ_ONLY:
                continue
            if isinstance(value, dict) and isinstance(record.get(key), dict):
                record[key] = {**record[key], **value}  # Preferences: each section merges
            else:
                record[key] = value
        bump(record, op)
        company.save(self.name, record, op, operation="Update")
        return record


class CompanyInfo(Singleton):
    name = "CompanyInfo"
    known_fields = frozenset({  # [DOC CompanyInfo entity; CAP RUBYFX]
        "CompanyName", "LegalName", "CompanyAddr", "CustomerCommunicationAddr", "LegalAddr",
        "CustomerCommunicationEmailAddr", "PrimaryPhone", "CompanyStartDate", "FiscalYearStartMonth", "Country",
        "Email", "WebAddr", "SupportedLanguages", "NameValue", "EmployerId", "OtherContactInfo", "domain", "sparse"})
    field_specs = {"CompanyName": Spec(max_length=1024), "LegalName": Spec(max_length=1024),
                   "Email": Spec(email="single", max_length=100),
                   "CustomerCommunicationEmailAddr": Spec(email="single", max_length=100),
                   "CompanyStartDate": Spec(date=True)}


class Preferences(Singleton):
    name = "Preferences"
    known_fields = frozenset({  # every section of the Preferences entity [DOC]
        "AccountingInfoPrefs", "ProductAndServicesPrefs", "SalesFormsPrefs", "EmailMessagesPrefs",
        "VendorAndPurchasesPrefs", "TimeTrackingPrefs", "TaxPrefs", "CurrencyPrefs", "ReportPrefs", "OtherPrefs",
        "domain", "sparse"})


__all__ = ["CompanyInfo", "Preferences"]
