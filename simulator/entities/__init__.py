"""Entity rules: validation and computed fields, per QBO entity. Never imports Flask."""

from __future__ import annotations

from simulator.entities.attachable import Attachable
from simulator.entities.banking import CreditCardPayment, Deposit, JournalEntry, Transfer
from simulator.entities.base import EntityType, Op
from simulator.entities.lists import Budget, CompanyCurrency, Department, ExchangeRate, PaymentMethod, TrackingClass
from simulator.entities.names import Account, Customer, Item, TaxAgency, Term
from simulator.entities.payment import Payment
from simulator.entities.people import Employee, Vendor
from simulator.entities.purchases import Bill, BillPayment, Purchase, PurchaseOrder, VendorCredit
from simulator.entities.receipts import Estimate, RefundReceipt, SalesReceipt
from simulator.entities.recurring import RecurringTransaction
from simulator.entities.sales import CreditMemo, Invoice
from simulator.entities.settings import CompanyInfo, Preferences
from simulator.entities.tax import TaxCode, TaxRate
from simulator.entities.timeactivity import TimeActivity

#: every entity the simulator serves, in the order the inspector and the OpenAPI document list them
ENTITY_CLASSES: tuple[type[EntityType], ...] = (
    Invoice, CreditMemo, SalesReceipt, RefundReceipt, Estimate, Payment, Deposit, Transfer, CreditCardPayment,
    JournalEntry, Bill, BillPayment, Purchase, PurchaseOrder, VendorCredit, TimeActivity, RecurringTransaction,
    Customer, Vendor, Employee, Item, Account, PaymentMethod, TrackingClass, Department, Term, TaxAgency, TaxCode,
    TaxRate, CompanyCurrency, ExchangeRate, Budget, CompanyInfo, Preferences, Attachable,
)
#: URL path segment (lower case, as every client sends it) → rules; aliases (``creditcardpayment`` for
#: ``CreditCardPaymentTxn``) point at the same rules
ENTITY_TYPES: dict[str, EntityType] = {}
#: query/JSON name (and alias) → rules
BY_NAME: dict[str, EntityType] = {}
for _cls in ENTITY_CLASSES:
    _rules = _cls()
    for _name in (_cls.name, *getattr(_cls, "aliases", ())):
        ENTITY_TYPES[_name.lower()] = _rules
        BY_NAME[_name] = _rules
#: the stored (JSON) entity names, one per entity
ENTITY_NAMES: tuple[str, ...] = tuple(cls.name for cls in ENTITY_CLASSES)

__all__ = ["ENTITY_TYPES", "BY_NAME", "ENTITY_CLASSES", "ENTITY_NAMES", "EntityType", "Op"]
