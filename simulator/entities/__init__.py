"""Entity rules: validation and computed fields, per QBO entity. Never imports Flask."""

from __future__ import annotations

from simulator.entities.attachable import Attachable
from simulator.entities.base import EntityType, Op
from simulator.entities.names import Account, Customer, Employee, Item, TaxAgency, Term, Vendor
from simulator.entities.payment import Payment
from simulator.entities.sales import CreditMemo, Invoice
from simulator.entities.settings import CompanyInfo, Preferences
from simulator.entities.tax import TaxCode, TaxRate

#: URL path segment (lower case, as every client sends it) → rules
ENTITY_TYPES: dict[str, EntityType] = {
    cls.name.lower(): cls()
    for cls in (Invoice, CreditMemo, Payment, Customer, Vendor, Employee, Item, Account, TaxAgency, Term,
                TaxCode, TaxRate, CompanyInfo, Preferences, Attachable)
}
#: query/JSON name → rules
BY_NAME: dict[str, EntityType] = {rules.name: rules for rules in ENTITY_TYPES.values()}

__all__ = ["ENTITY_TYPES", "BY_NAME", "EntityType", "Op"]
