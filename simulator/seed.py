"""Region presets and realistic seed data for a new company.

Each region is set up as a real QBO company of that country is: its tax model (US TAX/NON pseudo
codes with a sales-tax group; AU GST/GST free; CA GST/HST; UK VAT), currency, time zone and the
default accounts, terms and items invoice sync needs. Faker, seeded from the realm id, fills names
and addresses so the same realm always gets the same data.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from faker import Faker

from simulator.clock import SimClock
from simulator.company import Company
from simulator.entities import BY_NAME
from simulator.entities.base import Op, new_meta, op_for
from simulator.entities.lists import DEFAULT_PAYMENT_METHODS, new_exchange_rate
from simulator.entities.tax import new_tax_code, new_tax_rate
from simulator.seed_preferences import default_preferences

__all__ = ["REGIONS", "Region", "build_company"]


@dataclass(frozen=True)
class TaxSetup:
    agency: str
    #: (code name, description, sales rates [(rate name, percent)], active)
    codes: tuple[tuple[str, str, tuple[tuple[str, str], ...], bool], ...] = ()


@dataclass(frozen=True)
class Region:
    country: str
    timezone: str
    currency: str
    locale: str
    custom_txn_numbers: bool
    tax: TaxSetup
    extra_prefs: dict[str, Any] = field(default_factory=dict)
    #: (name, subtype) of the liability account sales tax collects in
    tax_payable: tuple[str, str] = ("Sales Tax Payable", "SalesTaxPayable")
    #: first month of the income-tax year (AccountingInfoPrefs.TaxYearMonth)
    tax_year_month: str = "January"
    #: multicurrency on, with these company currencies and their rates to the home currency
    currencies: tuple[tuple[str, str], ...] = ()


REGIONS: dict[str, Region] = {
    "AU": Region("AU", "Australia/Sydney", "AUD", "en_AU", True, TaxSetup("Australian Taxation Office", (
        ("GST", "GST", (("GST (sales)", "10"),), True),
        ("FRE", "GST free", (("GST free (sales)", "0"),), True),
        ("INP", "Input taxed", (("Input taxed (sales)", "0"),), True),
        ("EXP", "Export", (("Export (sales)", "0"),), False),  # the inactive code Caspen users trip over
    )), tax_payable=("GST Payable", "GlobalTaxPayable"), tax_year_month="July"),
    "US": Region("US", "America/Los_Angeles", "USD", "en_US", False, TaxSetup("California Department of Tax", (
        ("California", "California sales tax", (("California", "8"),), True),
    )), currencies=(("CAD", "0.73"), ("EUR", "1.08"))),
    "CA": Region("CA", "America/Toronto", "CAD", "en_CA", False, TaxSetup("Canada Revenue Agency", (
        ("HST ON", "HST Ontario", (("HST (ON) 2016", "13"),), True),
        ("GST", "GST", (("GST", "5"),), True),
        ("Zero-rated", "Zero-rated", (("Zero-rated", "0"),), True),
        ("Exempt", "Exempt", (("Exempt", "0"),), True),
    )), tax_payable=("GST/HST Payable", "GlobalTaxPayable")),
    "UK": Region("GB", "Europe/London", "GBP", "en_GB", False, TaxSetup("HMRC", (
        ("20.0% S", "Standard rated sales", (("20.0% S", "20"),), True),
        ("0.0% Z", "Zero rated sales", (("0.0% Z", "0"),), True),
        ("Exempt", "Exempt", (("Exempt", "0"),), True),
    )), tax_payable=("VAT Control", "GlobalTaxPayable"), tax_year_month="April"),
}
REGIONS["GB"] = REGIONS["UK"]

US_PSEUDO_CODES = ("TAX", "NON", "CustomSalesTax")


def build_company(realm_id: str, *, region: str = "AU", clock: SimClock, name: str | None = None,
                  customers: int = 3, custom_txn_numbers: bool | None = None, seed: int | None = None) -> Company:
    """A new company of ``region`` with its defaults and ``customers`` Faker customers."""
    try:
        preset = REGIONS[region.upper()]
    except KeyError:
        raise ValueError(f"unknown region {region!r}; choose one of {', '.join(sorted(REGIONS))}") from None
    fake = _faker(preset.locale)
    fake.seed_instance(seed if seed is not None else int(hashlib.sha256(realm_id.encode()).hexdigest()[:8], 16))
    company_name = name or f"{fake.last_name()} {fake.random_element(('Plumbing', 'Design', 'Electrical', 'Consulting', 'Landscaping'))}"
    company = Company(realm_id, country=preset.country, name=company_name, timezone=preset.timezone, clock=clock)
    op = op_for(company)
    _settings(company, preset, company_name, fake, op,
              preset.custom_txn_numbers if custom_txn_numbers is None else custom_txn_numbers)
    _copy_books(_region_books(preset, clock, op), company)
    for _ in range(customers):
        add_fake_customer(company, fake, op)
    _people(company, fake, op)
    return company


#: one Faker per locale and thread: building one loads ~26 providers (half the cost of a new company, issue 16);
#: every use re-seeds it first, so what it draws depends only on the seed. Per thread, so no two companies
#: built at once share one (a memo, not state: nothing in it outlives the build that seeds it).
_FAKERS = threading.local()


def _faker(locale: str) -> Faker:
    fakers: dict[str, Faker] = _FAKERS.__dict__.setdefault("by_locale", {})
    if locale not in fakers:
        fakers[locale] = Faker(locale)
    return fakers[locale]


#: the region's books by (country, MetaData stamp): see _region_books
_BOOKS: OrderedDict[tuple[str, str], Company] = OrderedDict()
_BOOKS_LOCK = threading.Lock()
_BOOKS_KEPT = 8


def _region_books(preset: Region, clock: SimClock, op: Op) -> Company:
    """The part of a new company that depends only on its region and creation time: chart of accounts,
    terms, tax agency/codes/rates, products and services, payment methods, currencies and rates.

    Built once, through the entity rules, in a scratch company, per (country, MetaData stamp), and shared by
    every company created in that second: records are immutable, so companies share them the way
    ``Company.snapshot`` does (a seeded company costs its own indexes, not its own copy of ~70 records).
    A memo of a pure function of its key, bounded to the last few keys."""
    key = (preset.country, op.meta_time)
    with _BOOKS_LOCK:
        books = _BOOKS.get(key)
        if books is not None:
            _BOOKS.move_to_end(key)
            return books
    books = Company("books", country=preset.country, name="books", timezone=preset.timezone, clock=clock)
    _preferences(books, preset, "books", op, preset.custom_txn_numbers)  # what the rules below read
    accounts = _accounts(books, preset, op)
    _terms(books, op)
    _tax(books, preset, op)
    BY_NAME["Item"].create(books, {"Name": "Services", "Type": "Service", "IncomeAccountRef": accounts["Sales"],
                                   **_item_tax(books)}, op)
    BY_NAME["Item"].create(books, {"Name": "Hours", "Type": "Service", "UnitPrice": 50,
                                   "IncomeAccountRef": accounts["Sales"], **_item_tax(books)}, op)
    _sandbox_lists(books, preset, accounts, op)
    with _BOOKS_LOCK:
        _BOOKS[key] = books
        while len(_BOOKS) > _BOOKS_KEPT:
            _BOOKS.popitem(last=False)
    return books


def _copy_books(books: Company, company: Company) -> None:
    for entity, store in books.stores.items():
        if entity not in ("CompanyInfo", "Preferences"):
            company.stores[entity] = store.copy()
    company.history.update({key: list(versions) for key, versions in books.history.items()
                            if key[0] not in ("CompanyInfo", "Preferences")})
    company.sequences.update(books.sequences)


#: what a sandbox company's product list has beyond Services and Hours: (name, price), then stock items
#: (name, price, cost, quantity on hand) with their inventory accounts
SANDBOX_SERVICES = (("Design", 75), ("Installation", 50), ("Maintenance & Repair", 60), ("Consulting", 90),
                    ("Gardening", 25), ("Lighting", 15), ("Pest Control", 35), ("Trimming", 35))
SANDBOX_STOCK = (("Sprinkler Heads", 2, "0.75", 25), ("Pump", 15, 10, 25))


def _sandbox_lists(company: Company, preset: Region, accounts: dict[str, dict[str, str]], op: Op) -> None:
    """What a fresh sandbox company of the region has besides invoicing's needs: payment methods, a fuller
    product list with stock items (QtyOnHand and their income/COGS/asset accounts) and, where multicurrency
    is on, company currencies with their exchange rates."""
    for method, kind in DEFAULT_PAYMENT_METHODS:
        BY_NAME["PaymentMethod"].create(company, {"Name": method, "Type": kind}, op)
    tax = _item_tax(company)
    for name, price in SANDBOX_SERVICES:
        BY_NAME["Item"].create(company, {"Name": name, "Type": "Service", "UnitPrice": price,
                                         "IncomeAccountRef": accounts["Services"], **tax}, op)
    for name, price, cost, quantity in SANDBOX_STOCK:
        BY_NAME["Item"].create(company, {
            "Name": name, "Type": "Inventory", "UnitPrice": price, "PurchaseCost": cost, "TrackQtyOnHand": True,
            "QtyOnHand": quantity, "InvStartDate": "2020-01-01", "IncomeAccountRef": accounts["Sales"],
            "ExpenseAccountRef": accounts["Cost of sales"], "AssetAccountRef": accounts["Inventory Asset"], **tax,
        }, op)
    for code, rate in preset.currencies:
        BY_NAME["CompanyCurrency"].create(company, {"Code": code}, op)
        new_exchange_rate(company, op, code, rate, op.today.isoformat())


def _people(company: Company, fake: Faker, op: Op) -> None:
    """A vendor and an employee, as every sandbox company has (Faker, seeded from the realm; few calls, as
    Faker is most of what a new company costs)."""
    surname = fake.last_name()
    vendor_name = f"{surname} Supplies"
    BY_NAME["Vendor"].create(company, {
        "DisplayName": vendor_name, "CompanyName": vendor_name, "PrintOnCheckName": vendor_name,
        "PrimaryEmailAddr": {"Address": f"accounts@{''.join(c for c in surname.lower() if c.isalnum())}.example"},
        "PrimaryPhone": {"FreeFormNumber": fake.phone_number()},
        "AcctNum": str(int(hashlib.sha256(surname.encode()).hexdigest()[:6], 16) % 900000 + 100000),
    }, op)
    BY_NAME["Employee"].create(company, {
        "GivenName": fake.first_name(), "FamilyName": fake.last_name(), "HiredDate": "2020-01-01",
    }, op)


def add_fake_customer(company: Company, fake: Faker, op: Op) -> dict[str, Any]:
    given, family = fake.first_name(), fake.last_name()
    return BY_NAME["Customer"].create(company, {
        "GivenName": given, "FamilyName": family, "DisplayName": f"{given} {family}",
        "CompanyName": fake.company(), "PrimaryEmailAddr": {"Address": fake.email()},
        "PrimaryPhone": {"FreeFormNumber": fake.phone_number()},
        "BillAddr": {"Line1": fake.street_address(), "City": fake.city(),
                     "CountrySubDivisionCode": _state(fake), "PostalCode": fake.postcode(),
                     "Country": company.country},
    }, op)


def _state(fake: Faker) -> str:
    for attr in ("state_abbr", "province_abbr", "county"):
        if hasattr(fake, attr):
            return str(getattr(fake, attr)())
    return ""


def _settings(company: Company, preset: Region, name: str, fake: Faker, op: Op, custom_txn_numbers: bool) -> None:
    address = {"Id": "1", "Line1": fake.street_address(), "City": fake.city(), "Country": preset.country,
               "PostalCode": fake.postcode()}
    meta = new_meta(op)
    company.save("CompanyInfo", {
        "CompanyName": name, "LegalName": name, "CompanyAddr": address, "CustomerCommunicationAddr": address,
        "LegalAddr": address, "PrimaryPhone": {"FreeFormNumber": fake.phone_number()},
        "CompanyStartDate": "2020-01-01", "FiscalYearStartMonth": "July" if preset.country == "AU" else "January",
        "Country": preset.country, "Email": {"Address": fake.company_email()},
        "WebAddr": {}, "SupportedLanguages": "en",
        "NameValue": [{"Name": "NeoEnabled", "Value": "true"}, {"Name": "SubscriptionStatus", "Value": "PAID"},
                      {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"}],
        "domain": "QBO", "sparse": False, "Id": "1", "SyncToken": "0", "MetaData": meta,
    }, op, operation="Create")
    _preferences(company, preset, name, op, custom_txn_numbers)


def _preferences(company: Company, preset: Region, name: str, op: Op, custom_txn_numbers: bool) -> None:
    meta = new_meta(op)
    prefs = default_preferences(country=preset.country, currency=preset.currency, company_name=name,
                                custom_txn_numbers=custom_txn_numbers)
    prefs["AccountingInfoPrefs"]["TaxYearMonth"] = preset.tax_year_month
    prefs["CurrencyPrefs"]["MultiCurrencyEnabled"] = bool(preset.currencies)
    company.save("Preferences", {**prefs, "domain": "QBO", "sparse": False, "Id": "1", "SyncToken": "0",
                                 "MetaData": meta}, op, operation="Create")


#: the rest of a sandbox chart of accounts, after invoicing's accounts (which keep their Ids)
SANDBOX_ACCOUNTS = (
    ("Savings", "Bank", "Savings"),
    ("Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable"),
    ("Visa", "Credit Card", "CreditCard"),
    ("Mastercard", "Credit Card", "CreditCard"),
    ("Payroll Liabilities", "Other Current Liability", "PayrollTaxPayable"),
    ("Loan Payable", "Long Term Liability", "NotesPayable"),
    ("Truck", "Fixed Asset", "Vehicles"),
    ("Prepaid Expenses", "Other Current Asset", "PrepaidExpenses"),
    ("Opening Balance Equity", "Equity", "OpeningBalanceEquity"),
    ("Retained Earnings", "Equity", "RetainedEarnings"),
    ("Owner's Equity", "Equity", "OwnersEquity"),
    ("Interest Earned", "Other Income", "InterestEarned"),
    ("Advertising", "Expense", "AdvertisingPromotional"),
    ("Automobile", "Expense", "Auto"),
    ("Bank Charges", "Expense", "BankCharges"),
    ("Insurance", "Expense", "Insurance"),
    ("Legal & Professional Fees", "Expense", "LegalProfessionalFees"),
    ("Meals and Entertainment", "Expense", "EntertainmentMeals"),
    ("Office Expenses", "Expense", "OfficeGeneralAdministrativeExpenses"),
    ("Rent or Lease", "Expense", "RentOrLeaseOfBuildings"),
    ("Repair & Maintenance", "Expense", "RepairMaintenance"),
    ("Supplies", "Expense", "SuppliesMaterials"),
    ("Travel", "Expense", "Travel"),
    ("Utilities", "Expense", "Utilities"),
    ("Wages", "Expense", "PayrollExpenses"),
    ("Depreciation", "Other Expense", "Depreciation"),
)


def _accounts(company: Company, preset: Region, op: Op) -> dict[str, dict[str, str]]:
    out = {}
    for name, account_type, sub_type in (
        ("Sales", "Income", "SalesOfProductIncome"),
        ("Services", "Income", "ServiceFeeIncome"),
        ("Discounts given", "Income", "DiscountsRefundsGiven"),
        ("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
        ("Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
        ("Cheque account" if company.country != "US" else "Checking", "Bank", "Checking"),
        ("Inventory Asset", "Other Current Asset", "Inventory"),
        ("Cost of sales", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
        (preset.tax_payable[0], "Other Current Liability", preset.tax_payable[1]),
        *SANDBOX_ACCOUNTS,
    ):
        record = BY_NAME["Account"].create(company, {"Name": name, "AccountType": account_type,
                                                     "AccountSubType": sub_type}, op)
        out[name] = {"value": record["Id"], "name": record["Name"]}
    return out


def _terms(company: Company, op: Op) -> None:
    for name, days in (("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 60", 60)):
        BY_NAME["Term"].create(company, {"Name": name, "DueDays": days}, op)


def _tax(company: Company, preset: Region, op: Op) -> None:
    agency = BY_NAME["TaxAgency"].create(company, {"DisplayName": preset.tax.agency}, op)
    if company.is_us:
        for code in US_PSEUDO_CODES:  # pseudo codes: no SyncToken/domain, Ids are the names [qbo-api §8]
            company.store("TaxCode").put({"TaxGroup": False, "Name": code, "Taxable": code == "TAX",
                                          "Description": code, "Id": code, "Active": True,
                                          "MetaData": new_meta(op)}, op.epoch)
    company.sequences["TaxCode"] = 4  # seeded codes start at Id 5, as in real AU companies
    company.sequences["TaxRate"] = 2
    for code_name, description, rates, active in preset.tax.codes:
        refs = []
        for order, (rate_name, percent) in enumerate(rates):
            rate = new_tax_rate(company, op, name=rate_name, rate_value=Decimal(percent), agency_id=agency["Id"],
                                special="ZERO_RATE" if Decimal(percent) == 0 else "NONE")
            refs.append({"TaxRateRef": {"value": rate["Id"], "name": rate["Name"]},
                         "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": order})
        new_tax_code(company, op, name=code_name, description=description, sales_rates=refs, active=active,
                     config_type="SYSTEM_GENERATED")


def _item_tax(company: Company) -> dict[str, Any]:
    if company.is_us:
        return {"Taxable": True}
    return {"SalesTaxCodeRef": {"value": "5", "name": company.store("TaxCode").get("5")["Name"]}}
