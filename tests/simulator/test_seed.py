"""Seeding: a company is a pure function of (region, seed, creation second); companies created together share
their region's books (records and containers, copy-on-write) and never see each other's writes."""

from __future__ import annotations

from simulator.clock import SimClock
from simulator.entities import BY_NAME
from simulator.entities.base import op_for
from simulator import seed
from simulator.seed import build_company
from tests.simulator.clocks import FrozenClock


def _view(company):  # everything the API could answer, by entity
    return {name: sorted((r["Id"], repr(r)) for r in store) for name, store in company.stores.items()}


def test_same_region_and_seed_give_the_same_company_and_share_the_books() -> None:
    clock = FrozenClock()  # the same creation second: on a loaded machine the two could fall a second apart
    first = build_company("1", region="US", clock=clock, seed=7)
    second = build_company("2", region="US", clock=clock, seed=7)
    assert _view(first) == _view(second)
    assert first.store("Account").get("1") is second.store("Account").get("1")  # shared, not copied
    assert build_company("3", region="US", clock=clock, seed=8).store("Vendor").get("1")["DisplayName"] != \
        first.store("Vendor").get("1")["DisplayName"]


def test_a_reused_faker_draws_what_a_new_one_would() -> None:
    clock = FrozenClock()
    seed._FAKERS.__dict__.clear()
    fresh = _view(build_company("1", region="AU", clock=clock, seed=11))
    for other in range(3):  # the locale's Faker has drawn for other companies since
        build_company(str(2 + other), region="AU", clock=clock, seed=100 + other, customers=5)
    assert _view(build_company("9", region="AU", clock=clock, seed=11)) == fresh


def test_a_write_in_one_company_never_shows_in_another_created_with_it() -> None:
    clock = SimClock()
    first = build_company("1", region="AU", clock=clock)
    second = build_company("2", region="AU", clock=clock)
    before = _view(second)
    op = op_for(first)
    sales = first.store("Account").get("1")
    BY_NAME["Account"].update(first, {**sales, "Name": "Sales (renamed)"}, op, sparse=False)
    BY_NAME["Account"].create(first, {"Name": "Brand new", "AccountType": "Expense"}, op)
    BY_NAME["PaymentMethod"].delete(first, first.store("PaymentMethod").get("1"), op)
    assert first.store("Account").get("1")["Name"] == "Sales (renamed)"
    assert first.store("Account").lookup("Name", "Brand new")
    assert _view(second) == before
    assert second.store("Account").lookup("Name", "Sales") and not second.store("Account").lookup("Name", "Brand new")
    third = build_company("3", region="AU", clock=clock)  # the books it shares are untouched too
    assert third.store("Account").get("1")["Name"] == "Sales"
    assert third.store("PaymentMethod").get("1")["Active"] is True


def test_a_sandbox_like_chart_of_accounts_lists_and_people_per_region() -> None:
    for region in ("AU", "US", "CA", "UK"):
        company = build_company("9", region=region, clock=SimClock())
        types = {a["AccountType"] for a in company.store("Account")}
        assert {"Expense", "Cost of Goods Sold", "Bank", "Credit Card", "Accounts Payable",
                "Other Current Liability", "Income", "Equity"} <= types, region
        assert len(company.store("PaymentMethod")) == 7 and len(company.store("Vendor")) == 1
        assert len(company.store("Employee")) == 1
        stock = [i for i in company.store("Item") if i["Type"] == "Inventory"]
        assert stock and all(i["QtyOnHand"] > 0 for i in stock), region
        assert bool(len(company.store("CompanyCurrency"))) == (region == "US")


def test_recurring_next_date_per_interval() -> None:
    from datetime import date

    from simulator.entities.recurring import next_date

    weekly = {"IntervalType": "Weekly", "NumInterval": 2, "DayOfWeek": "Friday"}
    assert next_date(weekly, date(2026, 11, 30), date(2026, 11, 30)) == date(2026, 12, 4)  # Monday → Friday
    assert next_date(weekly, date(2026, 11, 30), date(2026, 12, 5)) == date(2026, 12, 18)  # every 2nd Friday
    monthly = {"IntervalType": "Monthly", "NumInterval": 1, "DayOfMonth": 31}
    assert next_date(monthly, date(2027, 2, 1), date(2027, 2, 1)) == date(2027, 2, 28)  # short month: its last day
    yearly = {"IntervalType": "Yearly", "NumInterval": 1}
    assert next_date(yearly, date(2024, 3, 15), date(2026, 6, 1)) == date(2027, 3, 15)
    daily = {"IntervalType": "Daily", "NumInterval": 3}
    assert next_date(daily, date(2026, 1, 1), date(2026, 1, 5)) == date(2026, 1, 7)
