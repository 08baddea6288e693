"""Account rows of the P&L and balance sheet, sub-accounts nested under their parents.

A parent account with sub-accounts becomes a Section: ``Header`` (its name and Id), its own postings
as a Data row under its own name (when it has any), its sub-accounts, and ``Summary`` "Total <name>"
adding them up — the captured balance sheet's "Truck" section with "Original Cost" inside, and the
documented P&L's "Landscaping Services" > "Job Materials" [CAP/DOC]. Accounts without sub-accounts
are plain Data rows; siblings sort by name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.reports.cells import amount, cell, data_row, section

if TYPE_CHECKING:
    from simulator.ledger import Ledger

__all__ = ["account_rows"]

ZERO = Decimal(0)
MAX_DEPTH = 5  # QBO allows sub-accounts five levels deep; a cycle in ParentRef cannot recurse for ever


def account_rows(ledger: Ledger, values: dict[str, list[Decimal]], width: int
                 ) -> tuple[list[dict[str, Any]], list[Decimal]]:
    """Rows for accounts (Id → one value per column) and the column totals."""
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    shown = set(values)
    pending = list(values)
    while pending:  # parents without postings of their own still head their sub-accounts
        account_id = pending.pop()
        parent = _parent(ledger, account_id)
        if parent and parent not in shown:
            shown.add(parent)
            pending.append(parent)
    for account_id in shown:
        parent = _parent(ledger, account_id)
        if parent and parent in shown and parent != account_id:
            children.setdefault(parent, []).append(account_id)
        else:
            roots.append(account_id)
    rows, totals = [], [ZERO] * width
    for account_id in _by_name(ledger, roots):
        row, sums = _row(ledger, account_id, values, children, width, 0)
        rows.append(row)
        totals = [a + b for a, b in zip(totals, sums, strict=True)]
    return rows, totals


def _row(ledger: Ledger, account_id: str, values: dict[str, list[Decimal]], children: dict[str, list[str]],
         width: int, depth: int) -> tuple[dict[str, Any], list[Decimal]]:
    record = ledger.account(account_id)
    own = values.get(account_id)
    name, ident = str(record.get("Name", "")), record.get("Id") or None
    kids = children.get(account_id, []) if depth < MAX_DEPTH else []
    if not kids:
        line = own or [ZERO] * width
        return data_row([cell(name, ident), *[cell(amount(v)) for v in line]]), list(line)
    rows, sums = [], list(own or [ZERO] * width)
    if own is not None:
        rows.append(data_row([cell(name, ident), *[cell(amount(v)) for v in own]]))
    for child in _by_name(ledger, kids):
        row, child_sums = _row(ledger, child, values, children, width, depth + 1)
        rows.append(row)
        sums = [a + b for a, b in zip(sums, child_sums, strict=True)]
    blank = [cell("") for _ in range(width)]
    return section([cell(name, ident), *blank], rows, [cell(f"Total {name}"), *[cell(amount(v)) for v in sums]]), sums


def _parent(ledger: Ledger, account_id: str) -> str | None:
    ref = ledger.account(account_id).get("ParentRef") or {}
    value = ref.get("value") if isinstance(ref, dict) else None
    return str(value) if value else None


def _by_name(ledger: Ledger, ids: list[str]) -> list[str]:
    return sorted(ids, key=lambda a: str(ledger.account(a).get("Name", "")).casefold())
