"""RecurringTransaction: a template of another transaction with a schedule (``RecurringInfo``).

On the wire a recurring transaction is the template wrapped in its type's key:
``{"RecurringTransaction": {"Invoice": {..., "RecurringInfo": {...}}}}``; requests send the inner part
``{"Invoice": {...}}`` (python-quickbooks' ``RecurringTransaction.to_json``). The template is checked by the
rules of its type (an invoice template needs a customer and lines) but is not a transaction: it posts
nothing, takes no DocNumber and gets its Id from the templates' own sequence [INF]. Stored as
``{"Id", "SyncToken", "MetaData", "Type", <Type>: template}`` so that ``WHERE Type = 'Bill'`` works;
:meth:`RecurringTransaction.present` strips the envelope.

``NextDate`` is the first scheduled date on or after the later of ``StartDate`` and today.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from simulator.entities.base import (
    EntityType,
    Op,
    bump,
    check_sync_token,
    clean,
    new_meta,
    parse_date,
    sync_token,
    text,
)
from simulator.faults import (
    BusinessValidation,
    DuplicateName,
    InvalidEnum,
    InvalidProperty,
    ObjectDeleted,
    ObjectNotFound,
    RequiredParamMissing,
)

if TYPE_CHECKING:
    from simulator.company import Company

TEMPLATE_TYPES = ("Bill", "CreditMemo", "Deposit", "Estimate", "Invoice", "JournalEntry", "Purchase",
                  "PurchaseOrder", "RefundReceipt", "SalesReceipt", "Transfer", "VendorCredit")
RECUR_TYPES = ("Automated", "Reminded", "UnScheduled")
INTERVALS = ("Daily", "Weekly", "Monthly", "Yearly")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SCHEDULE_INTS = ("NumInterval", "DayOfMonth", "MaxOccurrences", "DaysBefore", "RemindDays", "WeekOfMonth",
                 "MonthOfYear")


class RecurringTransaction(EntityType):
    name = "RecurringTransaction"
    presents = True
    field_types: ClassVar[dict[str, str]] = {kind: "object" for kind in TEMPLATE_TYPES}

    def present(self, record: dict[str, Any]) -> dict[str, Any]:
        return {record["Type"]: record[record["Type"]]}

    # -- operations -------------------------------------------------------------------------------
    def create(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        kind, inner = _template(body)
        if text(inner.get("Id")):
            return self.update(company, body, op, sparse=inner.get("sparse") in (True, "true"))
        return self._save(company, kind, inner, op, current=None)

    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        kind, inner = _template(body)
        current = self._current(company, inner)
        if current["Type"] != kind:
            raise BusinessValidation(reason=f"Recurring transaction {current['Id']} is a {current['Type']}, "
                                            f"not a {kind}.")
        check_sync_token(current[kind], inner, op)
        if sparse or inner.get("sparse") in (True, "true"):
            inner = {**current[kind], **clean(inner)}
        return self._save(company, kind, inner, op, current=current)

    def delete(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        kind, inner = _template(body)
        current = self._current(company, inner)
        if sync_token(inner.get("SyncToken")) is not None:
            check_sync_token(current[current["Type"]], inner, op)
        company.remove(self.name, current["Id"], op)
        return {"status": "Deleted", "domain": "QBO", "Id": current["Id"]}

    # -- internals --------------------------------------------------------------------------------
    def _current(self, company: Company, inner: dict[str, Any]) -> dict[str, Any]:
        template_id = text(inner.get("Id"))
        if not template_id:
            raise RequiredParamMissing(param="Id", element="Id")
        record = company.store(self.name).get(template_id)
        if record is None:
            raise ObjectDeleted() if company.was_deleted(self.name, template_id) else ObjectNotFound()
        return record

    def _save(self, company: Company, kind: str, inner: dict[str, Any], op: Op, *, current: dict[str, Any] | None
              ) -> dict[str, Any]:
        from simulator.entities import BY_NAME
        from simulator.entities.sales import SalesForm
        from simulator.entities.txn import Transaction

        info = _recurring_info(company, inner.get("RecurringInfo"), op, current)
        rules = BY_NAME[kind]
        template_id = current["Id"] if current else company.next_id(self.name)
        stand_in = current[kind] if current else {
            "Id": template_id, "SyncToken": "0", "MetaData": new_meta(op), "TotalAmt": 0, "Balance": 0,
            "Deposit": 0, "RemainingCredit": 0, "LinkedTxn": []}
        body = clean(inner)
        if isinstance(rules, SalesForm):
            fields = {k: v for k, v in body.items() if k in rules.writable_keys}
            template = rules._build(company, fields, op, current=stand_in)
        elif isinstance(rules, Transaction):
            template = rules.build(company, rules.writable(body), op, current=stand_in)
        else:  # unreachable: TEMPLATE_TYPES are all sales forms or transactions
            raise InvalidProperty(reason=f"{kind}:not a recurring transaction type")
        template["RecurringInfo"] = info
        template["RecurDataRef"] = {"value": template_id}
        record = {"Id": template_id, "Type": kind, kind: template,
                  "SyncToken": current["SyncToken"] if current else "0",
                  "MetaData": dict(current["MetaData"]) if current else dict(template["MetaData"])}
        if current is not None:
            bump(template, op)
            bump(record, op)
        company.save(self.name, record, op, operation="Update" if current else "Create")
        return record


def _template(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kinds = [k for k in body if k in TEMPLATE_TYPES and isinstance(body[k], dict)]
    if len(kinds) != 1:
        raise RequiredParamMissing(param="RecurringTransaction: one of " + ", ".join(TEMPLATE_TYPES))
    return kinds[0], body[kinds[0]]


def _recurring_info(company: Company, raw: Any, op: Op, current: dict[str, Any] | None) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RequiredParamMissing(param="RecurringInfo", element="RecurringInfo")
    raw = clean(raw)
    name = text(raw.get("Name"))
    if not name:
        raise RequiredParamMissing(param="RecurringInfo.Name", element="RecurringInfo.Name")
    for other in company.store("RecurringTransaction"):
        if (current is None or other["Id"] != current["Id"]) and \
                other[other["Type"]]["RecurringInfo"]["Name"].casefold() == name.casefold():
            raise DuplicateName(kind="recurring transaction")
    recur_type = text(raw.get("RecurType")) or "Automated"
    if recur_type not in RECUR_TYPES:
        raise InvalidEnum(element="RecurringInfo.RecurType", value=f"RecurType:{recur_type}")
    info: dict[str, Any] = {"Name": name, "RecurType": recur_type, "Active": raw.get("Active") not in (False, "false")}
    if recur_type != "UnScheduled":
        info["ScheduleInfo"] = _schedule(raw.get("ScheduleInfo"), op.today)
    return info


def _schedule(raw: Any, today: date) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RequiredParamMissing(param="RecurringInfo.ScheduleInfo", element="RecurringInfo.ScheduleInfo")
    interval = text(raw.get("IntervalType"))
    if interval not in INTERVALS:
        raise InvalidEnum(element="RecurringInfo.ScheduleInfo.IntervalType", value=f"IntervalType:{interval}")
    out: dict[str, Any] = {}
    for key in SCHEDULE_INTS:
        value = text(raw.get(key))
        if value is not None:
            if not value.isdigit():
                raise InvalidProperty(element=f"RecurringInfo.ScheduleInfo.{key}",
                                      reason=f"RecurringInfo.ScheduleInfo.{key}:{value}")
            out[key] = int(value)
    out.setdefault("NumInterval", 1)
    if out["NumInterval"] < 1 or not 1 <= out.get("DayOfMonth", 1) <= 31:
        raise BusinessValidation(element="RecurringInfo.ScheduleInfo", reason="The schedule is not valid.")
    day_of_week = text(raw.get("DayOfWeek"))
    if day_of_week is not None:
        if day_of_week not in WEEKDAYS:
            raise InvalidEnum(element="RecurringInfo.ScheduleInfo.DayOfWeek", value=f"DayOfWeek:{day_of_week}")
        out["DayOfWeek"] = day_of_week
    start = parse_date(raw.get("StartDate"), "StartDate") or today
    end = parse_date(raw.get("EndDate"), "EndDate")
    if end is not None and end < start:
        raise BusinessValidation(element="RecurringInfo.ScheduleInfo.EndDate",
                                 reason="The end date must be after the start date.")
    out["StartDate"] = start.isoformat()
    if end is not None:
        out["EndDate"] = end.isoformat()
    out["IntervalType"] = interval
    following = next_date(out, start, max(start, today))
    if following is not None and (end is None or following <= end):
        out["NextDate"] = following.isoformat()
    return out


def next_date(schedule: dict[str, Any], start: date, after: date) -> date | None:
    """The first scheduled date on or after ``after`` (dates step from ``start`` by the interval)."""
    step = schedule["NumInterval"]
    interval = schedule["IntervalType"]
    first = start
    if interval == "Weekly" and "DayOfWeek" in schedule:
        first = start + timedelta(days=(WEEKDAYS.index(schedule["DayOfWeek"]) - start.weekday()) % 7)
    if interval in ("Daily", "Weekly"):
        days = step * (1 if interval == "Daily" else 7)
        if first >= after:
            return first
        return first + timedelta(days=-(-(after - first).days // days) * days)
    months = step * (12 if interval == "Yearly" else 1)
    day = schedule.get("DayOfMonth", start.day)
    year, month = start.year, start.month
    for _ in range(2400):  # 200 years of months: a bound, never reached for real schedules
        candidate = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if candidate >= after and candidate >= start:
            return candidate
        month += months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return None


__all__ = ["RecurringTransaction", "TEMPLATE_TYPES", "next_date"]
