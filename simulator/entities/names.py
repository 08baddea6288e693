"""Name-list entities: Customer, Item, Account, TaxAgency, Term (Vendor and Employee: :mod:`.people`).

QBO never deletes these: "delete" makes them inactive and appends `` (deleted)`` to the name.
Names are unique (case-insensitively) within their list, and customer names also against
vendors and employees, giving 6240.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, ClassVar

from simulator.entities.base import (
    EntityType,
    Op,
    bump,
    check_length,
    check_sync_token,
    clean,
    decimal,
    money,
    new_meta,
    ref,
    resolve_ref,
    text,
)
from simulator.entities.fields import Problems, Spec, check_formats
from simulator.faults import (
    DuplicateName,
    InvalidEnum,
    InvalidProperty,
    InvalidString,
    NoNameProvided,
    RequiredParamMissing,
)

if TYPE_CHECKING:
    from simulator.company import Company


#: fields that hold text: an object or array there is a malformed body (2010), as in QBO
TEXT_FIELDS = frozenset({"DisplayName", "Name", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix",
                         "CompanyName", "Notes", "Sku", "Description", "PurchaseDesc", "AcctNum", "ResaleNum",
                         "PrintOnCheckName", "TaxRegistrationNumber", "Type", "AccountType", "AccountSubType"})


#: known to QBO's schema on name lists but computed or kept by QBO (posted back by clients, ignored)
NAME_READ_ONLY = frozenset({"FullyQualifiedName", "Level", "Balance", "BalanceWithJobs", "OpenBalanceDate", "IsProject",
                            "ARAccountRef", "Classification", "CurrentBalance", "CurrentBalanceWithSubAccounts",
                            "domain", "sparse"})


class NameList(EntityType):
    """A name list. Subclasses declare ``writable``; ``known_fields`` follows from it (plus
    ``NAME_READ_ONLY`` and ``extra_known``) unless the subclass sets ``known_fields`` itself."""

    name_list = True
    #: properties QBO knows for this list beyond ``writable`` and ``NAME_READ_ONLY``
    extra_known: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "known_fields" not in cls.__dict__:
            cls.known_fields = frozenset(cls.writable) | NAME_READ_ONLY | frozenset(cls.extra_known)

    #: the key holding the unique name
    name_key: ClassVar[str] = "Name"
    #: entities sharing the name space (6240 across all of them)
    name_space: ClassVar[tuple[str, ...]] = ()
    #: how 6240 describes the other holder of the name
    clash_kind: ClassVar[str] = ""
    writable: ClassVar[tuple[str, ...]] = ()
    max_name: ClassVar[int] = 100

    def create(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        fields = {k: v for k, v in clean(body).items() if k in self.writable}
        record = self.build(company, fields, op, current=None)
        company.save(self.name, record, op, operation="Create")
        return record

    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        given = {k: v for k, v in clean(body).items() if k in self.writable}
        fields = {**{k: copy.deepcopy(v) for k, v in current.items() if k in self.writable}, **given} \
            if sparse else given
        if self.name_key not in fields and self.name_key in current:
            fields[self.name_key] = current[self.name_key]  # a name cannot be removed
        record = self.build(company, fields, op, current=current)
        company.save(self.name, record, op, operation="Update")
        return record

    def build(self, company: Company, fields: dict[str, Any], op: Op, *, current: dict[str, Any] | None
              ) -> dict[str, Any]:
        for key, value in fields.items():
            if key in TEXT_FIELDS and isinstance(value, (dict, list)):
                raise InvalidProperty(element=key, reason=f"{key}:failed to parse json object; a property")
        problems = Problems()  # every format problem and a missing name in one answer (§Q12)
        check_formats(self.field_specs, fields, problems)
        if problems:
            problems.collect(self.check_name, fields)
        problems.raise_if_any()
        record: dict[str, Any] = {
            "domain": "QBO", "sparse": False,
            "Id": current["Id"] if current else company.next_id(self.name),
            "SyncToken": current["SyncToken"] if current else "0",
            "MetaData": dict(current["MetaData"]) if current else new_meta(op),
        }
        name = self.unique_name(company, fields, current)
        fields = {**fields, self.name_key: name}  # the name as text, as QBO coerces a JSON number
        record[self.name_key] = name
        record.update(self.fields(company, fields, current))
        active = fields.get("Active", True)
        record["Active"] = active not in (False, "false")
        if current is not None:
            bump(record, op)
        return record

    def check_name(self, fields: dict[str, Any]) -> None:
        """The name checks that need no other record (required, length, colon)."""
        name = text(fields.get(self.name_key))
        if not name:
            raise RequiredParamMissing(param=self.name_key, element=self.name_key)
        check_length(name.strip(), self.name_key, self.max_name)
        if ":" in name:
            raise InvalidString(element=self.name_key, value=name.strip())

    def unique_name(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> str:
        name = text(fields.get(self.name_key))
        if not name:
            raise RequiredParamMissing(param=self.name_key, element=self.name_key)
        name = name.strip()
        check_length(name, self.name_key, self.max_name)
        if ":" in name:
            raise InvalidString(element=self.name_key, value=name)
        for entity in self.name_space or (self.name,):
            key = "DisplayName" if entity in ("Customer", "Vendor", "Employee") else self.name_key
            for other in company.store(entity).lookup(key, name):
                if current is None or other["Id"] != current["Id"] or entity != self.name:
                    raise DuplicateName(kind=self.clash_kind)
        return name

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        return {k: v for k, v in fields.items() if k not in ("Active", self.name_key)}


class Customer(NameList):
    name = "Customer"
    name_key = "DisplayName"
    name_space = ("Customer", "Vendor", "Employee")
    clash_kind = "customer, vendor or employee"
    max_name = 500
    writable = ("DisplayName", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix", "CompanyName",
                "PrimaryEmailAddr", "PrimaryPhone", "Mobile", "Fax", "WebAddr", "BillAddr", "ShipAddr", "Notes",
                "Active", "Taxable", "DefaultTaxCodeRef", "SalesTermRef", "PaymentMethodRef", "ParentRef", "Job",
                "BillWithParent", "PreferredDeliveryMethod", "ResaleNum", "PrintOnCheckName", "CurrencyRef",
                "AlternatePhone", "TaxExemptionReasonId", "PrimaryTaxIdentifier", "GSTIN", "BusinessNumber")
    extra_known = ("OpenBalanceDate", "IsProject", "ARAccountRef", "SecondaryTaxIdentifier", "IsCISContractor",
                   "GSTRegistrationType", "ShipAddrDisplay", "TaxExemptionReasonId", "Source")
    #: [DOC Customer entity field text; e-mail CAP-report, one address only — behaviour notes §Q12]
    field_specs = {
        "Title": Spec(max_length=16), "GivenName": Spec(max_length=100), "MiddleName": Spec(max_length=100),
        "FamilyName": Spec(max_length=100), "Suffix": Spec(max_length=16), "CompanyName": Spec(max_length=100),
        "PrintOnCheckName": Spec(max_length=110), "Notes": Spec(max_length=2000),
        "PrimaryEmailAddr": Spec(email="single", max_length=100),
        "PreferredDeliveryMethod": Spec(choices=("Print", "Email", "None")),
        "BillAddr": Spec(address=True), "ShipAddr": Spec(address=True),
    }

    def check_name(self, fields: dict[str, Any]) -> None:
        if not text(fields.get("DisplayName")) and not any(
                text(fields.get(k)) for k in ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")):
            raise NoNameProvided()
        if text(fields.get("DisplayName")):
            super().check_name(fields)

    def unique_name(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> str:
        if not text(fields.get("DisplayName")):
            parts = [text(fields.get(k)) for k in ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")]
            built = " ".join(p for p in parts if p)
            if not built:
                raise NoNameProvided()
            fields["DisplayName"] = built
        return super().unique_name(company, fields, current)

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        out = super().fields(company, fields, current)
        parent = ref(fields.get("ParentRef"))
        display = fields["DisplayName"].strip()
        if parent:
            parent_record = resolve_ref(company, "Customer", parent, "ParentRef", label="Names")
            out["ParentRef"] = {"value": parent_record["Id"]}
            out["Job"] = True
            out["FullyQualifiedName"] = f"{parent_record['FullyQualifiedName']}:{display}"
            out["Level"] = parent_record.get("Level", 0) + 1
        else:
            out["Job"] = False
            out["FullyQualifiedName"] = display
        out.setdefault("Taxable", company.is_us)
        out.setdefault("BillWithParent", False)
        out["Balance"] = current.get("Balance", 0) if current else 0
        out["BalanceWithJobs"] = current.get("BalanceWithJobs", 0) if current else 0
        home = company.preferences.get("CurrencyPrefs", {}).get("HomeCurrency", {}).get("value", "USD")
        out.setdefault("CurrencyRef", {"value": home})
        out.setdefault("PreferredDeliveryMethod", "Print")
        out.setdefault("PrintOnCheckName", display)
        for key in ("BillAddr", "ShipAddr"):
            if isinstance(out.get(key), dict):
                address = dict(out[key])
                previous = (current or {}).get(key, {})
                address["Id"] = previous.get("Id") or company.next_id("PhysicalAddress")
                out[key] = address
        return out


ITEM_TYPES = ("Service", "NonInventory", "Inventory", "Category", "Group")


class Item(NameList):
    name = "Item"
    name_key = "Name"
    clash_kind = "product or service"
    writable = ("Name", "Sku", "Description", "Active", "Taxable", "UnitPrice", "Type", "IncomeAccountRef",
                "ExpenseAccountRef", "AssetAccountRef", "PurchaseDesc", "PurchaseCost", "TrackQtyOnHand",
                "QtyOnHand", "InvStartDate", "SalesTaxCodeRef", "PurchaseTaxCodeRef", "SalesTaxIncluded",
                "ParentRef", "SubItem", "ClassRef")
    extra_known = ("AbatementRate", "ItemCategoryType", "PurchaseTaxIncluded", "ReverseChargeRate", "ServiceType",
                   "PrefVendorRef", "UQCDisplayText", "UQCId", "Source", "ItemGroupDetail", "ItemAssemblyDetail",
                   "PrintGroupedItems", "TaxClassificationRef", "FullyQualifiedName")
    field_specs = {"Sku": Spec(max_length=100), "Description": Spec(max_length=4000),
                   "PurchaseDesc": Spec(max_length=1000), "InvStartDate": Spec(date=True)}

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        out = super().fields(company, fields, current)
        item_type = text(fields.get("Type")) or "Service" if current is None else \
            text(fields.get("Type")) or current.get("Type", "Service")
        if item_type not in ITEM_TYPES:
            raise InvalidEnum(element="Type", value=f"Type:{item_type}")
        out["Type"] = item_type
        if item_type in ("Service", "NonInventory", "Inventory"):
            income = ref(fields.get("IncomeAccountRef"))
            expense = ref(fields.get("ExpenseAccountRef"))
            if income is None and expense is None:
                raise RequiredParamMissing(param="ExpenseAccountRef or IncomeAccountRef")
            if income:
                account = resolve_ref(company, "Account", income, "IncomeAccountRef", label="Accounts")
                out["IncomeAccountRef"] = {"value": account["Id"], "name": account["Name"]}
            if expense:
                account = resolve_ref(company, "Account", expense, "ExpenseAccountRef", label="Accounts")
                out["ExpenseAccountRef"] = {"value": account["Id"], "name": account["Name"]}
        if item_type == "Inventory" and not ref(fields.get("AssetAccountRef")):
            raise RequiredParamMissing(param="AssetAccountRef")
        price = decimal(fields.get("UnitPrice"), "UnitPrice")
        out["UnitPrice"] = float(price) if price is not None else 0
        out.setdefault("Taxable", False)
        out.setdefault("TrackQtyOnHand", False)
        out["FullyQualifiedName"] = fields["Name"].strip()
        return out


ACCOUNT_CLASSIFICATION = {
    "Bank": "Asset", "Accounts Receivable": "Asset", "Other Current Asset": "Asset", "Fixed Asset": "Asset",
    "Other Asset": "Asset", "Accounts Payable": "Liability", "Credit Card": "Liability",
    "Other Current Liability": "Liability", "Long Term Liability": "Liability", "Equity": "Equity",
    "Income": "Revenue", "Other Income": "Revenue", "Cost of Goods Sold": "Expense", "Expense": "Expense",
    "Other Expense": "Expense",
}


class Account(NameList):
    name = "Account"
    name_key = "Name"
    clash_kind = "account"
    writable = ("Name", "AccountType", "AccountSubType", "AcctNum", "Description", "Active", "SubAccount",
                "ParentRef", "TaxCodeRef", "CurrencyRef", "OpeningBalance", "OpeningBalanceDate")
    extra_known = ("TxnLocationType", "AccountAlias")
    field_specs = {"Description": Spec(max_length=100), "OpeningBalanceDate": Spec(date=True)}

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        out = super().fields(company, fields, current)
        account_type = text(fields.get("AccountType"))
        if account_type is None:
            raise RequiredParamMissing(param="AccountType", element="AccountType")
        if account_type not in ACCOUNT_CLASSIFICATION:
            raise InvalidEnum(element="AccountType", value=f"AccountType:{account_type}")
        out["SubAccount"] = bool(ref(fields.get("ParentRef")))
        out["FullyQualifiedName"] = fields["Name"].strip()
        out["Classification"] = ACCOUNT_CLASSIFICATION[account_type]
        out["AccountType"] = account_type
        out["CurrentBalance"] = current.get("CurrentBalance", 0) if current else money(
            decimal(fields.get("OpeningBalance"), "OpeningBalance") or 0)
        out["CurrentBalanceWithSubAccounts"] = out["CurrentBalance"]
        home = company.preferences.get("CurrencyPrefs", {}).get("HomeCurrency", {}).get("value", "USD")
        out.setdefault("CurrencyRef", {"value": home})
        return out


class TaxAgency(NameList):
    name = "TaxAgency"
    name_key = "DisplayName"
    clash_kind = "tax agency"
    writable = ("DisplayName", "TaxTrackedOnSales", "TaxTrackedOnPurchases", "TaxRegistrationNumber",
                "ReportingPeriod", "Active")
    extra_known = ("TaxAgencyConfig", "LastFileDate", "TaxRegistrationNumberEffectiveDate")

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        out = super().fields(company, fields, current)
        out.setdefault("TaxTrackedOnSales", True)
        out.setdefault("TaxTrackedOnPurchases", not company.is_us)
        return out

    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        return EntityType.update(self, company, body, op, sparse=sparse)  # read/create only in QBO


class Term(NameList):
    name = "Term"
    name_key = "Name"
    clash_kind = "term"
    writable = ("Name", "Active", "Type", "DueDays", "DiscountPercent", "DiscountDays", "DayOfMonthDue")
    extra_known = ("DiscountDayOfMonth", "DueNextMonthDays")

    def fields(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        out = super().fields(company, fields, current)
        out.setdefault("Type", "STANDARD")
        out["DueDays"] = int(decimal(fields.get("DueDays"), "DueDays") or 0)
        return out


def deactivate_by_user(company: Company, entity: str, entity_id: str, active: bool, op: Op) -> dict[str, Any]:
    """What a QuickBooks user does in the web UI: make a list entry (in)active without a SyncToken."""
    current = company.store(entity).get(entity_id)
    if current is None:
        raise KeyError(f"no {entity} with Id {entity_id!r} in company {company.realm_id}")
    record = copy.deepcopy(current)
    record["Active"] = active
    bump(record, op)
    company.save(entity, record, op, operation="Update")
    return record


__all__ = ["Customer", "Item", "Account", "TaxAgency", "Term", "NameList",
           "deactivate_by_user"]
