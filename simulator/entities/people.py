"""Vendor and Employee: people and businesses other than customers, each with its own fields.

Both share the display-name rules of Customer (built from Title/GivenName/MiddleName/FamilyName/Suffix
when absent; unique across customers, vendors and employees: 6240) but not its fields: a vendor has
``AcctNum``, ``TaxIdentifier``, ``Vendor1099``, ``TermRef``, ``APAccountRef`` and rates; an employee
has ``PrimaryAddr``, ``EmployeeNumber``, ``SSN``, ``HiredDate``/``ReleasedDate``, ``BirthDate``,
``BillableTime`` and rates. Neither has ``Job``, ``ParentRef``, ``Taxable`` or ``BillWithParent``.
QBO answers tax identifiers masked, keeping the last four characters [INF: as captured responses show
``XXX-XX-1234`` style values].
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from simulator.entities.base import decimal, money, number, parse_date, ref, resolve_ref, text
from simulator.entities.names import NameList
from simulator.faults import InvalidEnum, NoNameProvided

if TYPE_CHECKING:
    from simulator.company import Company

NAME_PARTS = ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")
CONTACT: dict[str, str] = {
    "DisplayName": "string", "Title": "string", "GivenName": "string", "MiddleName": "string",
    "FamilyName": "string", "Suffix": "string", "PrintOnCheckName": "string", "Active": "bool",
    "PrimaryPhone": "object", "Mobile": "object", "PrimaryEmailAddr": "object", "CompanyName": "string",
}
VENDOR_FIELDS: dict[str, str] = {
    **CONTACT, "AlternatePhone": "object", "Fax": "object", "WebAddr": "object", "BillAddr": "object",
    "OtherContactInfo": "object", "TaxIdentifier": "string", "AcctNum": "string", "Vendor1099": "bool",
    "TermRef": "ref", "CurrencyRef": "ref", "APAccountRef": "ref", "BillRate": "number", "CostRate": "number",
    "GSTIN": "string", "BusinessNumber": "string", "TaxReportingBasis": "string", "GSTRegistrationType": "string",
    "T4AEligible": "bool", "T5018Eligible": "bool", "HasTPAR": "bool", "Notes": "string",
}
EMPLOYEE_FIELDS: dict[str, str] = {
    **CONTACT, "PrimaryAddr": "object", "EmployeeNumber": "string", "SSN": "string", "BillableTime": "bool",
    "BillRate": "number", "CostRate": "number", "BirthDate": "date", "Gender": "string", "HiredDate": "date",
    "ReleasedDate": "date", "Organization": "bool",
}
GENDERS = ("Male", "Female")


def mask(value: str) -> str:
    """``99-9999999`` → ``XXXXXX9999``: all but the last four characters hidden."""
    return "X" * max(len(value) - 4, 0) + value[-4:]


class Person(NameList):
    name_key = "DisplayName"
    name_space = ("Customer", "Vendor", "Employee")
    clash_kind = "customer, vendor or employee"
    max_name = 500
    masked: ClassVar[str] = ""

    def unique_name(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> str:
        if not text(fields.get("DisplayName")):
            built = " ".join(p for k in NAME_PARTS if (p := text(fields.get(k))))
            if not built:
                raise NoNameProvided()
            fields["DisplayName"] = built
        return super().unique_name(company, fields, current)

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        out = super().fields(company, fields, current)
        display = fields["DisplayName"].strip()
        out.setdefault("PrintOnCheckName", display)
        for key in ("BillRate", "CostRate"):
            if key in out:
                out[key] = number(decimal(out[key], key))  # type: ignore[arg-type]
        secret = text(out.get(self.masked)) if self.masked else None
        if secret:
            previous = (current or {}).get(self.masked)
            out[self.masked] = secret if secret == previous else mask(secret)
        return out

    def _address(self, company: Company, out: dict[str, Any], key: str, current: dict[str, Any] | None) -> None:
        if isinstance(out.get(key), dict):
            address = dict(out[key])
            address["Id"] = ((current or {}).get(key) or {}).get("Id") or company.next_id("PhysicalAddress")
            out[key] = address


class Vendor(Person):
    name = "Vendor"
    field_types = VENDOR_FIELDS
    writable = tuple(VENDOR_FIELDS)
    masked = "TaxIdentifier"

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        out = super().fields(company, fields, current)
        self._address(company, out, "BillAddr", current)
        out["Vendor1099"] = fields.get("Vendor1099") in (True, "true")
        home = company.preferences.get("CurrencyPrefs", {}).get("HomeCurrency", {}).get("value", "USD")
        out["CurrencyRef"] = ref(fields.get("CurrencyRef")) or {"value": home}
        term = ref(fields.get("TermRef"))
        if term:
            found = resolve_ref(company, "Term", term, "TermRef", label="Term")
            out["TermRef"] = {"value": found["Id"]}
        account = ref(fields.get("APAccountRef"))
        if account:
            found = resolve_ref(company, "Account", account, "APAccountRef", label="Account")
            out["APAccountRef"] = {"value": found["Id"], "name": found["Name"]}
        out["Balance"] = current.get("Balance", 0) if current else money(0)
        return out


class Employee(Person):
    name = "Employee"
    field_types = EMPLOYEE_FIELDS
    writable = tuple(EMPLOYEE_FIELDS)
    masked = "SSN"

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        out = super().fields(company, fields, current)
        self._address(company, out, "PrimaryAddr", current)
        for key in ("BirthDate", "HiredDate", "ReleasedDate"):
            day = parse_date(fields.get(key), key)
            if day:
                out[key] = day.isoformat()
        gender = text(fields.get("Gender"))
        if gender and gender not in GENDERS:
            raise InvalidEnum(element="Gender", value=f"Gender:{gender}")
        out["BillableTime"] = fields.get("BillableTime") in (True, "true")
        out["Organization"] = fields.get("Organization") in (True, "true")
        return out


__all__ = ["Vendor", "Employee", "VENDOR_FIELDS", "EMPLOYEE_FIELDS"]
