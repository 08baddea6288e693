"""What the inspector's pages show, computed from a company or the journal (no Flask, no HTML).

Records are shown as QuickBooks holds them; these helpers only pick and summarise fields
(customer name, tax lines with their rate names, voided/deleted state, what changed between
two versions) so templates stay plain loops.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from simulator.company import SALES_FORMS, Company
from simulator.journal import JournalEntry

__all__ = ["SALES_FORMS", "SalesRow", "sales_rows", "sales_row", "tax_lines", "changes", "pretty",
           "connection_summary", "JournalQuery", "STATUS_FILTERS"]


@dataclass
class SalesRow:
    entity: str
    id: str
    record: dict[str, Any]
    state: str  # open | paid | voided | deleted
    customer: str
    tax: list[dict[str, Any]] = field(default_factory=list)

    @property
    def subtotal(self) -> Any:
        for line in self.record.get("Line", []):
            if line.get("DetailType") == "SubTotalLineDetail":
                return line.get("Amount")
        return None


def _voided(record: dict[str, Any]) -> bool:
    # a void zeroes the amounts and marks PrivateNote "Voided" (simulator.entities.sales.void)
    return str(record.get("PrivateNote") or "").startswith("Voided") and not record.get("TotalAmt")


def sales_row(company: Company, entity: str, record: dict[str, Any], *, deleted: bool = False) -> SalesRow:
    if deleted:
        state = "deleted"
    elif _voided(record):
        state = "voided"
    elif entity == "Invoice" and record.get("TotalAmt") and not record.get("Balance"):
        state = "paid"
    else:
        state = "open"
    ref = record.get("CustomerRef") or {}
    customer = ref.get("name") or (company.store("Customer").get(str(ref.get("value"))) or {}).get("DisplayName", "")
    return SalesRow(entity, record["Id"], record, state, customer or f"Id {ref.get('value', '?')}",
                    tax_lines(company, record))


def sales_rows(company: Company, entity: str) -> list[SalesRow]:
    """Every record of a sales form, deleted ones (their last version) included, newest Id first."""
    rows = [sales_row(company, entity, r) for r in company.store(entity)]
    for (name, entity_id) in list(company.deleted):
        versions = company.history.get((name, entity_id))
        if name == entity and versions:
            rows.append(sales_row(company, entity, versions[-1], deleted=True))
    return sorted(rows, key=lambda r: (len(r.id), r.id), reverse=True)


def tax_lines(company: Company, record: dict[str, Any]) -> list[dict[str, Any]]:
    """``TxnTaxDetail.TaxLine`` with each rate's name: ``[{"rate": "GST (sales)", "percent": 10, ...}]``."""
    out = []
    for line in (record.get("TxnTaxDetail") or {}).get("TaxLine", []) or []:
        detail = line.get("TaxLineDetail") or {}
        rate_id = str((detail.get("TaxRateRef") or {}).get("value", ""))
        rate = company.store("TaxRate").get(rate_id) or {}
        out.append({"rate": rate.get("Name") or f"rate {rate_id}", "rate_id": rate_id,
                    "percent": detail.get("TaxPercent"), "net": detail.get("NetAmountTaxable"),
                    "amount": line.get("Amount")})
    return out


IGNORED = frozenset({"SyncToken", "MetaData", "sparse"})


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """Top-level fields that differ between two versions (``DocNumber``, ``Line`` ...)."""
    if before is None:
        return ["created"]
    keys = (set(before) | set(after)) - IGNORED
    return sorted(k for k in keys if before.get(k) != after.get(k))


def pretty(text: str | dict[str, Any] | list[Any] | None) -> str:
    """Indented JSON when ``text`` is JSON, the text unchanged otherwise."""
    if text is None:
        return ""
    if not isinstance(text, str):
        return json.dumps(text, indent=2, ensure_ascii=False)
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            return json.dumps(json.loads(stripped), indent=2, ensure_ascii=False)
        except (ValueError, RecursionError):  # a body nested too deep to indent is shown as sent
            pass
    return text


def connection_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One line for a company's OAuth grants: the best state and the newest active grant's expiries."""
    if not rows:
        return {"state": "not connected", "grants": 0}
    active = [r for r in rows if r["state"] == "active"]
    best = max(active or rows, key=lambda r: r["authorized_at"])
    access = best.get("access_token") or {}
    state = best["state"]
    if state == "active" and access.get("expired"):
        state = "access token expired"
    return {"state": state, "grants": len(rows), "active": len(active),
            "access_expires_at": access.get("expires_at"), "refresh_expires_at": best["refresh_token"]["expires_at"],
            "hard_expires_at": best["hard_expires_at"]}


#: the journal page's status choices; a number (``status=400``) is accepted too
STATUS_FILTERS = {"": "any status", "2xx": "2xx success", "4xx": "4xx client error", "5xx": "5xx server error",
                  "fault": "any fault", "dropped": "dropped connection"}


@dataclass(frozen=True)
class JournalQuery:
    """The journal page's filters, read from its query string."""

    realm_id: str | None = None
    status: str = ""
    entity: str | None = None
    search: str = ""

    def select(self, entries: list[JournalEntry]) -> list[JournalEntry]:
        wanted = self.status
        needle = self.search.lower()
        out = []
        for entry in entries:
            if wanted == "fault" and entry.fault_code is None:
                continue
            if wanted == "dropped" and entry.status != 0:
                continue
            if wanted.endswith("xx") and (entry.status // 100) != int(wanted[0]):
                continue
            if wanted.isdigit() and entry.status != int(wanted):
                continue
            if needle and needle not in " ".join(str(v) for v in (
                    entry.path, entry.intuit_tid, entry.requestid, entry.fault_code, entry.fault_message)).lower():
                continue
            out.append(entry)
        return out
