"""The smaller lists: PaymentMethod, Class, Department, CompanyCurrency, ExchangeRate, Budget.

PaymentMethod, Class and Department are name lists like Term (delete = inactive, names unique within
the list: 6240). CompanyCurrency and ExchangeRate exist only when multicurrency is on
(``CurrencyPrefs.MultiCurrencyEnabled``); a write otherwise is a business validation error [INF
wording]. ExchangeRate has no Id on the wire: ``POST /exchangerate`` sets the rate of
(SourceCurrencyCode, AsOfDate), creating or replacing it. Budget is read and query only here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from simulator.entities.base import (
    EntityType,
    Op,
    bump,
    clean,
    decimal,
    number,
    parse_date,
    ref,
    resolve_ref,
    sync_token,
    text,
)
from simulator.entities.names import NameList
from simulator.faults import BusinessValidation, DuplicateName, InvalidEnum, RequiredParamMissing, StaleObject

if TYPE_CHECKING:
    from simulator.company import Company

#: the payment methods a new QBO company has (US sandbox; Name, Type) [CAP sandbox lists]
DEFAULT_PAYMENT_METHODS = (("Cash", "NON_CREDIT_CARD"), ("Check", "NON_CREDIT_CARD"), ("Visa", "CREDIT_CARD"),
                           ("MasterCard", "CREDIT_CARD"), ("Discover", "CREDIT_CARD"),
                           ("American Express", "CREDIT_CARD"), ("Diners Club", "CREDIT_CARD"))
PAYMENT_METHOD_TYPES = ("CREDIT_CARD", "NON_CREDIT_CARD")
CURRENCIES = {"USD": "United States Dollar", "AUD": "Australian Dollar", "CAD": "Canadian Dollar",
              "GBP": "British Pound Sterling", "EUR": "Euro", "NZD": "New Zealand Dollar", "JPY": "Japanese Yen",
              "INR": "Indian Rupee", "MXN": "Mexican Peso", "CHF": "Swiss Franc", "SGD": "Singapore Dollar",
              "HKD": "Hong Kong Dollar", "CNY": "Chinese Yuan Renminbi", "ZAR": "South African Rand"}


class PaymentMethod(NameList):
    name = "PaymentMethod"
    clash_kind = "payment method"
    max_name = 31
    writable = ("Name", "Type", "Active")
    field_types: ClassVar[dict[str, str]] = {"Name": "string", "Type": "string", "Active": "bool"}

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        out = super().fields(company, fields, current)
        kind = text(fields.get("Type")) or "NON_CREDIT_CARD"
        if kind not in PAYMENT_METHOD_TYPES:
            raise InvalidEnum(element="Type", value=f"Type:{kind}")
        out["Type"] = kind
        return out


class Hierarchical(NameList):
    """Class and Department: optional parent, ``FullyQualifiedName`` ``Parent:Child``."""

    sub_key: ClassVar[str] = ""
    field_types: ClassVar[dict[str, str]] = {"Name": "string", "ParentRef": "ref", "Active": "bool"}

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        out = super().fields(company, fields, current)
        out.pop(self.sub_key, None)
        name = fields["Name"].strip()
        parent = ref(fields.get("ParentRef"))
        if parent:
            found = resolve_ref(company, self.name, parent, "ParentRef", label=self.name)
            if current is not None and found["Id"] == current["Id"]:
                raise BusinessValidation(element="ParentRef", reason=f"A {self.name.lower()} can't be its own parent.")
            out["ParentRef"] = {"value": found["Id"]}
            out[self.sub_key] = True
            out["FullyQualifiedName"] = f"{found['FullyQualifiedName']}:{name}"
        else:
            out.pop("ParentRef", None)
            out[self.sub_key] = False
            out["FullyQualifiedName"] = name
        return out


class TrackingClass(Hierarchical):
    name = "Class"
    clash_kind = "class"
    sub_key = "SubClass"
    writable = ("Name", "ParentRef", "SubClass", "Active")


class Department(Hierarchical):
    name = "Department"
    clash_kind = "location"
    sub_key = "SubDepartment"
    writable = ("Name", "ParentRef", "SubDepartment", "Active")


def multicurrency(company: Company) -> bool:
    return bool(company.preferences.get("CurrencyPrefs", {}).get("MultiCurrencyEnabled"))


def _require_multicurrency(company: Company) -> None:
    if not multicurrency(company):
        raise BusinessValidation(reason="Multicurrency is not turned on for this company.")  # [INF wording]


def home_code(company: Company) -> str:
    return company.preferences.get("CurrencyPrefs", {}).get("HomeCurrency", {}).get("value", "USD")


class CompanyCurrency(NameList):
    """A currency the company uses besides its home currency. ``Code`` is the key; ``Name`` follows from it."""

    name = "CompanyCurrency"
    name_key = "Code"
    clash_kind = "currency"
    writable = ("Code", "Active")
    field_types: ClassVar[dict[str, str]] = {"Code": "string", "Active": "bool", "CustomField": "list"}

    def create(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        _require_multicurrency(company)
        return super().create(company, body, op)

    def unique_name(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> str:
        code = (text(fields.get("Code")) or "").strip().upper()
        if not code:
            raise RequiredParamMissing(param="Code", element="Code")
        if current is not None and code != current["Code"]:
            raise BusinessValidation(element="Code", reason="The currency code of a company currency can't be changed.")
        if code not in CURRENCIES:
            raise InvalidEnum(element="Code", value=f"Code:{code}")
        if code == home_code(company):
            raise BusinessValidation(element="Code", reason=f"{code} is the home currency of this company.")
        for other in company.store(self.name):
            if other["Code"] == code and (current is None or other["Id"] != current["Id"]):
                raise DuplicateName(kind=self.clash_kind)
        return code

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        return {"Name": CURRENCIES[fields["Code"]]}


class ExchangeRate(EntityType):
    """Rates from a currency to the home currency, one per (SourceCurrencyCode, AsOfDate)."""

    name = "ExchangeRate"
    presents = True
    field_types: ClassVar[dict[str, str]] = {"SourceCurrencyCode": "string", "TargetCurrencyCode": "string",
                                             "Rate": "number", "AsOfDate": "date", "CustomField": "list"}

    def present(self, record: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in record.items() if k != "Id"}

    def create(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        _require_multicurrency(company)
        fields = {k: v for k, v in clean(body).items() if k in self.field_types}
        source = (text(fields.get("SourceCurrencyCode")) or "").upper()
        if not source:
            raise RequiredParamMissing(param="SourceCurrencyCode", element="SourceCurrencyCode")
        if source not in CURRENCIES:
            raise InvalidEnum(element="SourceCurrencyCode", value=f"SourceCurrencyCode:{source}")
        target = (text(fields.get("TargetCurrencyCode")) or home_code(company)).upper()
        if target != home_code(company):
            raise BusinessValidation(element="TargetCurrencyCode",
                                     reason="The target currency must be the home currency.")
        rate = decimal(fields.get("Rate"), "Rate")
        if rate is None:
            raise RequiredParamMissing(param="Rate", element="Rate")
        if rate <= 0:
            raise BusinessValidation(element="Rate", reason="The exchange rate must be greater than zero.")
        as_of = parse_date(fields.get("AsOfDate"), "AsOfDate") or op.today
        key = f"{source}:{as_of.isoformat()}"
        current = company.store(self.name).get(key)
        record = {"SyncToken": "0", "domain": "QBO", "sparse": False, "AsOfDate": as_of.isoformat(),
                  "SourceCurrencyCode": source, "TargetCurrencyCode": target, "Rate": number(rate),
                  "MetaData": {"LastUpdatedTime": op.meta_time}, "Id": key}
        if current is not None:
            given = sync_token(body.get("SyncToken"))
            if given is not None and given != int(current["SyncToken"]):
                raise StaleObject(user=op.other_user)
            record["SyncToken"] = current["SyncToken"]
            bump(record, op)
        company.save(self.name, record, op, operation="Update" if current else "Create")
        return record

    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        return self.create(company, body, op)


def new_exchange_rate(company: Company, op: Op, source: str, rate: str, as_of: str) -> dict[str, Any]:
    """A seeded rate (no multicurrency check, no SyncToken check)."""
    record = {"SyncToken": "0", "domain": "QBO", "sparse": False, "AsOfDate": as_of, "SourceCurrencyCode": source,
              "TargetCurrencyCode": home_code(company), "Rate": number(decimal(rate, "Rate")),  # type: ignore[arg-type]
              "MetaData": {"LastUpdatedTime": op.meta_time}, "Id": f"{source}:{as_of}"}
    company.save("ExchangeRate", record, op, operation="Create")
    return record


class Budget(EntityType):
    """Read and query (budgets are made in the web UI)."""

    name = "Budget"
    read_only = True


__all__ = ["PaymentMethod", "TrackingClass", "Department", "CompanyCurrency", "ExchangeRate", "Budget",
           "DEFAULT_PAYMENT_METHODS", "CURRENCIES", "new_exchange_rate", "multicurrency"]
